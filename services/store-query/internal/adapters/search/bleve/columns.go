package bleve

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
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
// The full text (text.go) and the returned documents are answered here too: each row holds its
// document decoded from the stored source (~1 KiB a document, ~52 MiB at 50,000 offerings),
// since loading and decoding 20 sources from bleve cost a third of a query. Bleve is storage:
// Open rebuilds the columns from it.
//
// The index writes the columns after bleve on Index and before bleve on Remove (one writer at
// a time), so every document a row names is in bleve.
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
	// The columns a query scans, apart from rows so that a scan reads only what it compares:
	// live marks the rows holding a document; priceKeys, newKeys and nameKeys are each row's
	// sort keys (see sortKeys); chanSets and pairSets mark the rows holding each term numbered
	// below 64, bigChans and bigPairs the rows holding terms past them, buckets the rows of each
	// price facet range. Filters and facet counts are then ANDs and popcounts of words.
	live                         bitset
	priceKeys, newKeys, nameKeys []uint64
	// ties are the rows' id and lower-cased name (the name_sort field), which break key ties.
	ties               []ties
	chanSets, pairSets []bitset
	bigChans, bigPairs bitset
	buckets            []bitset
	chans              dict
	pairs              dict
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
	// doc is the document as a search returns it (decoded from its stored source), so a page
	// of hits is copied from memory instead of loaded and decoded from bleve.
	doc domain.Document
	// bucket is the index of the price facet range holding price (the ranges do not overlap),
	// -1 for none.
	bucket int8
	chans  []uint32
	pairs  []uint32
	// chanBits and pairBits mark the terms numbered below 64; bigChans and bigPairs say the
	// lists hold more.
	chanBits, pairBits uint64
	bigChans, bigPairs bool
}

// ties are a row's values that decide between equal sort keys.
type ties struct{ id, name string }

// sortKeys are a row's sort keys, each ascending in its order: the price in bleve's
// order-preserving integer form, the publication time (newest first, missing last) and the
// first 8 bytes of the name (ties compare the whole name).
type sortKeys struct{ price, newest, name uint64 }

func keysOf(d domain.Document, name string) sortKeys {
	k := sortKeys{price: flip(numeric.Float64ToInt64(d.PriceFrom())), newest: math.MaxUint64}
	if d.PublishedAt != nil {
		k.newest = ^flip(d.PublishedAt.UnixNano())
	}
	var b [8]byte
	copy(b[:], name)
	k.name = binary.BigEndian.Uint64(b[:])
	return k
}

// flip maps int64 order onto uint64 order.
func flip(n int64) uint64 { return uint64(n) ^ 1<<63 }

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
	r := row{doc: d, bucket: -1}
	for i, pr := range domain.PriceRanges {
		if pr.Contains(price) {
			r.bucket = int8(i)
			break
		}
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

// mark sets (on) or clears row s's bits in the scanned columns.
func (c *columns) mark(s int32, r *row, on bool) {
	flag := func(b *bitset) {
		if on {
			b.set(s)
		} else {
			b.unset(s)
		}
	}
	flag(&c.live)
	for _, n := range r.chans {
		if n < 64 {
			for int(n) >= len(c.chanSets) {
				c.chanSets = append(c.chanSets, nil)
			}
			flag(&c.chanSets[n])
		}
	}
	for _, n := range r.pairs {
		if n < 64 {
			for int(n) >= len(c.pairSets) {
				c.pairSets = append(c.pairSets, nil)
			}
			flag(&c.pairSets[n])
		}
	}
	if r.bigChans {
		flag(&c.bigChans)
	}
	if r.bigPairs {
		flag(&c.bigPairs)
	}
	if r.bucket >= 0 {
		if c.buckets == nil {
			c.buckets = make([]bitset, len(domain.PriceRanges))
		}
		flag(&c.buckets[r.bucket])
	}
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
		t := ties{id: d.ID, name: strings.ToLower(d.Name)}
		k := keysOf(d, t.name)
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
			c.priceKeys, c.newKeys, c.nameKeys = append(c.priceKeys, 0), append(c.newKeys, 0), append(c.nameKeys, 0)
			c.ties = append(c.ties, ties{})
		}
		c.gen++
		c.slots[d.ID] = s
		c.rows[s], c.gens[s] = r, c.gen
		c.priceKeys[s], c.newKeys[s], c.nameKeys[s], c.ties[s] = k.price, k.newest, k.name, t
		c.mark(s, &r, true)
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
	c.mark(s, &old, false)
	c.rows[s], c.gens[s], c.terms[s], c.ties[s] = row{}, 0, [3][]uint32{}, ties{}
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
