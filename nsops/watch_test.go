package nsops

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// waitChange waits for a change that ok accepts and returns how long it
// took; other changes (another test's namespaces) are skipped.
func waitChange(t *testing.T, w *Watcher, within time.Duration, what string, ok func(model.Change) bool) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.After(within)
	for {
		select {
		case c, open := <-w.Changes():
			if !open {
				t.Fatalf("%s: the watcher stopped", what)
			}
			if ok(c) {
				return time.Since(start)
			}
		case <-deadline:
			t.Fatalf("%s: no change within %v", what, within)
		}
	}
}

// noChange fails if a change that bad accepts arrives within d.
func noChange(t *testing.T, w *Watcher, d time.Duration, what string, bad func(model.Change) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case c := <-w.Changes():
			if bad(c) {
				t.Fatalf("%s: unexpected change %+v", what, c)
			}
		case <-deadline:
			return
		}
	}
}

// startWatch watches the netns directory dir ("" for the default) until
// the test ends.
func startWatch(t *testing.T, dir string) (*System, *Watcher) {
	t.Helper()
	sys, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	w, err := sys.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return sys, w
}

func isNamespaces(c model.Change) bool { return c.Namespaces }

// TestWatchNetnsDir needs no root: the netns directory is a temporary one
// that does not exist at first, appears, fills, and goes.
func TestWatchNetnsDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "netns")
	_, w := startWatch(t, dir)
	step := func(what string, do func() error) {
		t.Helper()
		if err := do(); err != nil {
			t.Fatal(err)
		}
		waitChange(t, w, time.Second, what, isNamespaces)
	}
	step("directory made", func() error { return os.Mkdir(dir, 0o755) })
	step("name added", func() error { return os.WriteFile(filepath.Join(dir, "a"), nil, 0o644) })
	// A burst of names is one change.
	step("burst", func() error {
		for i := 0; i < 20; i++ {
			if err := os.WriteFile(filepath.Join(dir, "b"+strconv.Itoa(i)), nil, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	noChange(t, w, 300*time.Millisecond, "after the burst", func(model.Change) bool { return true })
	step("name removed", func() error { return os.Remove(filepath.Join(dir, "a")) })
	step("directory removed", func() error { return os.RemoveAll(dir) })
	step("directory made again", func() error { return os.Mkdir(dir, 0o755) })
	step("name added again", func() error { return os.WriteFile(filepath.Join(dir, "c"), nil, 0o644) })
}

func TestWatchNamedNamespaces(t *testing.T) {
	nstest.RequireRoot(t)
	_, w := startWatch(t, "")
	name := nstest.Netns(t)
	took := waitChange(t, w, time.Second, "ip netns add", isNamespaces)
	t.Logf("ip netns add seen after %v", took)
	nstest.IP(t, "netns", "del", name)
	waitChange(t, w, time.Second, "ip netns del", isNamespaces)
}

func TestWatchUnnamedNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "unshare")
	// An empty netns directory of our own: only /proc can tell.
	_, w := startWatch(t, t.TempDir())
	holder := exec.Command("unshare", "-n", "sleep", "600")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Process.Kill(); _ = holder.Wait() }()
	waitNsChanged(t, holder.Process.Pid)
	took := waitChange(t, w, procRescan+2*time.Second, "unshare -n", isNamespaces)
	t.Logf("unnamed namespace seen after %v", took)
	link, err := os.Readlink("/proc/" + strconv.Itoa(holder.Process.Pid) + "/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	ino, _ := parseNsLink(link, "net")
	if !procNamespaces()[ino] {
		t.Errorf("the /proc scan misses %s", link)
	}
}

func TestWatchFocus(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	goroutines, fds := runtime.NumGoroutine(), nstest.OpenFDs(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", a, "link", "add", "ab0", "type", "veth", "peer", "name", "ba0", "netns", b)
	nstest.IP(t, "-n", a, "link", "set", "ab0", "up")
	nstest.IP(t, "-n", b, "link", "set", "ba0", "up")
	sys, snap := snapshot(t)
	nsA, nsB := byName(t, snap, a), byName(t, snap, b)

	w, err := sys.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.Focus(nsA)
	time.Sleep(50 * time.Millisecond) // the subscription opens in the background
	nstest.IP(t, "-n", a, "link", "set", "ab0", "down")
	took := waitChange(t, w, time.Second, "link down in the focused namespace", func(c model.Change) bool { return c.Ns == nsA.Key })
	// Within a second is the promise (issue 3); the 250 ms target is a row
	// of make bench, where the load of the moment weighs on it fairly.
	t.Logf("link down seen after %v", took)
	// One command, one change.
	noChange(t, w, 300*time.Millisecond, "after ip link set down", func(c model.Change) bool { return c.Ns == nsA.Key })

	nstest.IP(t, "-n", b, "addr", "add", "10.85.0.2/24", "dev", "ba0")
	noChange(t, w, 400*time.Millisecond, "change in an unfocused namespace", func(c model.Change) bool { return c.Ns != model.NsKey{} })

	w.Focus(nsB)
	time.Sleep(50 * time.Millisecond)
	nstest.IP(t, "-n", b, "addr", "add", "10.85.1.2/24", "dev", "ba0")
	waitChange(t, w, time.Second, "address in the newly focused namespace", func(c model.Change) bool { return c.Ns == nsB.Key })
	nstest.IP(t, "-n", a, "link", "set", "ab0", "up")
	noChange(t, w, 400*time.Millisecond, "change in the namespace focused before", func(c model.Change) bool { return c.Ns == nsA.Key })

	// Deleting the focused namespace: the watcher must let go of it, or its
	// veth (and so the end in a) would live on.
	nstest.IP(t, "netns", "del", b)
	waitChange(t, w, time.Second, "ip netns del of the focused namespace", isNamespaces)
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command("ip", "-n", a, "link", "show", "ab0").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the veth into the deleted namespace is still there: the watcher keeps the namespace alive")
		}
		time.Sleep(50 * time.Millisecond)
	}

	if err := w.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, open := <-w.Changes(); open {
		t.Errorf("Changes still open after Close")
	}
	nstest.AssertThreadsHome(t, home)
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= goroutines })
	if n := nstest.OpenFDs(t); n > fds+1 { // +1: the System from snapshot()
		t.Errorf("open descriptors %d after Close, %d before", n, fds)
	}
}

