package discover

import (
	"reflect"
	"slices"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// pid 100 holds a namespace whose last process exited (fd 3 and fd 10)
// among sockets, pipes, devices, its own namespace, a mount namespace, a
// plain file and "/" — only the first is a namespace held by descriptor.
func TestFds(t *testing.T) {
	d := newDiscovery(fixture())
	scan := d.scan()
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
	if len(d.byIno) != 9 {
		t.Errorf("%d namespaces from processes and descriptors, want 9", len(d.byIno))
	}
}

func TestNetnsFdsSkipsWhatNeedsNoLook(t *testing.T) {
	r := NewProcReader(fixtureRoot)
	got := r.netnsFds(100, hostIno, fixtureDev)
	slices.SortFunc(got, func(a, b fdRef) int { return a.fd - b.fd })
	want := []fdRef{{3, 4026532900}, {10, 4026532900}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("netnsFds = %v, want %v", got, want)
	}
	if got := r.netnsFds(424242, hostIno, fixtureDev); got != nil {
		t.Errorf("a process that is gone has descriptors %v", got)
	}
}
