package bleve

import "math/bits"

// bitset marks rows by slot, 64 a word. A set shorter than another holds none of the rows
// past its end.
type bitset []uint64

func (b *bitset) set(slot int32) {
	w := int(slot >> 6)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (slot & 63)
}

func (b bitset) unset(slot int32) {
	if w := int(slot >> 6); w < len(b) {
		b[w] &^= 1 << (slot & 63)
	}
}

func (b bitset) has(slot int32) bool {
	w := int(slot >> 6)
	return w < len(b) && b[w]&(1<<(slot&63)) != 0
}

// and keeps in b only the rows also in o.
func (b bitset) and(o bitset) {
	n := min(len(b), len(o))
	for i := range n {
		b[i] &= o[i]
	}
	clear(b[n:])
}

// andCount counts the rows in both b and o.
func (b bitset) andCount(o bitset) int32 {
	n := 0
	o = o[:min(len(b), len(o))]
	for i, w := range o {
		n += bits.OnesCount64(b[i] & w)
	}
	return int32(n)
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// resize makes b n words long, all clear, reusing its memory.
func (b *bitset) resize(n int) {
	if cap(*b) < n {
		*b = make(bitset, n, n+n/4)
		return
	}
	*b = (*b)[:n]
	clear(*b)
}
