package nsops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// Every code path through the doorway (doorway.go) — sockets, capture
// sockets, entering for a shell or exec (a namespace's and, read-only, the
// host's), making and deleting a namespace, changes made from inside one (a
// veth born in another), trace's forwarding switches and ping, the
// watcher's focus socket, the reads' own netlink dial, the netfilter read
// (settings from /proc/sys, its sockets, the save tools it runs inside),
// and InNamespace bringing a thread home when its work fails — driven
// thousands of times in all, concurrently with each other and with
// snapshots: afterwards every thread of the process is in the namespace it
// started in.
func TestEverySwitchStaysHome(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", a, "link", "add", "t0", "type", "veth", "peer", "name", "t1", "netns", b)
	nstest.IP(t, "-n", a, "link", "set", "t0", "up")
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ctx := context.Background()
	snap, err := sys.Snapshot(ctx, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nsA, nsB := findNamed(t, snap, a), findNamed(t, snap, b)
	host := snap.Host()
	fileB, err := os.Open("/run/netns/" + b)
	if err != nil {
		t.Fatal(err)
	}
	defer fileB.Close()
	errWork := errors.New("the work failed")

	w, err := sys.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range w.Changes() { // the loop must not block on an unread change
		}
	}()

	var switches atomic.Int64
	var failed sync.Once
	fail := func(what string, err error) {
		failed.Do(func() { t.Errorf("%s: %v", what, err) })
	}
	paths := map[string]struct {
		n  int
		fn func(i int) error
	}{
		"sockets": {600, func(i int) error {
			_, err := sys.Sockets(ctx, pick(i, nsA, nsB))
			return err
		}},
		"enter and start": {300, func(i int) error {
			e, err := Enter(pick(i, nsA, nsB))
			if err != nil {
				return err
			}
			defer e.Close()
			cmd := exec.Command("true")
			if err := e.Start(cmd.Start); err != nil {
				return err
			}
			return cmd.Wait()
		}},
		"add and delete netns": {150, func(i int) error {
			spec := model.NetnsSpec{Name: nstest.Name("th")}
			if _, err := sys.AddNetns(spec); err != nil {
				return err
			}
			_, err := sys.DeleteNetns(spec)
			return err
		}},
		"enter the host read-only and start": {100, func(i int) error {
			e, err := Enter(host)
			if err != nil {
				return err
			}
			defer e.Close()
			e.ReadOnly = true
			cmd := exec.Command("true")
			if err := e.Start(cmd.Start); err != nil {
				return err
			}
			return cmd.Wait()
		}},
		"work that fails inside": {600, func(i int) error {
			if err := InNamespace(int(fileB.Fd()), func() error { return errWork }); err != errWork {
				return fmt.Errorf("InNamespace returned %v, want the work's error", err)
			}
			return nil
		}},
		"veth born in another namespace": {150, func(i int) error {
			spec := model.VethSpec{Ns: a, Name: fmt.Sprintf("v%d", i), PeerNs: b, PeerName: fmt.Sprintf("p%d", i)}
			if _, err := sys.AddVeth(spec); err != nil {
				return err
			}
			_, err := sys.DeleteLink(model.LinkRef{Ns: a, Name: spec.Name})
			return err
		}},
		"forwarding": {600, func(i int) error {
			_, err := sys.SetForwarding(model.ForwardingSpec{Ns: a, On: i%2 == 0})
			return err
		}},
		"address changes": {300, func(i int) error {
			spec := model.AddrSpec{Ns: a, Dev: "t0", CIDR: fmt.Sprintf("10.77.%d.%d/32", i/250, i%250+1)}
			if _, err := sys.AddAddr(spec); err != nil {
				return err
			}
			_, err := sys.DeleteAddr(spec)
			return err
		}},
		"trace forwarding read": {600, func(i int) error {
			tr := sys.NewTracer(snap)
			defer tr.Close()
			_, err := tr.State(pick(i, nsA, nsB).Key)
			return err
		}},
		"watch focus": {600, func(i int) error {
			w.Focus(pick(i, nsA, nsB))
			return nil
		}},
		"capture": {60, func(i int) error {
			ns, dev := nsA, "t0"
			if i%2 == 1 {
				ns, dev = nsB, "t1"
			}
			c, err := sys.StartCapture(snap, []model.CapturePoint{model.PointOf(ns, ns.LinkByName(dev))},
				CaptureOptions{Filter: "icmp", Deliver: func([]packetline.Packet) {}})
			if err != nil {
				return err
			}
			c.Stop()
			return nil
		}},
		"watch rows": {600, func(i int) error {
			w.Rows([]*model.Namespace{pick(i+1, nsA, nsB), pick(i/3, nsA, nsB)})
			return nil
		}},
		"reread": {600, func(i int) error {
			_, err := sys.Reread(ctx, snap, pick(i, nsA, nsB).Key)
			return err
		}},
	}
	if _, err := exec.LookPath("iptables-nft"); err == nil {
		// A table iptables made: reading it runs iptables-nft-save
		// through an Entry, on threads thrown away.
		nstest.Sh(t, "ip netns exec "+a+" iptables-nft -A INPUT -p udp --dport 9 -j DROP")
	} else {
		t.Log("no iptables-nft: the netfilter read's save tool path is not driven")
	}
	paths["netfilter read"] = struct {
		n  int
		fn func(i int) error
	}{200, func(i int) error {
		nf, err := sys.ReadNetfilter(ctx, pick(i, nsA, nsB), AllNetfilter)
		if err == nil && len(nf.Errs) > 0 {
			err = fmt.Errorf("%v", nf.Errs)
		}
		return err
	}}
	if _, err := exec.LookPath("ping"); err == nil {
		nstest.IP(t, "-n", a, "link", "set", "lo", "up")
		paths["trace ping"] = struct {
			n  int
			fn func(i int) error
		}{100, func(i int) error {
			tr := sys.NewTracer(snap)
			defer tr.Close()
			res, err := tr.Ping(nsA.Key, net.IPv4(127, 0, 0, 1), nil)
			if err == nil && !res.Replied {
				err = fmt.Errorf("no reply from 127.0.0.1 inside %s: %s", a, res.Output)
			}
			return err
		}}
	} else {
		t.Log("no ping: the trace ping path is not driven")
	}
	var wg sync.WaitGroup
	for what, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < p.n; i++ {
				if err := p.fn(i); err != nil {
					fail(what, err)
					return
				}
				switches.Add(1)
			}
		}()
	}
	stop := make(chan struct{})
	snaps := make(chan int)
	for g := 0; g < 2; g++ {
		go func() {
			n := 0
			defer func() { snaps <- n }()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := sys.Snapshot(ctx, ReadOptions{}); err != nil {
					fail("snapshot", err)
					return
				}
				n++
			}
		}()
	}
	wg.Wait()
	close(stop)
	n := <-snaps + <-snaps
	if err := w.Close(); err != nil {
		t.Error(err)
	}
	t.Logf("%d switching calls alongside %d snapshots", switches.Load(), n)
	if switches.Load() < 3000 {
		t.Errorf("only %d switching calls ran", switches.Load())
	}
	// Entry.Start throws its threads away: wait for the runtime to end them.
	nstest.WaitThreadsHome(t, home)
}

