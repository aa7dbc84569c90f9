package bleve

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/numeric"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// columns keeps, beside the bleve index, every value that filtering, sorting and the facets
// read, one row per indexed document. Bleve gets these from doc values, visiting every hit of
// a query for each field: over 50,000 offerings that cost seconds under load (issue 13), while
// the same values in memory take a few MiB and a scan of all of them well under a millisecond.
// Bleve still answers full text; everything else is answered here.
//
// The index writes the columns after bleve on Index and before bleve on Remove (one writer at
// a time), so every document a row names is in bleve and its stored source can be loaded.
type columns struct {
	mu    sync.RWMutex
	slots map[string]int32 // document id → row
	rows  []row
	// gens and terms run beside rows: each row's generation (0 when free), which tells its
	// postings from those of an earlier document in the same row, and its postings' terms.
	// Apart from rows, so the scan of postings reads 4 bytes a row.
	gens  []uint32
	terms [][3][]uint32
	free  []int32 // rows of removed documents, reused first
	chans dict
	pairs dict
	// all counts the facets over every document, kept up to date by put and remove, so a
	// query without text or filters (browsing) counts nothing.
	all counts
	// text holds the postings of the full-text fields (see text.go), analysed by analyzer.
	text     [3]postings
	analyzer analysis.Analyzer
	gen      uint32
}

// row is one document's values. Term lists hold dictionary numbers, each at most once.
type row struct {
	id   string
	live bool
	// name is the lower-cased name, the name sort key (as the name_sort field).
	name string
	// priceKey is domain.Document.PriceFrom in its order-preserving integer form, the one
	// bleve compares when it filters and sorts numbers.
	priceKey int64
	// bucket is the index of the price facet range holding price (the ranges do not overlap),
	// -1 for none.
	bucket int8
	// published is the publication time in Unix nanoseconds (bleve's date form), if hasPub.
	published int64
	hasPub    bool
	chans     []uint32
	pairs     []uint32
	// chanBits and pairBits mark the terms numbered below 64, so most filters and counts
	// read bits instead of walking the lists; bigChans and bigPairs say the lists hold more.
	chanBits, pairBits uint64
	bigChans, bigPairs bool
}

// dict numbers the distinct terms of one field (channels, characteristic pairs). Numbers are
// never reused: a term whose documents are all gone stays, counted zero.
type dict struct {
	num  map[string]uint32
	text []string
}

func (d *dict) number(term string) uint32 {
	if n, ok := d.num[term]; ok {
		return n
	}
	if d.num == nil {
		d.num = map[string]uint32{}
	}
	n := uint32(len(d.text))
	d.num[term] = n
	d.text = append(d.text, term)
	return n
}

func newColumns(a analysis.Analyzer) *columns {
	return &columns{slots: map[string]int32{}, analyzer: a}
}

// analyse prepares docs' full text for put, outside the lock.
func (c *columns) analyse(docs []domain.Document) []analysed {
	out := make([]analysed, len(docs))
	for i, d := range docs {
		out[i] = analyse(c.analyzer, [3]string{d.Name, d.Description, d.CharacteristicText()})
	}
	return out
}

// toRow computes a document's values as toFields indexes them.
func (c *columns) toRow(d domain.Document) row {
	price := d.PriceFrom()
	r := row{id: d.ID, live: true, name: strings.ToLower(d.Name), priceKey: numeric.Float64ToInt64(price), bucket: -1}
	for i, pr := range domain.PriceRanges {
		if pr.Contains(price) {
			r.bucket = int8(i)
			break
		}
	}
	if d.PublishedAt != nil {
		r.published, r.hasPub = d.PublishedAt.UnixNano(), true
	}
	for _, ch := range d.SalesChannels {
		r.chans = appendOnce(r.chans, c.chans.number(ch))
	}
	for _, p := range d.CharacteristicPairs() {
		r.pairs = appendOnce(r.pairs, c.pairs.number(domain.PairKey(p)))
	}
	r.chanBits, r.pairBits = bitsOf(r.chans), bitsOf(r.pairs)
	r.bigChans = bits.OnesCount64(r.chanBits) < len(r.chans)
	r.bigPairs = bits.OnesCount64(r.pairBits) < len(r.pairs)
	return r
}

func bitsOf(terms []uint32) uint64 {
	var b uint64
	for _, n := range terms {
		if n < 64 {
			b |= 1 << n
		}
	}
	return b
}

// has reports whether a row with terms (bits their low numbers) holds term n.
func has(terms []uint32, bits uint64, n uint32) bool {
	if n < 64 {
		return bits&(1<<n) != 0
	}
	return slices.Contains(terms, n)
}

func appendOnce(s []uint32, n uint32) []uint32 {
	for _, v := range s {
		if v == n {
			return s
		}
	}
	return append(s, n)
}

// put adds or replaces the rows of docs (a later document with the same id wins); text is
// c.analyse(docs).
func (c *columns) put(docs []domain.Document, text []analysed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, d := range docs {
		r := c.toRow(d)
		s, ok := c.slots[d.ID]
		switch {
		case ok:
			c.clear(s)
		case len(c.free) > 0:
			s = c.free[len(c.free)-1]
			c.free = c.free[:len(c.free)-1]
		default:
			s = int32(len(c.rows))
			c.rows, c.gens, c.terms = append(c.rows, row{}), append(c.gens, 0), append(c.terms, [3][]uint32{})
		}
		c.gen++
		c.slots[d.ID] = s
		c.rows[s], c.gens[s] = r, c.gen
		c.all.add(&r, 1)
		c.link(s, c.gen, text[i])
	}
}

// remove drops the rows of ids; unknown ids are ignored.
func (c *columns) remove(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		s, ok := c.slots[id]
		if !ok {
			continue
		}
		delete(c.slots, id)
		c.clear(s)
		c.free = append(c.free, s)
	}
}

// clear empties row s, taking back its counts and retiring its postings.
func (c *columns) clear(s int32) {
	old, terms := c.rows[s], c.terms[s]
	c.all.add(&old, -1)
	c.rows[s], c.gens[s], c.terms[s] = row{}, 0, [3][]uint32{}
	c.unlink(terms)
}

// size is the number of documents held.
func (c *columns) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.slots)
}

// loadColumns builds the columns of every document in idx from their stored sources, the
// same documents Index was given.
func loadColumns(idx bleve.Index) (*columns, error) {
	ctx := context.Background()
	all, err := allHits(ctx, idx, bleve.NewMatchAllQuery())
	if err != nil {
		return nil, fmt.Errorf("list indexed documents: %w", err)
	}
	a, err := textAnalyzer(idx)
	if err != nil {
		return nil, err
	}
	c := newColumns(a)
	const chunk = 1000
	for i := 0; i < len(all); i += chunk {
		ids := make([]string, 0, chunk)
		for _, h := range all[i:min(i+chunk, len(all))] {
			ids = append(ids, h.id)
		}
		docs, err := loadSources(ctx, idx, ids)
		if err != nil {
			return nil, fmt.Errorf("load indexed documents: %w", err)
		}
		c.put(docs, c.analyse(docs))
	}
	return c, nil
}

// textAnalyzer is the analyzer of the index's full-text fields (all three share it).
func textAnalyzer(idx bleve.Index) (analysis.Analyzer, error) {
	m := idx.Mapping()
	a := m.AnalyzerNamed(m.AnalyzerNameForPath(fName))
	if a == nil {
		return nil, fmt.Errorf("search index has no analyzer for %s", fName)
	}
	return a, nil
}
