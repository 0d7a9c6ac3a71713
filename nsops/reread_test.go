package nsops

import (
	"context"
	"errors"
	"os/exec"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

func TestReread(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", a, "link", "add", "ab0", "type", "veth", "peer", "name", "ba0", "netns", b)
	sys, snap := snapshot(t)
	nsA, nsB := byName(t, snap, a), byName(t, snap, b)
	oldLinks := len(nsA.Links)

	// Since the snapshot: an address, and a second pair to b whose end in
	// b the snapshot has never seen.
	nstest.IP(t, "-n", a, "addr", "add", "10.84.0.1/24", "dev", "ab0")
	nstest.IP(t, "-n", a, "link", "add", "ab1", "type", "veth", "peer", "name", "ba1", "netns", b)

	ctx := context.Background()
	ns, err := sys.Reread(ctx, snap, nsA.Key)
	if err != nil {
		t.Fatal(err)
	}
	if ns.Key != nsA.Key || ns.Name != a || ns.Err != nil {
		t.Fatalf("reread %s: key %v name %q err %q", a, ns.Key, ns.Name, ns.Err)
	}
	if len(nsA.Links) != oldLinks {
		t.Errorf("the snapshot was modified")
	}
	ab0, ab1 := ns.LinkByName("ab0"), ns.LinkByName("ab1")
	if ab0 == nil || ab1 == nil {
		t.Fatalf("links after reread: %+v", ns.Links)
	}
	if len(ab0.Addrs) != 1 || ab0.Addrs[0].CIDR() != "10.84.0.1/24" {
		t.Errorf("ab0 addresses %+v", ab0.Addrs)
	}
	if ab0.Peer == nil || ab0.Peer.Ns != nsB.Key || ab0.Peer.Name != "ba0" || ab0.Peer.NsName != b {
		t.Errorf("ab0 peer %+v, want ba0 in %s", ab0.Peer, b)
	}
	// ba1 is not in the snapshot's b, but the namespace is found all the same.
	if ab1.Peer == nil || ab1.Peer.Ns != nsB.Key || ab1.Peer.NsName != b {
		t.Errorf("ab1 peer %+v, want in %s", ab1.Peer, b)
	}

	if err := exec.Command("ip", "netns", "del", a).Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Reread(ctx, snap, nsA.Key); !errors.Is(err, ErrNoNamespace) {
		t.Errorf("reread of a deleted namespace: %v, want ErrNoNamespace", err)
	}
	nstest.AssertThreadsHome(t, home)
}
