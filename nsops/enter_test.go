package nsops

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
	"golang.org/x/sys/unix"
)

// locateForTest finds one namespace the way the command line does.
func locateForTest(t *testing.T, arg string) *model.Namespace {
	t.Helper()
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	ns, err := sys.Target(arg)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// runEntered runs a shell script inside ns through Entry.Start and returns
// its output, failing the test if it fails.
func runEntered(t *testing.T, ns *model.Namespace, script string, warn ...func(string)) string {
	t.Helper()
	out, err := startEntered(t, ns, false, script, warn...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	return out
}

// startEntered runs a shell script in ns through an Entry, read-only or
// not, and returns its output and how it ended.
func startEntered(t *testing.T, ns *model.Namespace, readOnly bool, script string, warn ...func(string)) (string, error) {
	t.Helper()
	e, err := Enter(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.ReadOnly = readOnly
	for _, w := range warn {
		e.Warn = w
	}
	var out bytes.Buffer
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := e.Start(cmd.Start); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	return out.String(), err
}

func TestEnterNamedLikeIPNetnsExec(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	name := nstest.Netns(t)
	nstest.IP(t, "-n", name, "link", "add", "lzdummyveth", "type", "veth", "peer", "name", "lzpeer")
	etc := filepath.Join(EtcNetnsDir, name)
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(etc) })
	marker := "nameserver 192.0.2.53 # " + name
	if err := os.WriteFile(filepath.Join(etc, "resolv.conf"), []byte(marker+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A file with no /etc counterpart cannot be bound: a warning, as ip
	// netns exec prints one, and the rest still happens.
	if err := os.WriteFile(filepath.Join(etc, "lazyns-no-such-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	hostResolv, _ := os.ReadFile("/etc/resolv.conf")

	ns := locateForTest(t, name)
	var warnings []string
	out := runEntered(t, ns, "readlink /proc/self/ns/net; cat /etc/resolv.conf; ls /sys/class/net",
		func(w string) { warnings = append(warnings, w) })
	if len(warnings) != 1 || !strings.Contains(warnings[0], "lazyns-no-such-file") {
		t.Errorf("warnings %q, want one about lazyns-no-such-file", warnings)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if want := nstest.NetnsInode(t, "/run/netns/"+name); lines[0] != want {
		t.Errorf("child in %s, want %s", lines[0], want)
	}
	if !strings.Contains(out, marker) {
		t.Errorf("/etc/netns/%s/resolv.conf not seen inside:\n%s", name, out)
	}
	if !strings.Contains(out, "lzdummyveth") || !strings.Contains(out, "lzpeer") {
		t.Errorf("/sys/class/net does not list the namespace's devices:\n%s", out)
	}
	// Nothing leaked out to the host.
	if now, _ := os.ReadFile("/etc/resolv.conf"); !bytes.Equal(now, hostResolv) {
		t.Errorf("host /etc/resolv.conf changed: %q", now)
	}
	if host, _ := os.ReadDir("/sys/class/net/lzdummyveth"); host != nil {
		t.Errorf("the namespace's device shows in the host's /sys")
	}
	nstest.WaitThreadsHome(t, home)
}

func TestEnterHostAndPid(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)

	out := runEntered(t, locateForTest(t, "host"), "readlink /proc/self/ns/net")
	if got := strings.TrimSpace(out); got != home {
		t.Errorf("host: child in %s, want %s", got, home)
	}

	name := nstest.Netns(t)
	holder := exec.Command("ip", "netns", "exec", name, "sleep", "60")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	want := nstest.NetnsInode(t, "/run/netns/"+name)
	pid := strconv.Itoa(holder.Process.Pid)
	// ip netns exec execs sleep in the same process once it has entered.
	deadline := time.Now().Add(2 * time.Second)
	for {
		if link, _ := os.Readlink("/proc/" + pid + "/ns/net"); link == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("holder never entered %s", name)
		}
		time.Sleep(10 * time.Millisecond)
	}
	ns := locateForTest(t, "pid:"+pid)
	out = runEntered(t, ns, "readlink /proc/self/ns/net; cat /proc/self/mountinfo")
	if got := strings.SplitN(out, "\n", 2)[0]; got != want {
		t.Errorf("pid:%s: child in %s, want %s", pid, got, want)
	}
	nstest.WaitThreadsHome(t, home)
}

func TestEnterGone(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	ns := locateForTest(t, name)
	nstest.IP(t, "netns", "del", name)
	if _, err := Enter(ns); err == nil || !strings.Contains(err.Error(), name) {
		t.Errorf("entering a deleted namespace: %v, want an error naming it", err)
	}
}

func TestEnterNoFdLeak(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	ns := locateForTest(t, nstest.Netns(t))
	round := func() {
		e, err := Enter(ns)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("true")
		if err := e.Start(cmd.Start); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		e.Close()
	}
	nstest.AssertNoLeak(t, home, 100, round)
}

// A descriptor some library left inheritable does not reach the child;
// those lazyns was started with do, as with ip netns exec.
func TestEnterNoInheritedFds(t *testing.T) {
	nstest.RequireRoot(t)
	leaky, err := unix.EpollCreate1(0) // no EPOLL_CLOEXEC, as cancelreader makes it
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(leaky)
	out := runEntered(t, locateForTest(t, nstest.Netns(t)), "ls /proc/$$/fd")
	want := []string{"0", "1", "2"}
	for fd := range inherited {
		want = append(want, strconv.Itoa(fd))
	}
	fds := strings.Fields(out)
	sort.Strings(want)
	sort.Strings(fds)
	if !slices.Equal(fds, want) {
		t.Errorf("the child has descriptors %v, want %v (%d must not leak)", fds, want, leaky)
	}
}
