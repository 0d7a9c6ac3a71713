package timeorder

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

type pkt struct {
	src int
	t   time.Time
}

// TestMergesSocketsInTimeOrder: three sockets, each in order, read in
// bursts one after another, come out in capture order once the delay has
// passed; none is late while the sockets are read within the delay.
func TestMergesSocketsInTimeOrder(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	b := New(50*time.Millisecond, func(p pkt) time.Time { return p.t })
	r := rand.New(rand.NewPCG(1, 2))
	var streams [3][]pkt
	for s := range streams {
		for i := 0; i < 200; i++ {
			streams[s] = append(streams[s], pkt{s, t0.Add(time.Duration(i)*time.Millisecond + time.Duration(r.IntN(1000))*time.Microsecond)})
		}
	}
	var out []pkt
	// Every 10 ms, each socket hands what it captured up to 20 ms ago.
	next := [3]int{}
	for now := t0; now.Before(t0.Add(300 * time.Millisecond)); now = now.Add(10 * time.Millisecond) {
		for s := range streams {
			for next[s] < len(streams[s]) && streams[s][next[s]].t.Before(now.Add(-20*time.Millisecond)) {
				b.Push(streams[s][next[s]])
				next[s]++
			}
		}
		out = b.Release(now, out)
	}
	for s := range streams {
		for _, p := range streams[s][next[s]:] {
			b.Push(p)
		}
	}
	out = b.Drain(out)
	if len(out) != 600 {
		t.Fatalf("%d packets out, want 600", len(out))
	}
	if !slices.IsSortedFunc(out, func(a, b pkt) int { return a.t.Compare(b.t) }) {
		t.Error("packets are not in time order")
	}
	if b.Late() != 0 || b.Len() != 0 {
		t.Errorf("late %d, held %d; want 0 and 0", b.Late(), b.Len())
	}
}

func TestHoldsForTheDelayAndCountsLate(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	b := New(time.Second, func(p pkt) time.Time { return p.t })
	b.Push(pkt{1, t0.Add(2 * time.Second)})
	b.Push(pkt{2, t0})
	if got := b.Release(t0.Add(500*time.Millisecond), nil); len(got) != 0 {
		t.Fatalf("released %v before the delay passed", got)
	}
	got := b.Release(t0.Add(time.Second), nil)
	if len(got) != 1 || got[0].src != 2 {
		t.Fatalf("released %v, want the packet from t0", got)
	}
	b.Push(pkt{3, t0.Add(-time.Second)}) // older than what went out
	if b.Late() != 1 {
		t.Errorf("late = %d, want 1", b.Late())
	}
	if got := b.Release(t0.Add(time.Second), nil); len(got) != 1 || got[0].src != 3 {
		t.Errorf("a late packet should go out at once, got %v", got)
	}
	// Equal times keep their arrival order.
	b.Push(pkt{4, t0.Add(5 * time.Second)})
	b.Push(pkt{5, t0.Add(5 * time.Second)})
	if got := b.Drain(nil); len(got) != 3 || got[1].src != 4 || got[2].src != 5 {
		t.Errorf("drain = %v", got)
	}
}

// TestSteadyStateDoesNotAllocate: once the buffer has grown to the number
// of packets a delay holds, pushing and releasing costs no allocation.
func TestSteadyStateDoesNotAllocate(t *testing.T) {
	b := New(time.Millisecond, func(p pkt) time.Time { return p.t })
	now := time.Unix(1700000000, 0)
	out := make([]pkt, 0, 16)
	step := func() {
		now = now.Add(100 * time.Microsecond)
		b.Push(pkt{0, now})
		out = b.Release(now, out[:0])
	}
	for range 100 {
		step()
	}
	if n := testing.AllocsPerRun(1000, step); n != 0 {
		t.Errorf("%.1f allocations per packet", n)
	}
}

func BenchmarkPushRelease(b *testing.B) {
	buf := New(10*time.Millisecond, func(p pkt) time.Time { return p.t })
	now := time.Unix(1700000000, 0)
	out := make([]pkt, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(10 * time.Microsecond) // 100k packets/s: 1000 held
		buf.Push(pkt{0, now})
		out = buf.Release(now, out[:0])
	}
}
