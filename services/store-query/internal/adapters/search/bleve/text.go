package bleve

import (
	"math"
	"math/bits"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
)

// The full text is matched and scored in memory too, from postings kept beside the columns:
// bleve's own path costs ~300 ns a hit (searcher, scorer, then the hit's external id read from
// the stored fields), and the store's words match half the catalog, so a query spent ~10 ms
// there. The postings are built with the index's own analyzer and scored with bleve's tf-idf
// exactly as textQuery is (term idf and norm, query norm, coord of each disjunction), in
// bleve's order of operations, so scores and order are the same: oracle_test.go checks it
// against bleve itself.

// textFields are textQuery's disjuncts, in its order.
var textFields = [3]struct {
	name  string
	boost float64
}{{fName, boostName}, {fDescription, boostDescription}, {fCharText, boostCharText}}

// posting is one document's occurrence of a term in a field. It is valid while its row is
// live with the same generation; stale ones are skipped and compacted away.
type posting struct {
	slot int32
	gen  uint32
	// tfNorm is bleve's √freq × norm, the norm being 1/√(tokens in the field) as a float32.
	tfNorm float64
}

// postings is the inverted index of one text field.
type postings struct {
	terms dict
	lists [][]posting
	df    []int32 // live documents per term: bleve's docFreq
	stale []int32
}

// analysed is a document's text, analysed outside the columns' lock.
type analysed [3]struct {
	length int
	freqs  map[string]uint32
}

func analyse(a analysis.Analyzer, texts [3]string) analysed {
	var out analysed
	for f, text := range texts {
		tokens := a.Analyze([]byte(text))
		out[f].length = len(tokens)
		out[f].freqs = make(map[string]uint32, len(tokens))
		for _, t := range tokens {
			out[f].freqs[string(t.Term)]++
		}
	}
	return out
}

// link adds the postings of row slot (generation gen); needs c.mu held.
func (c *columns) link(slot int32, gen uint32, text analysed) {
	terms := &c.terms[slot]
	for f := range textFields {
		p := &c.text[f]
		for term, freq := range text[f].freqs {
			n := p.terms.number(term)
			if int(n) == len(p.lists) {
				p.lists, p.df, p.stale = append(p.lists, nil), append(p.df, 0), append(p.stale, 0)
			}
			norm := float64(float32(1.0 / math.Sqrt(float64(text[f].length))))
			p.lists[n] = append(p.lists[n], posting{slot: slot, gen: gen, tfNorm: math.Sqrt(float64(freq)) * norm})
			p.df[n]++
			terms[f] = append(terms[f], n)
		}
	}
}

// unlink retires the postings of terms (their row must already be cleared); needs c.mu.
func (c *columns) unlink(terms [3][]uint32) {
	for f := range textFields {
		p := &c.text[f]
		for _, n := range terms[f] {
			p.df[n]--
			p.stale[n]++
			if p.stale[n] > 32 && int(p.stale[n])*2 > len(p.lists[n]) {
				c.compact(p, n)
			}
		}
	}
}

func (c *columns) compact(p *postings, n uint32) {
	kept := p.lists[n][:0]
	for _, ps := range p.lists[n] {
		if c.gens[ps.slot] == ps.gen {
			kept = append(kept, ps)
		}
	}
	clear(p.lists[n][len(kept):])
	p.lists[n], p.stale[n] = kept, 0
}

// scratch holds one query's per-row score sums and match sets, reused across queries.
type scratch struct {
	sum     [3][]float64
	matched [3][]uint16
	// touched marks the rows some posting of the query reached, match the query's matches.
	touched, match bitset
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// matchText marks in s.touched every row matching tokens and sums their scores per field,
// as bleve scores textQuery (see score): per term idf = 1+ln(docs/(docFreq+1)), weight
// (boost·idf)², query norm 1/√Σweights, term score √freq·norm·idf·(boost·idf·queryNorm).
// Needs c.mu held.
func (c *columns) matchText(tokens analysis.TokenStream, s *scratch) {
	s.grow(len(c.rows))
	if len(tokens) == 0 {
		return // bleve: match none
	}
	docs := float64(len(c.slots))
	type term struct {
		list []posting
		idf  float64
	}
	var buf [3][8]term
	var terms [3][]term
	sumOfSquaredWeights := 0.0
	for f, tf := range textFields {
		fieldWeight := 0.0
		terms[f] = buf[f][:0]
		for _, tok := range tokens {
			var t term
			var df int32
			if n, ok := c.text[f].terms.num[string(tok.Term)]; ok {
				t.list, df = c.text[f].lists[n], c.text[f].df[n]
			}
			t.idf = 1.0 + math.Log(docs/float64(uint64(df)+1.0))
			w := tf.boost * t.idf
			fieldWeight += w * w
			terms[f] = append(terms[f], t)
		}
		sumOfSquaredWeights += fieldWeight
	}
	queryNorm := 1.0 / math.Sqrt(sumOfSquaredWeights)
	gens, touched := c.gens, s.touched
	for f, tf := range textFields {
		sum, matched := s.sum[f], s.matched[f]
		for _, t := range terms[f] {
			queryWeight := tf.boost * t.idf * queryNorm
			for _, p := range t.list {
				if gens[p.slot] != p.gen {
					continue
				}
				score := p.tfNorm * t.idf
				if queryWeight != 1.0 {
					score *= queryWeight
				}
				touched[p.slot>>6] |= 1 << (p.slot & 63)
				sum[p.slot] += score
				matched[p.slot]++
			}
		}
	}
}

// score is a touched row's score: each field's sum times its share of the query's tokens
// matched, their sum times the share of fields matched.
func (s *scratch) score(slot int32, tokens int) float64 {
	n := float64(tokens)
	total, fields := 0.0, 0
	for f := range textFields {
		if m := s.matched[f][slot]; m > 0 {
			total += s.sum[f][slot] * (float64(m) / n)
			fields++
		}
	}
	return total * (float64(fields) / float64(len(textFields)))
}

// grow makes room for n rows, all clear.
func (s *scratch) grow(n int) {
	for f := range s.sum {
		if len(s.sum[f]) < n {
			s.sum[f] = make([]float64, n+n/4)
			s.matched[f] = make([]uint16, n+n/4)
		}
	}
	s.touched.resize((n + 63) / 64)
}

// reset clears what the query touched.
func (s *scratch) reset() {
	for w, word := range s.touched {
		for b := word; b != 0; b &= b - 1 {
			slot := w<<6 + bits.TrailingZeros64(b)
			for f := range s.sum {
				s.sum[f][slot], s.matched[f][slot] = 0, 0
			}
		}
	}
	clear(s.touched)
}
