package e2e

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/nsops/nstest"
	"github.com/lazyns/lazyns/tui"
)

// After 1000 refreshes of the explorer over the real host (each tab's
// reads included) and 100 shell and 100 exec round trips through the UI's
// runner, descriptors and goroutines are back where they started and
// every thread is home.
func TestNoLeakRefreshesShellsExecs(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	name, other := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", other)
	t.Setenv("SHELL", "/bin/sh")
	sys := newSystem(t)
	d := newUIDriver(t, sys, tui.Options{Refresh: -1})
	d.loaded()
	d.pump(30*time.Second, func() bool { return d.has(name) })
	d.selectNs(name)
	refresh := func() {
		before := d.m.Snapshot()
		d.handle(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
		if !d.pump(30*time.Second, func() bool { return d.m.Snapshot() != before && !d.m.Reading() }) {
			t.Fatal("ctrl+r read nothing within 30 s")
		}
		d.press("]") // the next tab reads its own (sockets, processes)
		d.pump(2*time.Millisecond, nil)
	}
	ns, err := sys.Target(name)
	if err != nil {
		t.Fatal(err)
	}
	run := host.Runner{}
	shell := func() {
		if out := shellOutput(t, ns, "echo ran-$((6*7)); exit"); !strings.Contains(out, "ran-42") {
			t.Fatalf("the shell did not run the line:\n%q", out)
		}
	}
	exec := func() {
		out, code, err := run.Run(context.Background(), ns, "ip -o link show v0", nil)
		if err != nil || code != 0 || !bytes.Contains(out, []byte("v0@")) {
			t.Fatalf("exec: %v exit %d %q", err, code, out)
		}
	}

	refresh()
	shell()
	exec()
	goroutines := runtime.NumGoroutine()
	nstest.AssertNoLeak(t, home, 1000, refresh)
	nstest.AssertNoLeak(t, home, 100, func() { shell(); exec() })
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
		d.pump(10*time.Millisecond, nil)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("goroutines %d → %d over 1000 refreshes and 100 shells and execs", goroutines, n)
	}
}