func pick(i int, a, b *model.Namespace) *model.Namespace {
	if i%2 == 0 {
		return a
	}
	return b
}

// findNamed returns the namespace called name in snap, failing the test
// when there is none.
func findNamed(t *testing.T, snap *model.Snapshot, name string) *model.Namespace {
	t.Helper()
	for i := range snap.Namespaces {
		if snap.Namespaces[i].Name == name {
			return &snap.Namespaces[i]
		}
	}
	t.Fatalf("%s not in the snapshot", name)
	return nil
}

// A thread comes home whatever happened away: the work failed, or the
// switch itself was refused. Nothing here throws threads away, so a
// thread left outside is still there to be seen afterwards (in
// TestEverySwitchStaysHome, Entry.Start may happen to end it first).
func TestFailedWorkComesHome(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	b := nstest.Netns(t)
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	held, err := sys.holdNamed(b)
	if err != nil {
		t.Fatal(err)
	}
	defer held.close()
	notNs, err := os.Open("/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	defer notNs.Close()
	errWork := errors.New("the work failed")
	fail := func() error { return errWork }
	for what, try := range map[string]func() error{
		"InNamespace":    func() error { return InNamespace(held.fd(), fail) },
		"heldNs.do":      func() error { return held.do(fail) },
		"inNewNamespace": func() error { return inNewNamespace(fail) },
	} {
		for range 50 {
			if err := try(); err != errWork {
				t.Fatalf("%s: %v, want the work's error", what, err)
			}
		}
	}
	for range 50 {
		if err := InNamespace(int(notNs.Fd()), fail); err == nil || errors.Is(err, errWork) {
			t.Fatalf("setns into /dev/null: %v, want refused before the work", err)
		}
	}
	nstest.AssertThreadsHome(t, home)
}
