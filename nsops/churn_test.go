package nsops

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// While another process makes and deletes namespaces, veths and addresses,
// everything that reads keeps working at once: snapshots, Reread, Sockets,
// the watcher (with its focus on a churning namespace) and trace. Nothing
// fails but with "gone", and every namespace read is complete or absent.
func TestEverythingUnderChurn(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	churn := nstest.StartChurn(t)
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ctx := context.Background()
	w, err := sys.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		latest  *model.Snapshot
		counts  = map[string]int{}
		changes int
	)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for range w.Changes() {
			changes++
		}
	}()
	count := func(what string) { mu.Lock(); counts[what]++; mu.Unlock() }
	snapshot := func() *model.Snapshot { mu.Lock(); defer mu.Unlock(); return latest }
	// gone is the one failure churn may cause: the namespace went away.
	gone := func(what string, err error) bool {
		if err == nil || errors.Is(err, ErrNoNamespace) {
			return true
		}
		t.Errorf("%s under churn: %v", what, err)
		return false
	}
	churning := func(snap *model.Snapshot) []*model.Namespace {
		var nss []*model.Namespace
		for i := range snap.Namespaces {
			if ns := &snap.Namespaces[i]; churn.Owns(ns.Name) && !ns.Stale {
				nss = append(nss, ns)
			}
		}
		return nss
	}

	// At least 4 s, and on a loaded host until a few churning namespaces
	// were read (at most a minute).
	start := time.Now()
	var stop atomic.Bool
	running := func() bool {
		if stop.Load() {
			return false
		}
		mu.Lock()
		read := counts["churning namespaces read"]
		mu.Unlock()
		if el := time.Since(start); el > time.Minute || el > 4*time.Second && read >= 3 {
			stop.Store(true)
			return false
		}
		return true
	}
	var wg sync.WaitGroup
	run := func(what string, fn func(snap *model.Snapshot) bool) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for running() {
				snap := snapshot()
				if snap == nil {
					time.Sleep(time.Millisecond)
					continue
				}
				if !fn(snap) {
					return
				}
				count(what)
				// Leave the churn and the snapshots CPU on two cores.
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for running() {
			snap, err := sys.Snapshot(ctx, ReadOptions{})
			if err != nil {
				t.Errorf("snapshot under churn: %v", err)
				return
			}
			for _, ns := range churning(snap) {
				assertWhole(t, ns)
			}
			mu.Lock()
			latest = snap
			counts["snapshot"]++
			counts["churning namespaces read"] += len(churning(snap))
			mu.Unlock()
		}
	}()
	run("reread", func(snap *model.Snapshot) bool {
		for _, ns := range churning(snap) {
			got, err := sys.Reread(ctx, snap, ns.Key)
			if !gone("reread "+ns.Name, err) {
				return false
			}
			if got != nil {
				assertWhole(t, got)
			}
		}
		return true
	})
	run("sockets", func(snap *model.Snapshot) bool {
		for _, ns := range churning(snap) {
			if _, err := sys.Sockets(ctx, ns); !gone("sockets of "+ns.Name, err) {
				return false
			}
		}
		return true
	})
	run("focus", func(snap *model.Snapshot) bool {
		for _, ns := range churning(snap) {
			w.Focus(ns)
		}
		time.Sleep(5 * time.Millisecond)
		return true
	})
	run("rows", func(snap *model.Snapshot) bool {
		w.Rows(churning(snap))
		time.Sleep(5 * time.Millisecond)
		return true
	})
	run("trace", func(snap *model.Snapshot) bool {
		tr := sys.NewTracer(snap)
		defer tr.Close()
		for _, ns := range churning(snap) {
			tc, err := tr.Trace(ns.Key, net.ParseIP("10.99.1.2"), nil)
			if err != nil {
				// A namespace deleted since the snapshot cannot be traced
				// from; that is said, not crashed on.
				if !errors.Is(err, ErrNoNamespace) {
					t.Errorf("trace from %s under churn: %v", ns.Name, err)
					return false
				}
				continue
			}
			if tc == nil {
				t.Errorf("trace from %s: no trace and no error", ns.Name)
				return false
			}
		}
		return true
	})
	wg.Wait()
	rounds := churn.Stop()
	if err := w.Close(); err != nil {
		t.Error(err)
	}
	<-watched
	t.Logf("%d churn rounds; %v; %d changes watched", rounds, counts, changes)
	if rounds < 5 || counts["churning namespaces read"] == 0 || changes == 0 {
		t.Errorf("the test did not exercise churn: %d rounds, %v, %d changes", rounds, counts, changes)
	}
	for _, what := range []string{"snapshot", "reread", "sockets", "trace"} {
		if counts[what] == 0 {
			t.Errorf("no %s ran", what)
		}
	}
	nstest.AssertThreadsHome(t, home)
}

// assertWhole checks a namespace read is complete or says why it is not:
// with an error, nothing half-read; without, its loopback and consistent.
func assertWhole(t *testing.T, ns *model.Namespace) {
	t.Helper()
	if ns.Err != nil {
		if len(ns.Links)+len(ns.Routes)+len(ns.Rules)+len(ns.Neighbours) != 0 {
			t.Errorf("%s: half read with error %q", ns.Name, ns.Err)
		}
		return
	}
	if ns.LinkByName("lo") == nil {
		t.Errorf("%s read without its loopback and without an error: incomplete", ns.Name)
	}
	assertConsistent(t, ns)
}
