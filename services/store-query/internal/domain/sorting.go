package domain

import "sort"

// SortValueCounts orders counts by count descending, then value ascending.
func SortValueCounts(v []ValueCount) {
	sort.Slice(v, func(i, j int) bool {
		if v[i].Count != v[j].Count {
			return v[i].Count > v[j].Count
		}
		return v[i].Value < v[j].Value
	})
}

func sortStrings(s []string) { sort.Strings(s) }
