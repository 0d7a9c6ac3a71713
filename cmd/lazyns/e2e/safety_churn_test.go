package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
	"github.com/lazyns/lazyns/tui"
)

// While another process makes and deletes namespaces, veths and addresses,
// the explorer over the real host keeps going as keys are pressed: no
// panic, no quitting, every Update quick, each namespace on screen whole
// or absent; when the churn ends its namespaces leave the screen.
func TestUIUnderChurn(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	churn := nstest.StartChurn(t)
	d := newUIDriver(t, newSystem(t), tui.Options{})
	d.loaded()

	keys := []string{"j", "]", "]", "j", "[", "k", "G", "]", "g", "tab", "]", "j", "tab", "t", "esc", "j", "j"}
	var snaps, churned int
	last := d.m.Snapshot()
	// At least 4 s of keys, and on a loaded host (a thousand namespaces,
	// the race detector) until a few snapshots holding the churn arrived.
	start := time.Now()
	for i := 0; time.Since(start) < 4*time.Second || (snaps < 3 || churned == 0) && time.Since(start) < 60*time.Second; i++ {
		d.press(keys[i%len(keys)])
		d.pump(30*time.Millisecond, nil)
		if snap := d.m.Snapshot(); snap != last {
			last = snap
			snaps++
			for j := range snap.Namespaces {
				// Listed before it is read (names first): only what
				// was read must be whole.
				if ns := &snap.Namespaces[j]; churn.Owns(ns.Name) && !d.m.Unread(ns) {
					churned++
					uiWhole(t, ns)
				}
			}
		}
		if d.screen() == "" {
			t.Fatal("an empty frame")
		}
	}
	rounds := churn.Stop()
	gone := func() bool {
		for _, ns := range d.m.Snapshot().Namespaces {
			if churn.Owns(ns.Name) {
				return false
			}
		}
		return !strings.Contains(d.screen(), churn.Prefix)
	}
	if !d.pump(30*time.Second, gone) {
		t.Errorf("the churn's namespaces are still on screen 30 s after it ended:\n%s", d.screen())
	}
	t.Logf("%d churn rounds; %d snapshots on screen holding %d churning namespaces; slowest Update %v", rounds, snaps, churned, d.slowest)
	if snaps < 3 || churned == 0 {
		t.Errorf("the UI did not follow the churn: %d snapshots, %d churning namespaces", snaps, churned)
	}
	if d.slowest > slowestUpdate {
		t.Errorf("an Update took %v: the UI was not responsive", d.slowest)
	}
	d.m.Close()
	nstest.WaitThreadsHome(t, home)
}

// uiWhole: a namespace is read whole, or not at all and says why.
func uiWhole(t *testing.T, ns *model.Namespace) {
	t.Helper()
	if ns.Stale {
		return
	}
	if ns.Err != nil {
		if len(ns.Links)+len(ns.Routes) != 0 {
			t.Errorf("%s: half read with error %q", ns.Name, ns.Err)
		}
		return
	}
	if ns.LinkByName("lo") == nil {
		t.Errorf("%s on screen without its loopback and without an error", ns.Name)
	}
}

// The namespace on screen is deleted: it leaves the screen, and the keys
// that act on the selection still answer without a crash.
func TestUINamespaceOnScreenDeleted(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	d := newUIDriver(t, newSystem(t), tui.Options{})
	d.loaded()
	d.pump(30*time.Second, func() bool { return d.has(name) })
	d.selectNs(name)
	d.press("]", "]") // the sockets tab: read from inside the namespace
	d.pump(200*time.Millisecond, nil)
	nstest.IP(t, "netns", "del", name)
	if !d.pump(30*time.Second, func() bool { return !d.has(name) }) {
		t.Fatalf("%s still on screen 30 s after it was deleted", name)
	}
	d.pump(100*time.Millisecond, nil)
	// The filter typed to select it still names it in the header.
	if strings.Contains(strings.ReplaceAll(d.screen(), "filter: "+name, ""), name) {
		t.Errorf("the deleted namespace is still drawn:\n%s", d.screen())
	}
	d.press("j", "]", "tab", "j", "s", "x", "esc", "t", "esc")
	d.pump(200*time.Millisecond, nil)
	if d.screen() == "" {
		t.Error("an empty frame after the namespace went")
	}
}

// A link deleted between selecting it and acting on it: the change says
// so in words on the status line, and nothing crashes.
func TestUILinkDeletedBeforeActing(t *testing.T) {
	nstest.RequireRoot(t)
	name, other := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", other)
	sys := newSystem(t)
	// The System the UI reads through is its Changer, as in the binary.
	d := newUIDriverChanging(t, sys, tui.Options{}, sys)
	d.loaded()
	d.pump(30*time.Second, func() bool { return d.has(name) })
	d.selectNs(name)
	d.press("tab")
	// The list comes before the namespaces' contents: wait for the link.
	if !d.pump(30*time.Second, func() bool { return strings.Contains(d.screen(), "v0") }) {
		t.Fatalf("v0 not on screen:\n%s", d.screen())
	}
	d.press("j") // the links table: lo, then v0
	nstest.IP(t, "-n", name, "link", "del", "v0")
	d.press("u") // bring v0 up: it is gone by now
	want := "no link v0 in " + name
	if !d.pump(30*time.Second, func() bool { return strings.Contains(d.screen(), want) }) {
		t.Errorf("no %q on screen after acting on a deleted link:\n%s", want, d.screen())
	}
	for _, line := range strings.Split(d.screen(), "\n") {
		if strings.Contains(line, want) {
			t.Logf("status: %s", strings.TrimSpace(ansi.Strip(line)))
		}
	}
}

// The commands under churn: each exits 0 and --json stays valid JSON,
// whatever came and went while it read.
func TestCommandsUnderChurn(t *testing.T) {
	nstest.RequireRoot(t)
	churn := nstest.StartChurn(t)
	runs := 0
	start := time.Now()
	for i := 0; time.Since(start) < 3*time.Second || runs < 10; i++ {
		args := [][]string{{"list"}, {"show"}, {"show", "--json"}, {"list", "--json"}, {"topo"}, {"topo", "--dot"}}[i%6]
		code, stdout, stderr := lazyns(t, args...)
		if code != 0 {
			t.Fatalf("lazyns %q under churn: exit %d: %s", args, code, stderr)
		}
		if args[len(args)-1] == "--json" && !json.Valid([]byte(stdout)) {
			t.Fatalf("lazyns %q under churn: invalid JSON", args)
		}
		runs++
	}
	t.Logf("%d commands during %d churn rounds", runs, churn.Stop())
}
