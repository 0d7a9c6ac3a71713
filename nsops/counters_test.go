package nsops

import (
	"context"
	"os/exec"
	"testing"

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
