package discover

import (
	"reflect"
	"slices"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// pid 100 holds a namespace whose last process exited (fd 3 and fd 10)
// among sockets, pipes, devices, its own namespace, a mount namespace, a
// plain file and "/" (the real root here, no namespace).
func TestFds(t *testing.T) {
	d := newDiscovery(fixture())
	scan := d.scan(mountsOf(t, d))
	d.processes(scan)
	d.fds(scan)
	ns := d.byIno[4026532900]
	if ns == nil {
		t.Fatal("the namespace held only by a descriptor is missing")
	}
	// The fixture's directory lists descriptors in any order; /proc lists
	// them by number.
	holders := slices.Sorted(slices.Values(ns.FdHolders))
	if !reflect.DeepEqual(holders, []string{"100/10", "100/3"}) {
		t.Errorf("holders %q", ns.FdHolders)
	}
	// /proc/HOLDER/fd/N opens it (not /proc/HOLDER/N).
	paths := slices.Sorted(slices.Values(ns.Paths()))
	if ns.Path != model.FdPath(ns.FdHolders[0]) || !reflect.DeepEqual(paths, []string{"/proc/100/fd/10", "/proc/100/fd/3"}) {
		t.Errorf("path %q, paths %q", ns.Path, ns.Paths())
	}
	if got := ns.DisplayName(); got != "fd "+ns.FdHolders[0] {
		t.Errorf("called %q", got)
	}
	if len(d.byIno[hostIno].FdHolders) != 0 {
		t.Errorf("a process's descriptor on its own namespace counted: %q", d.byIno[hostIno].FdHolders)
	}
	// lazyns's own descriptors (pid 7000 holds net:[4026532999]) are not
	// holders: it holds namespaces open while it reads them.
	if d.byIno[4026532999] != nil {
		t.Errorf("lazyns's own descriptor was taken for a holder")
	}
	// A descriptor on a name's mount point ("/run/netns/with space", held
	// by pid 100, which sees the host's mounts) holds that namespace.
	if ws := d.byIno[4026532449]; ws == nil || !reflect.DeepEqual(ws.FdHolders, []string{"100/11"}) {
		t.Errorf("the namespace mounted at /run/netns/with space: %+v", ws)
	}
	if len(d.byIno) != 10 {
		t.Errorf("%d namespaces from processes and descriptors, want 10", len(d.byIno))
	}
}

// Paths are looked at only when they are "/" or a mount point of a
// network namespace, and then by what they are, unless the process sees
// the host's mounts: its descriptor on a mount point is that namespace.
func TestNetnsFdsSkipsWhatNeedsNoLook(t *testing.T) {
	r := NewProcReader(fixtureRoot)
	sorted := func(refs []fdRef) []fdRef {
		slices.SortFunc(refs, func(a, b fdRef) int { return a.fd - b.fd })
		return refs
	}
	// /etc/hostname as a mount point, seen from an unknown mount
	// namespace: looked at, and no namespace.
	h := &fdHints{nsfsDev: fixtureDev, mounted: map[string]uint64{"/etc/hostname": 4026532448}}
	want := []fdRef{{3, 4026532900}, {10, 4026532900}}
	if got := sorted(r.netnsFds(100, hostIno, h)); !reflect.DeepEqual(got, want) {
		t.Errorf("netnsFds = %v, want %v", got, want)
	}
	// Seen from the host's mount namespace, a mount point needs no look
	// (the fixture's link leads nowhere real).
	h = &fdHints{nsfsDev: fixtureDev, mounted: map[string]uint64{"/run/netns/with space": 4026532449}, mntNs: "mnt:[4026531841]"}
	want = []fdRef{{3, 4026532900}, {10, 4026532900}, {11, 4026532449}}
	if got := sorted(r.netnsFds(100, hostIno, h)); !reflect.DeepEqual(got, want) {
		t.Errorf("from the host's mounts: netnsFds = %v, want %v", got, want)
	}
	// A container (its own mount namespace) holding its /run/netns/blue:
	// not the host's blue, and here no namespace at all.
	h.mounted["/run/netns/blue"] = 4026532448
	if got := r.netnsFds(28587, 4026532377, h); got != nil {
		t.Errorf("a container's path was taken for the host's mount: %v", got)
	}
	if got := r.netnsFds(424242, hostIno, h); got != nil {
		t.Errorf("a process that is gone has descriptors %v", got)
	}
}
