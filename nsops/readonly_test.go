package nsops

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
	"golang.org/x/sys/unix"
)

// A read-only entry starts processes that the kernel refuses changes from:
// no link made, lo left down, no sysctl written, in a named namespace and
// in the host's; CAP_NET_RAW kept. The same entry not read-only changes
// what it is told to, as before.
func TestEnterReadOnly(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	homeMounts, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	name := nstest.Netns(t)
	ns := locateForTest(t, name)
	veth, peer := nstest.Name("ro"), nstest.Name("rp")
	// A namespace the read-only command must fail to make; removed at the
	// end should it have been made.
	newNs := nstest.Name("rn")
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", newNs).Run() })
	rpFilter := strings.TrimSpace(nstest.Sh(t, "ip netns exec "+name+" cat /proc/sys/net/ipv4/conf/lo/rp_filter"))

	out, err := startEntered(t, ns, true, nstest.ReadOnlyStatusScript+`
ip link add `+veth+` type veth peer name `+peer+`
ip link set lo up
echo 2 > /proc/sys/net/ipv4/conf/lo/rp_filter
echo 1 > /sys/class/net/lo/mtu
ip netns add `+newNs+`
exit 0`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	nstest.AssertReadOnlyCaps(t, out)
	if !strings.Contains(out, "NoNewPrivs:\t0") {
		t.Errorf("no_new_privs set though the bounding set could shrink (ping by file capabilities needs it off):\n%s", out)
	}
	for _, want := range []string{"RTNETLINK answers: Operation not permitted", "Read-only file system"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if nstest.LinkExists(name, veth) || nstest.LinkExists(name, peer) {
		t.Errorf("read-only made %s in %s", veth, name)
	}
	if _, err := os.Stat("/run/netns/" + newNs); err == nil {
		t.Errorf("read-only made the namespace %s", newNs)
	}
	if lo := nstest.IP(t, "-n", name, "-o", "link", "show", "lo"); strings.Contains(lo, "UP") || !strings.Contains(lo, "mtu 65536") {
		t.Errorf("read-only changed lo: %s", lo)
	}
	if got := strings.TrimSpace(nstest.Sh(t, "ip netns exec "+name+" cat /proc/sys/net/ipv4/conf/lo/rp_filter")); got != rpFilter {
		t.Errorf("read-only wrote rp_filter: %s, was %s", got, rpFilter)
	}

	// The host: a write of the value already there, so that nothing
	// changes even where the write goes through.
	hostVeth := nstest.Name("ro")
	nstest.HostLink(t, hostVeth)
	out, err = startEntered(t, locateForTest(t, "host"), true, nstest.ReadOnlyStatusScript+`
ip link add `+hostVeth+` type veth peer name `+nstest.Name("rp")+`
f=/proc/sys/net/ipv4/conf/lo/rp_filter; cat $f > $f
exit 0`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	nstest.AssertReadOnlyCaps(t, out)
	if !strings.Contains(out, "Operation not permitted") || !strings.Contains(out, "Read-only file system") || nstest.LinkExists("", hostVeth) {
		t.Errorf("host, read-only: %s made or a sysctl written:\n%s", hostVeth, out)
	}

	// Not read-only: nothing has changed.
	out, err = startEntered(t, ns, false, nstest.ReadOnlyStatusScript+"; ip link add "+veth+" type veth peer name "+peer)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	nstest.AssertFullCaps(t, "a command not read-only", out)
	if !nstest.LinkExists(name, veth) {
		t.Errorf("not read-only, %s was not made:\n%s", veth, out)
	}

	// The threads that made mount namespaces are gone with them.
	nstest.WaitThreadsHome(t, home)
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		if link, err := os.Readlink("/proc/self/task/" + task.Name() + "/ns/mnt"); err == nil && link != homeMounts {
			t.Errorf("thread %s is in mount namespace %s, not %s", task.Name(), link, homeMounts)
		}
	}
}

// Capabilities are dropped on the thread that starts the process and die
// with it: while read-only commands start, lazyns's other threads keep
// making namespaces (setns and mount, CAP_SYS_ADMIN), and afterwards every
// thread of the process still has CAP_NET_ADMIN and CAP_SYS_ADMIN.
func TestReadOnlyLeavesLazynsCapable(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	ns := locateForTest(t, name)
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()

	var (
		mu      sync.Mutex
		dropped []int // threads that dropped capabilities
		wg      sync.WaitGroup
	)
	for i := 0; i < 40; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			e, err := Enter(ns)
			if err != nil {
				t.Error(err)
				return
			}
			defer e.Close()
			e.ReadOnly = true
			cmd := exec.Command("true")
			err = e.Start(func() error {
				mu.Lock()
				dropped = append(dropped, unix.Gettid())
				mu.Unlock()
				return cmd.Start()
			})
			if err == nil {
				err = cmd.Wait()
			}
			if err != nil {
				t.Errorf("read-only start: %v", err)
			}
		}()
		go func() {
			defer wg.Done()
			spec := model.NetnsSpec{Name: nstest.Name("cap")}
			t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", spec.Name).Run() })
			if _, err := sys.AddNetns(spec); err != nil {
				t.Errorf("a change while read-only commands start: %v", err)
				return
			}
			if _, err := sys.DeleteNetns(spec); err != nil {
				t.Errorf("a change while read-only commands start: %v", err)
			}
		}()
	}
	wg.Wait()
	if len(dropped) == 0 {
		t.Fatal("no read-only start ran")
	}

	// The runtime ends a thread shortly after its locked goroutine: wait
	// for the ones that dropped (a number the kernel gave out again is a
	// new thread, checked below like every other).
	deadline := time.Now().Add(2 * time.Second)
	for _, tid := range dropped {
		for time.Now().Before(deadline) {
			if _, err := os.Stat("/proc/self/task/" + strconv.Itoa(tid)); err != nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	nstest.AssertThreadsCapable(t)

	veth := nstest.Name("cv")
	out, err := startEntered(t, ns, false, nstest.ReadOnlyStatusScript+"; ip link add "+veth+" type veth peer name "+nstest.Name("cp"))
	if err != nil || !nstest.LinkExists(name, veth) {
		t.Errorf("after read-only commands, a change failed: %v\n%s", err, out)
	}
	nstest.AssertFullCaps(t, "a command started after read-only ones", out)
}

// changeThreadCaps changes the calling thread's effective, permitted and
// inheritable sets with f.
func changeThreadCaps(f func(sets *[2]unix.CapUserData)) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var sets [2]unix.CapUserData
	if err := unix.Capget(&hdr, &sets[0]); err != nil {
		return err
	}
	f(&sets)
	return unix.Capset(&hdr, &sets[0])
}

// What a thread holds before the drop does not survive it: an ambient
// capability goes too. And a lazyns without CAP_SETPCAP (given only some
// capabilities by file capabilities), which cannot shrink the bounding
// set, sets no_new_privs instead, so a root child's execve still gives
// nothing back.
func TestDropReadOnlyCaps(t *testing.T) {
	nstest.RequireRoot(t)
	for _, setpcap := range []bool{true, false} {
		var out bytes.Buffer
		err := onThrowawayThread(func() error {
			err := changeThreadCaps(func(sets *[2]unix.CapUserData) {
				sets[0].Inheritable |= 1 << unix.CAP_NET_ADMIN
				if !setpcap {
					sets[0].Effective &^= 1 << unix.CAP_SETPCAP
				}
			})
			if err == nil {
				err = unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, unix.CAP_NET_ADMIN, 0, 0)
			}
			if err != nil {
				return err
			}
			if err := dropReadOnlyCaps(); err != nil {
				return err
			}
			cmd := exec.Command("sh", "-c", nstest.ReadOnlyStatusScript)
			cmd.Stdout, cmd.Stderr = &out, &out
			return cmd.Run()
		})
		if err != nil {
			t.Fatalf("CAP_SETPCAP %v: %v\n%s", setpcap, err, out.String())
		}
		status := out.String()
		if setpcap {
			nstest.AssertReadOnlyCaps(t, status)
			continue
		}
		// The bounding set is as it was; every other set lacks the three.
		sets := nstest.CapSets(t, status)
		if sets["CapBnd"]&(1<<unix.CAP_NET_ADMIN) == 0 {
			t.Errorf("CapBnd lost CAP_NET_ADMIN without CAP_SETPCAP?\n%s", status)
		}
		for _, set := range []string{"CapEff", "CapPrm", "CapInh", "CapAmb"} {
			if bits := sets[set]; bits&(1<<unix.CAP_NET_ADMIN|1<<unix.CAP_SYS_ADMIN|1<<unix.CAP_SYS_MODULE) != 0 {
				t.Errorf("without CAP_SETPCAP, %s still holds CAP_NET_ADMIN, CAP_SYS_ADMIN or CAP_SYS_MODULE (%016x)", set, bits)
			}
		}
		if !strings.Contains(status, "NoNewPrivs:\t1") {
			t.Errorf("no_new_privs not set without CAP_SETPCAP:\n%s", status)
		}
	}
}
