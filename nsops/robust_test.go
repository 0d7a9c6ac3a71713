package nsops

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// Every path that switches a thread's namespace, driven many times and
// concurrently, must leave every thread where the process started.
func TestThreadsStayHome(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", a, "link", "add", "x0", "type", "veth", "peer", "name", "y0", "netns", b)
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				if _, err := sys.Snapshot(context.Background(), ReadOptions{}); err != nil {
					errs <- err
					return
				}
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	nstest.AssertThreadsHome(t, home)
}

// Repeated snapshots give back every descriptor and goroutine they take.
func TestNoLeaks(t *testing.T) {
	nstest.RequireRoot(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", a, "link", "add", "x0", "type", "veth", "peer", "name", "y0", "netns", b)
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap := func() {
		if _, err := sys.Snapshot(context.Background(), ReadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	snap() // warm up lazily made things
	fds, goroutines := nstest.OpenFDs(t), runtime.NumGoroutine()
	for i := 0; i < 1000; i++ {
		snap()
	}
	time.Sleep(50 * time.Millisecond)
	if got := nstest.OpenFDs(t); got > fds {
		t.Errorf("open descriptors grew from %d to %d over 1000 snapshots", fds, got)
	}
	if got := runtime.NumGoroutine(); got > goroutines {
		t.Errorf("goroutines grew from %d to %d over 1000 snapshots", goroutines, got)
	}
}

// While namespaces, veths and addresses come and go in a tight loop,
// snapshots keep working and each namespace is complete or absent.
func TestSnapshotUnderChurn(t *testing.T) {
	nstest.RequireRoot(t)
	prefix := nstest.Name("churn")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			ns := fmt.Sprintf("%s-%d", prefix, i%4)
			script := fmt.Sprintf(`ip netns add %[1]s 2>/dev/null
ip -n %[1]s link add c0 type veth peer name c1 2>/dev/null
ip -n %[1]s addr add 10.99.%[2]d.1/24 dev c0 2>/dev/null
ip -n %[1]s link set c0 up 2>/dev/null
ip -n %[1]s addr del 10.99.%[2]d.1/24 dev c0 2>/dev/null
ip netns del %[1]s 2>/dev/null`, ns, i%200)
			_ = exec.Command("sh", "-c", script).Run()
		}
	}()
	t.Cleanup(func() {
		for i := 0; i < 4; i++ {
			_ = exec.Command("ip", "netns", "del", fmt.Sprintf("%s-%d", prefix, i)).Run()
		}
	})
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	deadline := time.Now().Add(3 * time.Second)
	snaps, seen := 0, 0
	for time.Now().Before(deadline) {
		snap, err := sys.Snapshot(context.Background(), ReadOptions{})
		if err != nil {
			t.Fatalf("snapshot under churn: %v", err)
		}
		snaps++
		for i := range snap.Namespaces {
			ns := &snap.Namespaces[i]
			if !strings.HasPrefix(ns.Name, prefix) || ns.Stale {
				continue
			}
			seen++
			if ns.Err != nil {
				t.Errorf("%s: %s", ns.Name, ns.Err)
			}
			if ns.LinkByName("lo") == nil {
				t.Errorf("%s read without its loopback: incomplete", ns.Name)
			}
			assertConsistent(t, ns)
		}
	}
	close(stop)
	<-done
	if snaps < 5 || seen == 0 {
		t.Errorf("%d snapshots in 3 s under churn saw %d churning namespaces: the test did not exercise churn", snaps, seen)
	}
	t.Logf("%d snapshots, %d churning namespaces read", snaps, seen)
}

// assertConsistent checks a namespace's parts fit together: every route's
// and neighbour's device is one of its links.
func assertConsistent(t *testing.T, ns *model.Namespace) {
	t.Helper()
	for _, r := range ns.Routes {
		if r.DevIndex != 0 && ns.Link(r.DevIndex) == nil {
			t.Errorf("%s: route %s on link %d that the snapshot lacks", ns.Name, r.DstString(), r.DevIndex)
		}
	}
}

// A name under the netns directory whose mount is gone, a missing netns
// directory, and a process that exits mid-scan are part of the picture,
// never a failure.
func TestVanishingThings(t *testing.T) {
	nstest.RequireRoot(t)
	sys, err := New(t.TempDir() + "/does-not-exist")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap, err := sys.Snapshot(context.Background(), ReadOptions{})
	if err != nil {
		t.Fatalf("a missing netns directory must not fail: %v", err)
	}
	if snap.Host() == nil {
		t.Fatal("no host namespace")
	}
	for i := range snap.Namespaces {
		if snap.Namespaces[i].Named() {
			t.Errorf("named namespace %q from a missing directory", snap.Namespaces[i].Name)
		}
	}

	// A directory that is not a mount, holding a plain file: stale.
	dir := t.TempDir()
	nstest.Sh(t, "touch "+dir+"/plainfile")
	sys2, _ := New(dir)
	defer sys2.Close()
	snap, err = sys2.Snapshot(context.Background(), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range snap.Namespaces {
		if snap.Namespaces[i].Name == "plainfile" {
			found = snap.Namespaces[i].Stale
		}
	}
	if !found {
		t.Error("a plain file in the netns directory should be listed as stale")
	}

	// Processes that come and go during discovery.
	var procs []*exec.Cmd
	for i := 0; i < 20; i++ {
		c := exec.Command("unshare", "-n", "sleep", "0.0"+fmt.Sprint(i%10))
		if err := c.Start(); err == nil {
			procs = append(procs, c)
		}
	}
	for i := 0; i < 20; i++ {
		if _, err := sys.Snapshot(context.Background(), ReadOptions{}); err != nil {
			t.Fatalf("snapshot while processes exit: %v", err)
		}
	}
	for _, c := range procs {
		_ = c.Wait()
	}
}
