// Package timeorder puts packets captured on several sockets back in the
// order they were seen. Each socket hands its packets in order, but the
// sockets are read one after another, so a packet from one can arrive
// after a later one from another. A Buffer holds packets for a short
// delay and releases them by their capture time.
package timeorder

import "time"

// Buffer holds items until no earlier one can still arrive: an item
// captured at t is released once the clock reads t + Delay. An item that
// arrives after later ones were released is released at once (Late counts
// them). The zero value is not usable; see New.
type Buffer[T any] struct {
	delay    time.Duration
	at       func(T) time.Time
	h        items[T]
	seq      uint64
	released int64 // capture time of the latest item released, Unix ns
	late     uint64
}

// New returns a buffer that holds items for delay; at gives an item's
// capture time.
func New[T any](delay time.Duration, at func(T) time.Time) *Buffer[T] {
	return &Buffer[T]{delay: delay, at: at}
}

// Push adds an item.
func (b *Buffer[T]) Push(v T) {
	t := b.at(v).UnixNano()
	if b.released != 0 && t < b.released {
		b.late++
	}
	b.seq++
	b.h = append(b.h, item[T]{v: v, t: t, seq: b.seq})
	b.h.up(len(b.h) - 1)
}

// Release appends to dst, in capture order, the items due by now.
func (b *Buffer[T]) Release(now time.Time, dst []T) []T {
	due := now.Add(-b.delay).UnixNano()
	for len(b.h) > 0 && b.h[0].t <= due {
		dst = b.pop(dst)
	}
	return dst
}

// Drain appends every item still held, in capture order: the capture
// ended, nothing earlier can arrive.
func (b *Buffer[T]) Drain(dst []T) []T {
	for len(b.h) > 0 {
		dst = b.pop(dst)
	}
	return dst
}

func (b *Buffer[T]) pop(dst []T) []T {
	it := b.h[0]
	last := len(b.h) - 1
	b.h[0] = b.h[last]
	b.h[last] = item[T]{} // let the held value go
	b.h = b.h[:last]
	b.h.down(0)
	b.released = max(b.released, it.t)
	return append(dst, it.v)
}

// Len is the number of items held.
func (b *Buffer[T]) Len() int { return len(b.h) }

// Late is how many items arrived after a later one had been released:
// the delay was too short for them.
func (b *Buffer[T]) Late() uint64 { return b.late }

type item[T any] struct {
	v   T
	t   int64  // capture time, Unix ns: cheaper to compare than time.Time
	seq uint64 // arrival order breaks ties, so one socket's order holds
}

// items is a binary min-heap by capture time (container/heap would box
// each item into an interface: an allocation per packet).
type items[T any] []item[T]

func (h items[T]) less(i, j int) bool {
	if h[i].t == h[j].t {
		return h[i].seq < h[j].seq
	}
	return h[i].t < h[j].t
}

func (h items[T]) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (h items[T]) down(i int) {
	for {
		small := i
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(h) && h.less(c, small) {
				small = c
			}
		}
		if small == i {
			return
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}
