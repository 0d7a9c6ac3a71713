package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
)

// measureLive is the time from `ip link set X down` (or up) in the
// focused namespace until a Reread of it, prompted by the watcher, shows
// the link in its new state: the path the UI takes (Watch, Focus on the
// namespace on screen, Reread on its Change).
func (b *scaleBench) measureLive(fx fixture) benchRow {
	t := b.t
	t.Helper()
	sys, err := nsops.New(benchNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap, err := sys.Snapshot(context.Background(), nsops.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ns, dev := routerPort(snap, fx)
	if ns == nil {
		t.Fatal("the lab has no qrouter namespace with a qr- port")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := sys.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Focus(ns)
	// Focus opens its socket in the background: give it a moment.
	time.Sleep(300 * time.Millisecond)
	var took []time.Duration
	for i := 0; i < 12; i++ {
		// A person's changes are seconds apart: past the watcher's
		// minimum gap between reports, which paces only event storms.
		time.Sleep(400 * time.Millisecond)
		state := []string{"down", "up"}[i%2]
		start := time.Now()
		if out, err := exec.Command("ip", "-n", "../../../.."+benchNetnsDir+"/"+ns.Name, "link", "set", dev, state).CombinedOutput(); err != nil {
			t.Fatalf("ip link set %s %s: %v\n%s", dev, state, err, out)
		}
		waitShown(t, sys, snap, w, ns.Key, dev, state == "up")
		took = append(took, time.Since(start))
	}
	return timeRow(fmt.Sprintf("ip link set down/up in the focused namespace until reread (%d)", len(took)), median(took), 250*time.Millisecond)
}

// routerPort picks a router of the lab and its qr- port.
func routerPort(snap *model.Snapshot, fx fixture) (*model.Namespace, string) {
	for _, name := range fx.names {
		if !strings.HasPrefix(name, "qrouter-") {
			continue
		}
		for i := range snap.Namespaces {
			ns := &snap.Namespaces[i]
			if ns.Name != name {
				continue
			}
			for _, l := range ns.Links {
				if strings.HasPrefix(l.Name, "qr-") {
					return ns, l.Name
				}
			}
		}
	}
	return nil, ""
}

// waitShown waits for changes in key until a Reread shows dev up or down.
func waitShown(t *testing.T, sys *nsops.System, snap *model.Snapshot, w *nsops.Watcher, key model.NsKey, dev string, up bool) {
	deadline := time.After(5 * time.Second)
	for {
		select {
		case c, ok := <-w.Changes():
			if !ok {
				t.Fatalf("the watcher stopped")
			}
			if c.Ns != key {
				continue
			}
			ns, err := sys.Reread(context.Background(), snap, key)
			if err != nil {
				t.Fatalf("reread: %v", err)
			}
			for _, l := range ns.Links {
				if l.Name == dev && l.Up() == up {
					return
				}
			}
		case <-deadline:
			t.Fatalf("no change in %s showed %s up=%v within 5 s", key, dev, up)
		}
	}
}

// measureDiscovery times Discover (the /proc walk that finds unnamed
// namespaces) with n extra processes running.
func (b *scaleBench) measureDiscovery(n int) benchRow {
	t := b.t
	t.Helper()
	procs := startProcesses(t, n)
	sys, err := nsops.New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	took := medianOf(11, func() time.Duration {
		start := time.Now()
		if _, err := sys.Discover(); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	})
	return timeRow(fmt.Sprintf("discovery with %d extra processes", len(procs)), took, 60*time.Millisecond)
}

func startProcesses(t *testing.T, n int) []*exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var procs []*exec.Cmd
	for i := 0; i < n; i++ {
		c := exec.CommandContext(ctx, "sleep", "300")
		if err := c.Start(); err != nil {
			break
		}
		procs = append(procs, c)
	}
	t.Cleanup(func() {
		cancel()
		for _, c := range procs {
			_ = c.Wait()
		}
	})
	return procs
}