func TestWatchStopsWithContext(t *testing.T) {
	sys, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := sys.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case _, open := <-w.Changes():
		if open {
			t.Errorf("a change after cancel")
		}
	case <-time.After(time.Second):
		t.Fatalf("Changes not closed after the context ended")
	}
	if err := w.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for i := 0; i < 100 && !ok(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if !ok() {
		t.Errorf("timed out waiting for %s", what)
	}
}

// TestWatchIdle: a watcher with nothing happening blocks. The idle CPU
// target itself is measured by make bench (a timed test would flake on a
// busy machine); here the bound is one a busy-polling loop, which burns a
// whole core, cannot meet, and nothing is reported for a quiet namespace.
func TestWatchIdle(t *testing.T) {
	nstest.RequireRoot(t)
	quiet := nstest.Netns(t)
	sys, w := startWatch(t, t.TempDir())
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	// The system's netns dir is a private one, so the namespace is found
	// by its mount under /run/netns.
	var ns *model.Namespace
	for i := range snap.Namespaces {
		if slices.Contains(snap.Namespaces[i].Mounts, filepath.Join("/run/netns", quiet)) {
			ns = &snap.Namespaces[i]
		}
	}
	if ns == nil {
		t.Fatalf("%s not found", quiet)
	}
	w.Focus(ns)
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	// The subscriptions open in the background; what that costs is not idle.
	time.Sleep(500 * time.Millisecond)
	before := cpu()
	window := procRescan + 500*time.Millisecond
	deadline := time.After(window)
	for waiting := true; waiting; {
		select {
		case c := <-w.Changes():
			if c.Ns == ns.Key {
				t.Errorf("a change reported in %s, where nothing happened", quiet)
			}
		case <-deadline:
			waiting = false
		}
	}
	used := cpu() - before
	t.Logf("CPU over %v idle: %v", window, used)
	if used > window/4 {
		t.Errorf("idle watcher used %v of CPU in %v: it polls", used, window)
	}
}

// TestWatchSpacesOutEndlessEvents: names made without pause for a second
// give a few changes, not one per burst.
func TestWatchSpacesOutEndlessEvents(t *testing.T) {
	dir := t.TempDir()
	_, w := startWatch(t, dir)
	stop := time.After(time.Second)
	changes := 0
	for i := 0; ; i++ {
		select {
		case <-stop:
			if changes < 2 || changes > 5 {
				t.Errorf("%d changes in a second of constant events, want 2 to 5", changes)
			}
			return
		case <-w.Changes():
			changes++
		case <-time.After(10 * time.Millisecond):
			if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(i)), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
