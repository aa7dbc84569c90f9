package bleve

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/numeric"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// hit is a matching row, with its full-text score (0 without text).
type hit struct {
	slot  int32
	score float64
}

// filter is a query's price, channel and characteristic conditions, compiled against the
// columns' dictionaries. Price bounds compare in bleve's integer form of a float, as the
// numeric range query did.
type filter struct {
	minKey, maxKey   int64
	hasMin, hasMax   bool
	channel          uint32
	hasChannel, none bool
	pairs            []uint32
	any              bool // some condition is set
}

// compileFilter needs c.mu held.
func (c *columns) compileFilter(q domain.Query) filter {
	var f filter
	if q.MinPrice != nil {
		f.minKey, f.hasMin = numeric.Float64ToInt64(*q.MinPrice), true
	}
	if q.MaxPrice != nil {
		f.maxKey, f.hasMax = numeric.Float64ToInt64(*q.MaxPrice), true
	}
	if q.Channel != "" {
		n, ok := c.chans.num[q.Channel]
		f.channel, f.hasChannel, f.none = n, true, f.none || !ok
	}
	for _, p := range q.Characteristics {
		n, ok := c.pairs.num[domain.PairKey(p)]
		f.pairs, f.none = append(f.pairs, n), f.none || !ok
	}
	f.any = f.hasMin || f.hasMax || f.hasChannel || len(f.pairs) > 0
	return f
}

func (f *filter) match(r *row) bool {
	if !f.any {
		return r.live
	}
	if f.none || !r.live || f.hasMin && r.priceKey < f.minKey || f.hasMax && r.priceKey > f.maxKey {
		return false
	}
	if f.hasChannel && !has(r.chans, r.chanBits, f.channel) {
		return false
	}
	for _, p := range f.pairs {
		if !has(r.pairs, r.pairBits, p) {
			return false
		}
	}
	return true
}

// counts are facet counts: per channel and pair dictionary number, per price range.
type counts struct {
	chans, pairs, prices []int32
}

// add counts row r (delta 1) or takes it back (-1).
func (c *counts) add(r *row, delta int32) {
	for _, n := range r.chans {
		if int(n) >= len(c.chans) {
			c.chans = append(c.chans, make([]int32, int(n)+1-len(c.chans))...)
		}
		c.chans[n] += delta
	}
	for _, n := range r.pairs {
		if int(n) >= len(c.pairs) {
			c.pairs = append(c.pairs, make([]int32, int(n)+1-len(c.pairs))...)
		}
		c.pairs[n] += delta
	}
	if r.bucket >= 0 {
		if c.prices == nil {
			c.prices = make([]int32, len(domain.PriceRanges))
		}
		c.prices[r.bucket] += delta
	}
}

// collector takes every match of a query: it counts them, counts the facets over all of them
// (unless every document matches: then the columns' running counts are the answer) and keeps
// the first skip+limit in sort order (a bounded heap, worst on top), so no query sorts or
// materialises its whole match set.
type collector struct {
	rows   []row
	filter filter
	before func(a, b hit) bool // a sorts before b
	keep   int
	heap   []hit
	total  int
	// every: the query has neither text nor filters.
	every bool
	counts
}

// newCollector needs c.mu held until the collector is done.
func (c *columns) newCollector(q domain.Query) *collector {
	keep := 0
	if q.Limit > 0 {
		keep = max(q.Skip, 0) + q.Limit
	}
	k := &collector{
		rows: c.rows, filter: c.compileFilter(q), before: c.order(q.EffectiveSort()), keep: keep,
		heap: make([]hit, 0, min(keep, 1024)),
	}
	k.every = !k.filter.any && strings.TrimSpace(q.Text) == ""
	if !k.every {
		k.chans, k.pairs = make([]int32, len(c.chans.text)), make([]int32, len(c.pairs.text))
		k.prices = make([]int32, len(domain.PriceRanges))
	}
	return k
}

