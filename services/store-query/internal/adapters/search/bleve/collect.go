package bleve

import (
	"maps"
	"math"
	"math/bits"
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/numeric"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// A query runs over the columns in three passes over bitsets (see columns): its matches are
// the live rows (or the rows the text matched), ANDed with the set of each channel and
// characteristic filter and thinned by the price range; the facets are popcounts of the
// matches ANDed with each term's set (or, for few matches, counted row by row); the page is
// kept by a bounded heap of the first skip+limit in sort order, fed by one tight loop over the
// matches' sort keys. No query sorts or materialises its whole match set.

// hit is a matching row, with its sort key and full-text score (0 without text).
type hit struct {
	slot  int32
	key   uint64
	score float64
}

// filter is a query's price, channel and characteristic conditions, compiled against the
// columns' dictionaries. Price bounds compare in bleve's integer form of a float, as the
// numeric range query did.
type filter struct {
	minKey, maxKey   uint64
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
		f.minKey, f.hasMin = flip(numeric.Float64ToInt64(*q.MinPrice)), true
	}
	if q.MaxPrice != nil {
		f.maxKey, f.hasMax = flip(numeric.Float64ToInt64(*q.MaxPrice)), true
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

// apply keeps in m the rows matching f; needs c.mu held.
func (c *columns) apply(m bitset, f *filter) {
	if !f.any {
		return
	}
	if f.none {
		clear(m)
		return
	}
	if f.hasChannel {
		c.keepTerm(m, f.channel, c.chanSets, func(r *row) []uint32 { return r.chans })
	}
	for _, p := range f.pairs {
		c.keepTerm(m, p, c.pairSets, func(r *row) []uint32 { return r.pairs })
	}
	if f.hasMin || f.hasMax {
		lo, hi := f.minKey, f.maxKey
		if !f.hasMin {
			lo = 0
		}
		if !f.hasMax {
			hi = math.MaxUint64
		}
		keys := c.priceKeys
		for w, word := range m {
			for b := word; b != 0; b &= b - 1 {
				i := bits.TrailingZeros64(b)
				if k := keys[w<<6+i]; k < lo || k > hi {
					m[w] &^= 1 << i
				}
			}
		}
	}
}

// keepTerm keeps in m the rows holding term n: an AND with its set, or a look at the lists
// of the rows for a term past the sets.
func (c *columns) keepTerm(m bitset, n uint32, sets []bitset, terms func(*row) []uint32) {
	if n < 64 {
		var set bitset
		if int(n) < len(sets) {
			set = sets[n]
		}
		m.and(set)
		return
	}
	for w, word := range m {
		for b := word; b != 0; b &= b - 1 {
			i := bits.TrailingZeros64(b)
			if !slices.Contains(terms(&c.rows[w<<6+i]), n) {
				m[w] &^= 1 << i
			}
		}
	}
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

// count counts the facets of the total rows in m; needs c.mu held.
func (c *columns) count(m bitset, total int) counts {
	if sets := len(c.chanSets) + len(c.pairSets) + len(c.buckets); total*16 < sets*len(m) {
		return c.countRows(m) // few matches: row by row is cheaper than a pass over every set
	}
	return c.countSets(m)
}

func (c *columns) newCounts() counts {
	return counts{chans: make([]int32, len(c.chans.text)), pairs: make([]int32, len(c.pairs.text)),
		prices: make([]int32, len(domain.PriceRanges))}
}

// countRows counts the terms of each row in m.
func (c *columns) countRows(m bitset) counts {
	n := c.newCounts()
	for w, word := range m {
		for b := word; b != 0; b &= b - 1 {
			r := &c.rows[w<<6+bits.TrailingZeros64(b)]
			countTerms(n.chans, r.chanBits, r.chans, r.bigChans)
			countTerms(n.pairs, r.pairBits, r.pairs, r.bigPairs)
			if r.bucket >= 0 {
				n.prices[r.bucket]++
			}
		}
	}
	return n
}

// countSets counts each term's rows in m from its set.
func (c *columns) countSets(m bitset) counts {
	n := c.newCounts()
	for t, set := range c.chanSets {
		n.chans[t] = m.andCount(set)
	}
	for t, set := range c.pairSets {
		n.pairs[t] = m.andCount(set)
	}
	for i, set := range c.buckets {
		n.prices[i] = m.andCount(set)
	}
	c.countBig(m, c.bigChans, n.chans, func(r *row) []uint32 { return r.chans })
	c.countBig(m, c.bigPairs, n.pairs, func(r *row) []uint32 { return r.pairs })
	return n
}

// countBig counts the terms past the sets of the rows in both m and big.
func (c *columns) countBig(m, big bitset, counts []int32, terms func(*row) []uint32) {
	for w, word := range big[:min(len(big), len(m))] {
		for b := word & m[w]; b != 0; b &= b - 1 {
			for _, t := range terms(&c.rows[w<<6+bits.TrailingZeros64(b)]) {
				if t >= 64 {
					counts[t]++
				}
			}
		}
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

// search answers q over the columns: tokens are its analysed text (text says there is one).
// Needs c.mu held.
func (c *columns) search(q domain.Query, text bool, tokens analysis.TokenStream) domain.Result {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	m := &s.match
	m.resize((len(c.rows) + 63) / 64)
	if text {
		c.matchText(tokens, s)
		copy(*m, s.touched)
		m.and(c.live)
	} else {
		copy(*m, c.live)
	}
	f := c.compileFilter(q)
	c.apply(*m, &f)
	total := m.count()
	n := &c.all
	if text || f.any {
		counted := c.count(*m, total)
		n = &counted
	}
	k := newPager(c, q, text && len(tokens) > 0)
	k.collect(*m, s, len(tokens))
	page := k.page(q.Skip)
	items := make([]domain.Document, len(page))
	for i, h := range page {
		items[i] = cloneDoc(c.rows[h.slot].doc)
	}
	s.reset()
	return domain.Result{Total: total, Items: items, Facets: c.facets(n)}
}

// cloneDoc copies a row's document, so that callers may change what they are given.
func cloneDoc(d domain.Document) domain.Document {
	d.Specifications = slices.Clone(d.Specifications)
	for i := range d.Specifications {
		d.Specifications[i].Characteristics = slices.Clone(d.Specifications[i].Characteristics)
	}
	d.Pricing, d.SalesChannels = slices.Clone(d.Pricing), slices.Clone(d.SalesChannels)
	if d.PublishedAt != nil {
		t := *d.PublishedAt
		d.PublishedAt = &t
	}
	v := &d.Versions
	v.Specifications, v.Characteristics, v.Prices = maps.Clone(v.Specifications), maps.Clone(v.Characteristics), maps.Clone(v.Prices)
	return d
}

// facets turns the counts into the store's facets, as bleve's terms and numeric range facets
// did: the top values by count (then value), grouped and trimmed the same way.
func (c *columns) facets(n *counts) domain.Facets {
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
