package nsops

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// inOrder emits in order whatever order the reads finish in, and never
// has more than ahead indices read but not yet emitted: a slow consumer
// of a thousand namespaces holds a handful, not all of them.
func TestInOrderEmitsInOrderWithBoundedReadAhead(t *testing.T) {
	const n, workers, ahead = 200, 4, 8
	var mu sync.Mutex
	read := map[int]bool{}
	var emitted []int
	maxPending := 0
	err := inOrder(context.Background(), n, workers, ahead,
		func(i int) {
			time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
			mu.Lock()
			read[i] = true
			if p := len(read) - len(emitted); p > maxPending {
				maxPending = p
			}
			mu.Unlock()
		},
		func(i int) error {
			if i%50 == 0 {
				time.Sleep(5 * time.Millisecond) // a consumer that stalls now and then
			}
			mu.Lock()
			emitted = append(emitted, i)
			mu.Unlock()
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(emitted, want) {
		t.Errorf("emitted out of order: %v", emitted)
	}
	if maxPending > ahead {
		t.Errorf("%d read and not emitted at once, want at most %d", maxPending, ahead)
	}
}

// An error from emit stops the reading, and inOrder returns it only once
// no read is running.
func TestInOrderStopsOnError(t *testing.T) {
	stop := errors.New("consumer gone")
	var reads, running atomic.Int32
	err := inOrder(context.Background(), 1000, 4, 8,
		func(int) {
			running.Add(1)
			defer running.Add(-1)
			reads.Add(1)
			time.Sleep(100 * time.Microsecond)
		},
		func(i int) error {
			if i == 10 {
				return stop
			}
			return nil
		})
	if !errors.Is(err, stop) {
		t.Fatalf("err %v, want %v", err, stop)
	}
	if r := running.Load(); r != 0 {
		t.Errorf("%d reads still running after inOrder returned", r)
	}
	if r := reads.Load(); r > 10+1+8 {
		t.Errorf("%d namespaces read after the consumer stopped at 10", r)
	}
}

// ReadEach hands over namespaces in the order given, read, and lets go of
// their tables afterwards; a name whose namespace is gone says so.
func TestReadEach(t *testing.T) {
	nstest.RequireRoot(t)
	p := nstest.BuildIPPair(t)
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	var nss []*model.Namespace
	for _, name := range []string{p.B, p.A} {
		ns, err := sys.Locate(snap, model.NsArg{Kind: model.ArgName, Name: name, Raw: name})
		if err != nil {
			t.Fatal(err)
		}
		nss = append(nss, ns)
	}
	gone := &model.Namespace{Name: "gone", Path: "/run/netns/" + nstest.Name("gone"), Key: model.NsKey{Ino: 1}}
	nss = append(nss, gone)
	var order []string
	err = sys.ReadEach(context.Background(), nss, PartRules, func(ns *model.Namespace, err error) error {
		order = append(order, ns.Name)
		switch ns {
		case gone:
			if !errors.Is(err, ErrNoNamespace) || !strings.Contains(err.Error(), "gone") {
				t.Errorf("a vanished namespace: %v, want it gone", err)
			}
		default:
			if err != nil || len(ns.Rules) == 0 || len(ns.Links) != 0 {
				t.Errorf("%s: err %v, %d rules, %d links; want rules only", ns.Name, err, len(ns.Rules), len(ns.Links))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{p.B, p.A, "gone"}) {
		t.Errorf("order %v", order)
	}
	for _, ns := range nss {
		if ns.Rules != nil {
			t.Errorf("%s still holds its rules after fn returned", ns.Name)
		}
	}
}