// offer considers row slot, matched by the full text with score (or by no text).
func (k *collector) offer(slot int32, score float64) {
	r := &k.rows[slot]
	if !k.filter.match(r) {
		return
	}
	k.total++
	if !k.every {
		countTerms(k.chans, r.chanBits, r.chans, r.bigChans)
		countTerms(k.pairs, r.pairBits, r.pairs, r.bigPairs)
		if r.bucket >= 0 {
			k.prices[r.bucket]++
		}
	}
	h := hit{slot: slot, score: score}
	switch {
	case k.keep == 0:
	case len(k.heap) < k.keep:
		k.heap = append(k.heap, h)
		k.up(len(k.heap) - 1)
	case k.before(h, k.heap[0]):
		k.heap[0] = h
		k.down(0)
	}
}

// countTerms counts a row's terms: the low ones from their bits, the rest (if big) from the list.
func countTerms(counts []int32, low uint64, terms []uint32, big bool) {
	for b := low; b != 0; b &= b - 1 {
		counts[bits.TrailingZeros64(b)]++
	}
	if big {
		for _, n := range terms {
			if n >= 64 {
				counts[n]++
			}
		}
	}
}

// up and down keep the heap's worst hit (the one sorting last) at the root.
func (k *collector) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !k.before(k.heap[p], k.heap[i]) {
			return
		}
		k.heap[p], k.heap[i] = k.heap[i], k.heap[p]
		i = p
	}
}

func (k *collector) down(i int) {
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(k.heap) && k.before(k.heap[worst], k.heap[l]) {
			worst = l
		}
		if r < len(k.heap) && k.before(k.heap[worst], k.heap[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		k.heap[i], k.heap[worst] = k.heap[worst], k.heap[i]
		i = worst
	}
}

// page returns the rows of the requested page, in order.
func (k *collector) page(skip int) []hit {
	slices.SortFunc(k.heap, func(a, b hit) int {
		if k.before(a, b) {
			return -1
		}
		if k.before(b, a) {
			return 1
		}
		return 0
	})
	if skip >= len(k.heap) {
		return nil
	}
	return k.heap[max(skip, 0):]
}

// facets turns the counts into the store's facets, as bleve's terms and numeric range facets
// did: the top values by count (then value), grouped and trimmed the same way.
func (k *collector) facets(c *columns) domain.Facets {
	n := &k.counts
	if k.every {
		n = &c.all
	}
	f := domain.Facets{
		PriceRanges:     []domain.RangeCount{},
		Channels:        topTerms(n.chans, c.chans.text, domain.FacetSize),
		Characteristics: domain.GroupCharacteristicFacets(topTerms(n.pairs, c.pairs.text, pairFacetSize)),
	}
	for i, r := range domain.PriceRanges {
		if i < len(n.prices) && n.prices[i] > 0 {
			count := n.prices[i]
			f.PriceRanges = append(f.PriceRanges, domain.RangeCount{Key: r.Key, From: r.From, To: r.To, Count: int(count)})
		}
	}
	return f
}

func topTerms(counts []int32, text []string, size int) []domain.ValueCount {
	out := []domain.ValueCount{}
	for n, count := range counts {
		if count > 0 {
			out = append(out, domain.ValueCount{Value: text[n], Count: int(count)})
		}
	}
	domain.SortValueCounts(out)
	return out[:min(size, len(out))]
}

// order is the "sorts before" of s over the rows, with the tie-breaks the index always had:
// missing publication dates last, then the document id.
func (c *columns) order(s domain.Sort) func(a, b hit) bool {
	rows := c.rows
	byID := func(a, b hit) bool { return rows[a.slot].id < rows[b.slot].id }
	newest := func(a, b hit) bool {
		ra, rb := &rows[a.slot], &rows[b.slot]
		if ra.hasPub != rb.hasPub {
			return ra.hasPub
		}
		if ra.published != rb.published {
			return ra.published > rb.published
		}
		return byID(a, b)
	}
	switch s {
	case domain.SortPriceAsc, domain.SortPriceDesc:
		desc := s == domain.SortPriceDesc
		return func(a, b hit) bool {
			pa, pb := rows[a.slot].priceKey, rows[b.slot].priceKey
			if pa != pb {
				return pa < pb != desc
			}
			return byID(a, b)
		}
	case domain.SortName:
		return func(a, b hit) bool {
			na, nb := rows[a.slot].name, rows[b.slot].name
			if na != nb {
				return na < nb
			}
			return byID(a, b)
		}
	case domain.SortNewest:
		return newest
	default:
		return func(a, b hit) bool {
			if a.score != b.score {
				return a.score > b.score
			}
			return newest(a, b)
		}
	}
}
