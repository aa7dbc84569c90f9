package bleve

import (
	"math"
	"math/bits"
	"slices"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// pager keeps the first keep matches in sort order: a bounded heap, worst on top.
type pager struct {
	rows []row
	ties []ties
	// keys are the rows' sort keys, xor mask (descending orders flip them); byScore sorts by
	// score first, byName breaks key ties with the whole name. Remaining ties: missing dates
	// last (their key can equal a date's only at the year -292), then the document id.
	keys    []uint64
	mask    uint64
	byScore bool
	byName  bool
	byDate  bool
	keep    int
	heap    []hit
}

func newPager(c *columns, q domain.Query, scored bool) *pager {
	k := &pager{rows: c.rows, ties: c.ties, keys: c.newKeys, byDate: true}
	if q.Limit > 0 {
		k.keep = max(q.Skip, 0) + q.Limit
	}
	k.heap = make([]hit, 0, min(k.keep, 1024))
	switch q.EffectiveSort() {
	case domain.SortPriceAsc:
		k.keys, k.byDate = c.priceKeys, false
	case domain.SortPriceDesc:
		k.keys, k.mask, k.byDate = c.priceKeys, math.MaxUint64, false
	case domain.SortName:
		k.keys, k.byName, k.byDate = c.nameKeys, true, false
	case domain.SortNewest:
	default:
		// Without text every score is 0: relevance is newest first.
		k.byScore = scored
	}
	return k
}

// collect offers every row of m (s holds their scores when k sorts by score).
func (k *pager) collect(m bitset, s *scratch, tokens int) {
	if k.keep == 0 {
		return
	}
	for w, word := range m {
		for b := word; b != 0; b &= b - 1 {
			slot := int32(w<<6 + bits.TrailingZeros64(b))
			h := hit{slot: slot, key: k.keys[slot] ^ k.mask}
			if k.byScore {
				h.score = s.score(slot, tokens)
			}
			switch {
			case len(k.heap) < k.keep:
				k.heap = append(k.heap, h)
				k.up(len(k.heap) - 1)
			case k.byScore && h.score < k.heap[0].score, !k.byScore && h.key > k.heap[0].key:
				// Sorts after the worst kept: the common case, decided without a call.
			case k.before(h, k.heap[0]):
				k.heap[0] = h
				k.down(0)
			}
		}
	}
}

// before reports whether a sorts before b.
func (k *pager) before(a, b hit) bool {
	if k.byScore && a.score != b.score {
		return a.score > b.score
	}
	if a.key != b.key {
		return a.key < b.key
	}
	ta, tb := &k.ties[a.slot], &k.ties[b.slot]
	if k.byName && ta.name != tb.name {
		return ta.name < tb.name
	}
	if k.byDate && a.key == math.MaxUint64 {
		// Possibly a missing date against one at the key's end of time: dates first.
		if pa, pb := k.rows[a.slot].doc.PublishedAt != nil, k.rows[b.slot].doc.PublishedAt != nil; pa != pb {
			return pa
		}
	}
	return ta.id < tb.id
}

// up and down keep the heap's worst hit (the one sorting last) at the root.
func (k *pager) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !k.before(k.heap[p], k.heap[i]) {
			return
		}
		k.heap[p], k.heap[i] = k.heap[i], k.heap[p]
		i = p
	}
}

func (k *pager) down(i int) {
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
func (k *pager) page(skip int) []hit {
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
