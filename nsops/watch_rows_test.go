package nsops

import (
	"context"
	"os/exec"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

func inRows(key model.NsKey) func(model.Change) bool {
	return func(c model.Change) bool { return slices.Contains(c.Rows, key) }
}

// TestWatchRows: the namespaces given as rows (the list on screen) report
// interfaces that come and go, and only that; a row that changed before
// it was given is reported at once; a row's namespace deleted is let go.
// Issue 14: a row said "2 ifs" for seconds after a script added a veth.
func TestWatchRows(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	goroutines, fds := runtime.NumGoroutine(), nstest.OpenFDs(t)
	a, b, c := nstest.Netns(t), nstest.Netns(t), nstest.Netns(t)
	ab, ba := nstest.Name("ab"), nstest.Name("ba")
	nstest.IP(t, "-n", a, "link", "add", ab, "type", "veth", "peer", "name", ba, "netns", b)
	sys, snap := snapshot(t)
	nsA, nsB, nsC := byName(t, snap, a), byName(t, snap, b), byName(t, snap, c)

	w, err := sys.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.Rows([]*model.Namespace{nsA, nsB})
	noChange(t, w, 300*time.Millisecond, "rows as read", func(c model.Change) bool { return len(c.Rows) > 0 })

	// Another program adds a veth in b: b's row is reported.
	x, y := nstest.Name("x"), nstest.Name("y")
	nstest.IP(t, "-n", b, "link", "add", x, "type", "veth", "peer", "name", y)
	took := waitChange(t, w, time.Second, "a veth added in a row", inRows(nsB.Key))
	t.Logf("a veth added in a row seen after %v", took)
	noChange(t, w, 300*time.Millisecond, "after the veth", inRows(nsB.Key))

	// What does not change a row is not reported: a link going up, an
	// address.
	nstest.IP(t, "-n", b, "link", "set", x, "up")
	nstest.IP(t, "-n", b, "addr", "add", "10.86.0.1/24", "dev", x)
	noChange(t, w, 400*time.Millisecond, "link up and an address in a row", func(c model.Change) bool { return len(c.Rows) > 0 })

	// c changed since the snapshot, before it became a row: reported at
	// once, without another event.
	nstest.IP(t, "-n", c, "link", "add", nstest.Name("z"), "type", "veth", "peer", "name", nstest.Name("w"))
	w.Rows([]*model.Namespace{nsA, nsB, nsC})
	took = waitChange(t, w, time.Second, "a row behind the kernel", inRows(nsC.Key))
	t.Logf("a row behind the kernel reported after %v", took)

	// Focus on a whose address came after the snapshot: reported as the
	// focused namespace's change, at once.
	nstest.IP(t, "-n", a, "addr", "add", "10.86.1.1/24", "dev", ab)
	w.Focus(nsA)
	waitChange(t, w, time.Second, "the focused namespace behind the kernel", func(c model.Change) bool { return c.Ns == nsA.Key })

	// Deleting a row's namespace: its socket must go, or b (and so the
	// end of the veth in a) would live on.
	nstest.IP(t, "netns", "del", b)
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command("ip", "-n", a, "link", "show", ab).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the veth into the deleted namespace is still there: a row keeps the namespace alive")
		}
		time.Sleep(50 * time.Millisecond)
	}

	if err := w.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	nstest.AssertThreadsHome(t, home)
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= goroutines })
	if n := nstest.OpenFDs(t); n > fds+1 { // +1: the System from snapshot()
		t.Errorf("open descriptors %d after Close, %d before", n, fds)
	}
}

// linksCameOrWent is what a row's reader decides on: new and removed
// interfaces count, another message about a known one does not.
func TestLinksCameOrWent(t *testing.T) {
	msg := func(typ uint16, index uint32) []byte {
		b := make([]byte, 16+16)
		native.PutUint32(b[0:4], uint32(len(b)))
		native.PutUint16(b[4:6], typ)
		native.PutUint32(b[16+4:16+8], index)
		return b
	}
	links := map[int32]bool{1: true, 2: true}
	for _, step := range []struct {
		what string
		b    []byte
		want bool
	}{
		{"a known link changed", msg(16, 2), false}, // RTM_NEWLINK
		{"a new link", msg(16, 7), true},
		{"the new link changed", msg(16, 7), false},
		{"a link removed", msg(17, 2), true}, // RTM_DELLINK
		{"removed again", msg(17, 2), false},
		{"two at once, one new", append(msg(16, 1), msg(16, 9)...), true},
		{"a short message", msg(16, 1)[:20], true},
	} {
		if got := linksCameOrWent(step.b, links); got != step.want {
			t.Errorf("%s: %v, want %v (links %v)", step.what, got, step.want, links)
		}
	}
}
