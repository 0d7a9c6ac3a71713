package nsops

import (
	"context"
	"errors"
	"os/exec"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// Two readings of Counters around five pings give a rate on both ends
// of the pair, five packets each way, and say which counters moved.
func TestCountersGiveRates(t *testing.T) {
	nstest.RequireTool(t, "ping")
	p := nstest.NewVethPair(t)
	home := nstest.HomeNamespace(t)
	sys, snap := snapshot(t)
	nsA := byName(t, snap, p.A)
	ctx := context.Background()

	// Neighbour resolution first, so the counted packets are the pings.
	if out, err := exec.Command("ip", "netns", "exec", p.A, "ping", "-c1", "-W2", p.IPB).CombinedOutput(); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	before, t0, err := sys.Counters(ctx, nsA)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ip", "netns", "exec", p.A, "ping", "-c5", "-i0.2", "-W2", p.IPB).CombinedOutput(); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	after, t1, err := sys.Counters(ctx, nsA)
	if err != nil {
		t.Fatal(err)
	}
	if after.Key != nsA.Key || len(after.Routes) != 0 {
		t.Errorf("Counters read more than the links: %+v", after)
	}
	l0, l1 := before.LinkByName(p.IfA), after.LinkByName(p.IfA)
	if l0 == nil || l1 == nil || l0.Stats == nil || l1.Stats == nil {
		t.Fatalf("%s has no counters: %+v, %+v", p.IfA, l0, l1)
	}
	if tx := l1.Stats.TxPackets - l0.Stats.TxPackets; tx != 5 {
		t.Errorf("%s sent %d packets, want the 5 echo requests", p.IfA, tx)
	}
	if rx := l1.Stats.RxPackets - l0.Stats.RxPackets; rx != 5 {
		t.Errorf("%s received %d packets, want the 5 replies", p.IfA, rx)
	}
	rates := model.LinkRates(before, after, t1.Sub(t0))
	r := rates[l1.Index]
	if r.Reset || !r.Receiving() || !r.Sending() || r.TxPackets <= 0 || r.RxBytes <= 0 || r.Trouble() {
		t.Errorf("rate of %s: %+v", p.IfA, r)
	}
	if lo := before.LinkByName("lo"); lo == nil || rates[lo.Index].Moved != 0 {
		t.Errorf("lo moved: %+v", rates)
	}
	nstest.AssertThreadsHome(t, home)
}

// CountersEach reads every namespace given, in their order, each with
// its counters, and leaves the namespaces given as they were: two rounds
// around pings give the rate of the pair's ends, and a gone namespace
// says so without stopping the rest.
func TestCountersEachReadsInOrder(t *testing.T) {
	nstest.RequireTool(t, "ping")
	p := nstest.NewVethPair(t)
	home := nstest.HomeNamespace(t)
	sys, snap := snapshot(t)
	nsA, nsB := byName(t, snap, p.A), byName(t, snap, p.B)
	gone := &model.Namespace{Key: model.NsKey{Dev: 1, Ino: 1}, Name: "gone", Stale: true}
	nss := []*model.Namespace{nsB, gone, nsA}
	given := *nsA
	given.Links = slices.Clone(nsA.Links)
	ctx := context.Background()

	if out, err := exec.Command("ip", "netns", "exec", p.A, "ping", "-c1", "-W2", p.IPB).CombinedOutput(); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	round := func() map[string]*model.Namespace {
		t.Helper()
		out := map[string]*model.Namespace{}
		var order []string
		err := sys.CountersEach(ctx, nss, func(read *model.Namespace, at time.Time, err error) {
			order = append(order, read.Name)
			switch {
			case read.Name == "gone":
				if !errors.Is(err, ErrNoNamespace) {
					t.Errorf("the stale one: %v, want ErrNoNamespace", err)
				}
			case err != nil:
				t.Errorf("%s: %v", read.Name, err)
			case at.IsZero():
				t.Errorf("%s read at no time", read.Name)
			}
			// Only valid during fn: keep a copy.
			c := *read
			c.Links = slices.Clone(read.Links)
			out[read.Name] = &c
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{p.B, "gone", p.A}; !slices.Equal(order, want) {
			t.Errorf("read in the order %q, want %q", order, want)
		}
		return out
	}
	before := round()
	if out, err := exec.Command("ip", "netns", "exec", p.A, "ping", "-c3", "-i0.2", "-W2", p.IPB).CombinedOutput(); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	after := round()
	for _, end := range []struct{ ns, ifname string }{{p.A, p.IfA}, {p.B, p.IfB}} {
		l0, l1 := before[end.ns].LinkByName(end.ifname), after[end.ns].LinkByName(end.ifname)
		if l0 == nil || l1 == nil || l0.Stats == nil || l1.Stats == nil {
			t.Fatalf("%s in %s has no counters", end.ifname, end.ns)
		}
		if tx, rx := l1.Stats.TxPackets-l0.Stats.TxPackets, l1.Stats.RxPackets-l0.Stats.RxPackets; tx != 3 || rx != 3 {
			t.Errorf("%s moved %d out and %d in, want the 3 pings each way", end.ifname, tx, rx)
		}
	}
	if !reflect.DeepEqual(&given, nsA) {
		t.Errorf("CountersEach changed the namespace given:\n%+v\nwas\n%+v", nsA, &given)
	}
	nstest.AssertThreadsHome(t, home)
}
