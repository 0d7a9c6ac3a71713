// Package timeorder puts packets captured on several sockets back in the
// order they were seen. Each socket hands its packets in order, but the
// sockets are read one after another, so a packet from one can arrive
// after a later one from another. A Buffer holds packets for a short
// delay and releases them by their capture time.
package timeorder

import (
	"container/heap"
	"time"
)

// Buffer holds items until no earlier one can still arrive: an item
// captured at t is released once the clock reads t + Delay. An item that
// arrives after later ones were released is released at once (Late counts
// them). The zero value is not usable; see New.
type Buffer[T any] struct {
	delay    time.Duration
	at       func(T) time.Time
	h        items[T]
	seq      uint64
	released time.Time
	late     uint64
}

// New returns a buffer that holds items for delay; at gives an item's
// capture time.
func New[T any](delay time.Duration, at func(T) time.Time) *Buffer[T] {
	return &Buffer[T]{delay: delay, at: at}
}

// Push adds an item.
func (b *Buffer[T]) Push(v T) {
	t := b.at(v)
	if !b.released.IsZero() && t.Before(b.released) {
		b.late++
	}
	b.seq++
	heap.Push(&b.h, item[T]{v: v, t: t, seq: b.seq})
}

// Release appends to dst, in capture order, the items due by now.
func (b *Buffer[T]) Release(now time.Time, dst []T) []T {
	due := now.Add(-b.delay)
	for len(b.h) > 0 && !b.h[0].t.After(due) {
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
	it := heap.Pop(&b.h).(item[T])
	if it.t.After(b.released) {
		b.released = it.t
	}
	return append(dst, it.v)
}

// Len is the number of items held.
func (b *Buffer[T]) Len() int { return len(b.h) }

// Late is how many items arrived after a later one had been released:
// the delay was too short for them.
func (b *Buffer[T]) Late() uint64 { return b.late }

type item[T any] struct {
	v   T
	t   time.Time
	seq uint64 // arrival order breaks ties, so one socket's order holds
}

type items[T any] []item[T]

func (h items[T]) Len() int { return len(h) }
func (h items[T]) Less(i, j int) bool {
	if h[i].t.Equal(h[j].t) {
		return h[i].seq < h[j].seq
	}
	return h[i].t.Before(h[j].t)
}
func (h items[T]) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *items[T]) Push(x any)   { *h = append(*h, x.(item[T])) }
func (h *items[T]) Pop() any {
	old := *h
	it := old[len(old)-1]
	var zero item[T]
	old[len(old)-1] = zero
	*h = old[:len(old)-1]
	return it
}
