package domain

import (
	"fmt"
	"strings"
)

// Sort is a search result order.
type Sort string

// The supported orders. SortRelevance without a text query falls back to newest first.
const (
	SortRelevance Sort = "relevance"
	SortPriceAsc  Sort = "price_asc"
	SortPriceDesc Sort = "price_desc"
	SortName      Sort = "name"
	SortNewest    Sort = "newest"
)

// ParseSort parses a sort name; "" is relevance and "name_asc" is an alias of name.
func ParseSort(s string) (Sort, error) {
	switch Sort(s) {
	case "", SortRelevance:
		return SortRelevance, nil
	case SortPriceAsc, SortPriceDesc, SortName, SortNewest:
		return Sort(s), nil
	case "name_asc":
		return SortName, nil
	}
	return "", fmt.Errorf("unknown sort %q (relevance, price_asc, price_desc, name, newest)", s)
}

// CharacteristicFilter requires a characteristic with this exact name and value.
type CharacteristicFilter struct {
	Name  string
	Value string
}

// ParseCharacteristicFilter parses "name:value" (split at the first colon; both parts needed).
func ParseCharacteristicFilter(s string) (CharacteristicFilter, error) {
	name, value, ok := strings.Cut(s, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" || value == "" {
		return CharacteristicFilter{}, fmt.Errorf("%q is not in the form name:value", s)
	}
	return CharacteristicFilter{Name: name, Value: value}, nil
}

// String formats the filter as name:value.
func (c CharacteristicFilter) String() string { return c.Name + ":" + c.Value }

// Query is a store search: all given filters must hold (characteristic filters are ANDed).
type Query struct {
	Text            string
	MinPrice        *float64
	MaxPrice        *float64
	Channel         string
	Characteristics []CharacteristicFilter
	Sort            Sort
	Skip            int
	Limit           int
}

// EffectiveSort is the order actually applied: relevance needs a text query.
func (q Query) EffectiveSort() Sort {
	if q.Sort == SortRelevance && strings.TrimSpace(q.Text) == "" {
		return SortNewest
	}
	if q.Sort == "" {
		return SortRelevance
	}
	return q.Sort
}

// Result is one page of search results.
type Result struct {
	Items  []Document
	Total  int
	Facets Facets
}

// Facets are the counts shoppers refine a search with, over every match (not only the page).
type Facets struct {
	PriceRanges     []RangeCount
	Channels        []ValueCount
	Characteristics []CharacteristicFacet
}

// RangeCount counts matches whose PriceFrom lies in [From, To); To nil means no upper bound.
type RangeCount struct {
	Key   string
	From  float64
	To    *float64
	Count int
}

// ValueCount counts matches having Value.
type ValueCount struct {
	Value string
	Count int
}

// CharacteristicFacet counts matches per value of one characteristic name.
type CharacteristicFacet struct {
	Name   string
	Values []ValueCount
}

// PriceRange is one bucket of the price facet.
type PriceRange struct {
	Key  string
	From float64
	To   *float64
}

func bound(v float64) *float64 { return &v }

// PriceRanges are the fixed buckets of the price facet, applied to PriceFrom.
var PriceRanges = []PriceRange{
	{Key: "0-25", From: 0, To: bound(25)},
	{Key: "25-50", From: 25, To: bound(50)},
	{Key: "50-100", From: 50, To: bound(100)},
	{Key: "100-200", From: 100, To: bound(200)},
	{Key: "200+", From: 200},
}

// Contains reports whether v falls in the range.
func (r PriceRange) Contains(v float64) bool {
	return v >= r.From && (r.To == nil || v < *r.To)
}

// FacetSize caps the number of values per channel or characteristic facet.
const FacetSize = 50

// SplitPair splits a characteristic pair key made by PairKey.
func SplitPair(key string) (CharacteristicFilter, bool) {
	name, value, ok := strings.Cut(key, pairSep)
	return CharacteristicFilter{Name: name, Value: value}, ok
}

// PairKey is the single keyword a search index stores for one characteristic name/value pair
// (the unit separator cannot occur in what shoppers type).
func PairKey(c CharacteristicFilter) string { return c.Name + pairSep + c.Value }

const pairSep = "\x1f"

// GroupCharacteristicFacets turns pair counts into per-name facets, names and values sorted by
// count (descending) then text.
func GroupCharacteristicFacets(pairs []ValueCount) []CharacteristicFacet {
	byName := map[string][]ValueCount{}
	order := []string{}
	for _, p := range pairs {
		c, ok := SplitPair(p.Value)
		if !ok {
			continue
		}
		if _, seen := byName[c.Name]; !seen {
			order = append(order, c.Name)
		}
		byName[c.Name] = append(byName[c.Name], ValueCount{Value: c.Value, Count: p.Count})
	}
	sortStrings(order)
	out := make([]CharacteristicFacet, 0, len(order))
	for _, n := range order {
		vals := byName[n]
		SortValueCounts(vals)
		out = append(out, CharacteristicFacet{Name: n, Values: vals})
	}
	return out
}
