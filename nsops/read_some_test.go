package nsops

import (
	"context"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// ReadSome reads only the namespaces asked for, and resolves their veth
// peers against the namespaces the snapshot holds read — never against
// one it holds unread, which it does not read for the purpose.
func TestReadSome(t *testing.T) {
	nstest.RequireRoot(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	hostEnd := nstest.Name("h")
	nstest.IP(t, "-n", a, "link", "add", "ab0", "type", "veth", "peer", "name", "ba0", "netns", b)
	nstest.IP(t, "link", "add", hostEnd, "type", "veth", "peer", "name", "ah0", "netns", a)
	nstest.HostLink(t, hostEnd)
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	readInto := func(name string) *model.Namespace {
		t.Helper()
		ns := snap.Host()
		if name != "" {
			ns = byName(t, snap, name)
		}
		got, err := sys.ReadSome(ctx, snap, []model.NsKey{ns.Key}, ReadOptions{})
		if err != nil || len(got) != 1 || got[0].Key != ns.Key {
			t.Fatalf("ReadSome of %s: %v, %d namespaces", ns.DisplayName(), err, len(got))
		}
		*ns = got[0] // as the UI keeps what it read
		return ns
	}
	peer := func(ns *model.Namespace, link string) *model.PeerRef {
		t.Helper()
		l := ns.LinkByName(link)
		if l == nil || l.Peer == nil {
			t.Fatalf("%s in %s: %+v", link, ns.DisplayName(), l)
		}
		return l.Peer
	}

	// b alone, a unread: its peer is known by the nsid only.
	nsB := readInto(b)
	if p := peer(nsB, "ba0"); p.Ns != (model.NsKey{}) {
		t.Errorf("ba0's peer resolved against a namespace not read: %+v", p)
	}
	if n := byName(t, snap, a); len(n.Links) != 0 {
		t.Errorf("%s was read though not asked for: %d links", a, len(n.Links))
	}
	// a, b read: its peer in b is named; the host is unread.
	nsA := readInto(a)
	if p := peer(nsA, "ab0"); p.Ns != nsB.Key || p.Name != "ba0" || p.NsName != b {
		t.Errorf("ab0's peer: %+v, want ba0 in %s", p, b)
	}
	if p := peer(nsA, "ah0"); p.Ns != (model.NsKey{}) {
		t.Errorf("ah0's peer resolved against the unread host: %+v", p)
	}
	// The host read, a read again: both peers named.
	host := readInto("")
	nsA = readInto(a)
	if p := peer(nsA, "ah0"); p.Ns != host.Key || p.Name != hostEnd {
		t.Errorf("ah0's peer: %+v, want %s in the host", p, hostEnd)
	}
	if p := peer(nsA, "ab0"); p.Ns != nsB.Key {
		t.Errorf("ab0's peer after the host: %+v", p)
	}
	// A namespace that appeared with a veth to the host since the host was
	// read (a set change): its only peer is placed in the host, named once
	// the host is read again.
	c, newEnd := nstest.Netns(t), nstest.Name("h")
	nstest.IP(t, "link", "add", newEnd, "type", "veth", "peer", "name", "eth0", "netns", c)
	nstest.HostLink(t, newEnd)
	again, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Namespaces { // what was read is kept, as the UI does
		if old := snap.Find(again.Namespaces[i].Key); old != nil {
			again.Namespaces[i] = *old
		}
	}
	snap = again
	if p := peer(readInto(c), "eth0"); p.Ns != host.Key {
		t.Errorf("%s's eth0, made after the host was read: peer %+v, want it in the host", c, p)
	}
}
