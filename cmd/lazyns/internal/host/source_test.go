package host

import (
	"context"
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
	// A veth from the namespace to the host: Read, asked for the
	// namespace alone, resolves its peer in the host read before.
	hostEnd, inner := nstest.Name("h"), nstest.Name("i")
	nstest.IP(t, "link", "add", hostEnd, "type", "veth", "peer", "name", inner, "netns", name)
	nstest.HostLink(t, hostEnd)
	src := NewSource(sys)
	ctx := context.Background()
	snap, err := src.Discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var key model.NsKey
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; ns.Name == name {
			key = ns.Key
			if len(ns.Links) != 0 {
				t.Errorf("Discover read inside %s: %d links", name, len(ns.Links))
			}
		}
	}
	if key == (model.NsKey{}) {
		t.Fatalf("Discover did not find %s", name)
	}
	// The host first, as the UI reads it, then the namespace alone.
	host, err := src.Read(ctx, snap, []model.NsKey{snap.Host().Key})
	if err != nil || len(host) != 1 || host[0].LinkByName(hostEnd) == nil {
		t.Fatalf("Read of the host: %v, %d namespaces", err, len(host))
	}
	*snap.Host() = host[0]
	read, err := src.Read(ctx, snap, []model.NsKey{key})
	if err != nil || len(read) != 1 || read[0].Key != key {
		t.Fatalf("Read of %s alone: %v, %d namespaces", name, err, len(read))
	}
	l := read[0].LinkByName(inner)
	if l == nil {
		t.Fatalf("Read of %s has no %s: %+v", name, inner, read[0].Links)
	}
	if p := l.Peer; p == nil || p.Ns != snap.Host().Key || p.Name != hostEnd {
		t.Fatalf("the peer of %s in %s is %+v; want %s in the host", inner, name, p, hostEnd)
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
