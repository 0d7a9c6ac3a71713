package nsops

import (
	"context"
	"os/exec"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// ReadSubset reads only the namespaces asked for, resolves their peers
// against what the caller read before (the host's links read for it when
// the caller has none), leaves a peer in a namespace not read yet
// unresolved, modifies nothing of the caller's snapshot, and leaves out a
// namespace gone meanwhile.
func TestReadSubset(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	a, b, c := nstest.Netns(t), nstest.Netns(t), nstest.Netns(t)
	hostEnd := nstest.Name("h")
	nstest.IP(t, "link", "add", hostEnd, "type", "veth", "peer", "name", "a2h", "netns", a)
	nstest.HostLink(t, hostEnd)
	nstest.IP(t, "-n", a, "link", "add", "a2b", "type", "veth", "peer", "name", "b2a", "netns", b)
	nstest.IP(t, "-n", a, "addr", "add", "10.86.0.1/24", "dev", "a2b")
	nstest.IP(t, "-n", a, "link", "set", "a2b", "up")
	nstest.IP(t, "-n", a, "route", "add", "10.87.0.0/24", "via", "10.86.0.2", "dev", "a2b", "onlink")

	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	keyA, keyB, keyC := byName(t, snap, a).Key, byName(t, snap, b).Key, byName(t, snap, c).Key

	// Nothing of the host read: its links are read to resolve a2h's peer.
	got, err := sys.ReadSubset(ctx, snap, []model.NsKey{keyA}, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != keyA || got[0].Err != nil {
		t.Fatalf("ReadSubset of %s: %+v", a, got)
	}
	nsA := &got[0]
	if len(nsA.Routes) == 0 || nsA.LinkByName("a2b") == nil || len(nsA.LinkByName("a2b").Addrs) != 1 {
		t.Errorf("%s not read completely: links %+v, routes %+v", a, nsA.Links, nsA.Routes)
	}
	if p := nsA.LinkByName("a2h").Peer; p == nil || p.Ns != snap.Host().Key || p.Name != hostEnd {
		t.Errorf("a2h's peer %+v, want %s in the host", p, hostEnd)
	}
	// b is not read yet: a2b says where it points, not what.
	if p := nsA.LinkByName("a2b").Peer; p == nil || p.Ns != (model.NsKey{}) || p.Name != "" {
		t.Errorf("a2b's peer %+v before %s was read, want it unresolved", p, b)
	}
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; len(ns.Links) > 0 || ns.NsIDs != nil {
			t.Fatalf("ReadSubset modified the caller's %s", ns.DisplayName())
		}
	}

	// b read and put in the caller's snapshot: a2b's peer is found in it.
	gotB, err := sys.ReadSubset(ctx, snap, []model.NsKey{keyB}, ReadOptions{})
	if err != nil || len(gotB) != 1 {
		t.Fatalf("ReadSubset of %s: %v %+v", b, err, gotB)
	}
	byName(t, snap, b).Links = gotB[0].Links
	got, err = sys.ReadSubset(ctx, snap, []model.NsKey{keyA, keyC}, ReadOptions{})
	if err != nil || len(got) != 2 {
		t.Fatalf("ReadSubset of %s and %s: %v %+v", a, c, err, got)
	}
	if p := got[0].LinkByName("a2b").Peer; p == nil || p.Ns != keyB || p.Name != "b2a" {
		t.Errorf("a2b's peer %+v once %s is read, want b2a there", p, b)
	}
	// The caller's b, read before a was, keeps its peers as they were.
	if p := byName(t, snap, b).LinkByName("b2a").Peer; p == nil || p.Ns != (model.NsKey{}) {
		t.Errorf("ReadSubset changed the caller's b2a: peer %+v", p)
	}

	// c deleted: left out, a still read.
	if err := exec.Command("ip", "netns", "del", c).Run(); err != nil {
		t.Fatal(err)
	}
	got, err = sys.ReadSubset(ctx, snap, []model.NsKey{keyC, keyA}, ReadOptions{})
	if err != nil || len(got) != 1 || got[0].Key != keyA {
		t.Fatalf("ReadSubset with %s gone: %v, %d namespaces", c, err, len(got))
	}

	// The host's links in the caller's snapshot, then a veth made to a new
	// namespace: its peer is placed in the host, unnamed until the host is
	// read again.
	gotHost, err := sys.ReadSubset(ctx, snap, []model.NsKey{snap.Host().Key}, ReadOptions{})
	if err != nil || len(gotHost) != 1 {
		t.Fatalf("ReadSubset of the host: %v, %d namespaces", err, len(gotHost))
	}
	snap.Host().Links = gotHost[0].Links
	d, late := nstest.Netns(t), nstest.Name("h")
	nstest.IP(t, "link", "add", late, "type", "veth", "peer", "name", "d2h", "netns", d)
	nstest.HostLink(t, late)
	now, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	now.Host().Links = gotHost[0].Links
	got, err = sys.ReadSubset(ctx, now, []model.NsKey{byName(t, now, d).Key}, ReadOptions{})
	if err != nil || len(got) != 1 {
		t.Fatalf("ReadSubset of %s: %v, %d namespaces", d, err, len(got))
	}
	if p := got[0].LinkByName("d2h").Peer; p == nil || p.Ns != now.Host().Key || p.Name != "" {
		t.Errorf("d2h's peer %+v, want the host, unnamed", p)
	}
	nstest.AssertThreadsHome(t, home)
}
