package host

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestSource drives the adapter the UI uses against a real namespace.
func TestSource(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	sys, err := nsops.New(nsops.DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	src := NewSource(sys)
	ctx := context.Background()
	var calls atomic.Int32
	snap, err := src.Snapshot(ctx, func(done, total int) { calls.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	if int(calls.Load()) != len(snap.Namespaces) {
		t.Errorf("progress called %d times for %d namespaces", calls.Load(), len(snap.Namespaces))
	}
	var key = snap.Host().Key
	for i := range snap.Namespaces {
		if snap.Namespaces[i].Name == name {
			key = snap.Namespaces[i].Key
		}
	}
	ns, err := src.Reread(ctx, snap, key)
	if err != nil || ns.Name != name {
		t.Fatalf("Reread: %v %+v", err, ns)
	}
	if _, err := src.Sockets(ctx, ns); err != nil {
		t.Errorf("Sockets: %v", err)
	}
	if procs, err := src.Processes(ctx, ns); err != nil || len(procs) != 0 {
		t.Errorf("Processes of a fresh namespace: %v %v", procs, err)
	}
	// The tabs' parts of its netfilter: a fresh namespace has no rules,
	// tracks nothing, and its own ip_forward (set here, whatever the
	// host's) is what the settings say.
	nstest.Forwarding(t, name, true)
	if fw, err := src.Firewall(ctx, ns); err != nil || fw == nil || len(fw.Tables) != 0 {
		t.Errorf("Firewall of a fresh namespace: %+v %v", fw, err)
	}
	if ct, err := src.Conntrack(ctx, ns); err != nil || ct == nil || len(ct.Entries) != 0 {
		t.Errorf("Conntrack of a fresh namespace: %+v %v", ct, err)
	}
	if s, err := src.Sysctls(ctx, ns); err != nil || s[model.SysctlIPForward] != "1" {
		t.Errorf("Sysctls: ip_forward %q, %v", s[model.SysctlIPForward], err)
	}
	w, err := src.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.Focus(ns)
	time.Sleep(50 * time.Millisecond)
	nstest.IP(t, "-n", name, "link", "set", "lo", "up")
	deadline := time.After(time.Second)
	for seen := false; !seen; {
		select {
		case c := <-w.Changes():
			seen = c.Ns == key
		case <-deadline:
			t.Fatalf("no change within a second of ip link set lo up")
		}
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
}
