package nsops

import (
	"bytes"
	"sort"
	"strings"

	"github.com/google/nftables"
)

// nftSet is a set rules look packets up in: named (@allowed) or anonymous
// (the "{ 22, 80 }" of one rule).
type nftSet struct {
	name      string
	anonymous bool
	interval  bool
	elems     []nftables.SetElement
	// err says the elements could not be read; rules that use the set
	// are then not understood.
	err error
}

// ranges returns the elements as [first, last] keys of size bytes, in
// order. An interval set without end keys holds each range as a start
// element and an end element one past its last key; a missing end means
// the range runs to the largest key. False when the keys are not of size
// bytes (a concatenation) or a set is a map.
func (s *nftSet) ranges(size int) ([][2][]byte, bool) {
	elems := make([]nftables.SetElement, len(s.elems))
	copy(elems, s.elems)
	for _, e := range elems {
		if len(e.Key) != size || (e.KeyEnd != nil && len(e.KeyEnd) != size) {
			return nil, false
		}
	}
	sort.SliceStable(elems, func(i, j int) bool {
		if c := bytes.Compare(elems[i].Key, elems[j].Key); c != 0 {
			return c < 0
		}
		return elems[i].IntervalEnd && !elems[j].IntervalEnd
	})
	var out [][2][]byte
	for i := 0; i < len(elems); i++ {
		e := elems[i]
		switch {
		case e.IntervalEnd:
			// The end of nothing: the marker nft puts before a range that
			// starts at zero's neighbour.
		case e.KeyEnd != nil:
			out = append(out, [2][]byte{e.Key, e.KeyEnd})
		case !s.interval:
			out = append(out, [2][]byte{e.Key, e.Key})
		case i+1 < len(elems) && elems[i+1].IntervalEnd:
			out = append(out, [2][]byte{e.Key, decrement(elems[i+1].Key)})
			i++
		default:
			out = append(out, [2][]byte{e.Key, bytes.Repeat([]byte{0xff}, size)})
		}
	}
	return out, true
}

// decrement returns b - 1, as a big-endian number.
func decrement(b []byte) []byte {
	out := append([]byte{}, b...)
	for i := len(out) - 1; i >= 0; i-- {
		out[i]--
		if out[i] != 0xff {
			break
		}
	}
	return out
}

// text writes the set's elements as nft writes an anonymous set:
// "{ 22, 80, 1000-1010 }". value writes one range.
func (s *nftSet) text(size int, value func(lo, hi []byte) string) string {
	ranges, ok := s.ranges(size)
	if !ok {
		return "@" + s.name
	}
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = value(r[0], r[1])
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
