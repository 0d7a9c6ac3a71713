package nsops

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// listener starts, inside ns, a python process listening on TCP 8080
// (IPv4) and 8081 (IPv6 only) and bound to UDP 5353 (IPv4) and 5354
// (IPv6), and returns its pid once the sockets exist.
func listener(t *testing.T, ns string) int {
	t.Helper()
	nstest.RequireTool(t, "python3")
	const script = `
import socket, time
t4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t4.bind(("0.0.0.0", 8080)); t4.listen()
t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
t6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); t6.bind(("::", 8081)); t6.listen()
u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u4.bind(("0.0.0.0", 5353))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::", 5354))
print("ready", flush=True)
time.sleep(600)
`
	// ip netns exec execs python in place: the pid is python's.
	return startReady(t, "ip", "netns", "exec", ns, "python3", "-c", script)
}

// startReady starts a command that prints "ready" once set up, waits for
// that line, and returns its pid; it is killed when the test ends.
func startReady(t *testing.T, name string, args ...string) int {
	t.Helper()
	cmd := exec.Command(name, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("%s: %q %v", name, line, err)
	}
	return cmd.Process.Pid
}

func TestSockets(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	name := nstest.Netns(t)
	pid := listener(t, name)
	sys, snap := snapshot(t)
	ns := byName(t, snap, name)

	socks, err := sys.Sockets(context.Background(), ns)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]model.Socket{}
	for _, s := range socks {
		got[s.Proto+" "+s.Local.String()+" "+strconv.Itoa(int(s.Port))+" "+s.State] = s
	}
	for _, want := range []string{"tcp 0.0.0.0 8080 LISTEN", "tcp6 :: 8081 LISTEN", "udp 0.0.0.0 5353 UNCONN", "udp6 :: 5354 UNCONN"} {
		s, ok := got[want]
		if !ok {
			t.Errorf("no socket %q in %v", want, socks)
			continue
		}
		if s.Inode == 0 || !slices.Contains(s.Procs, model.Proc{Pid: pid, Comm: "python3"}) {
			t.Errorf("%s: inode %d procs %v, want python3 %d", want, s.Inode, s.Procs, pid)
		}
	}
	if len(socks) != 4 {
		t.Errorf("sockets %v, want exactly the four", socks)
	}

	// The host's own sockets are not in it, and it has none of the host's.
	other := nstest.Netns(t)
	socks, err = sys.Sockets(context.Background(), &model.Namespace{Key: ns.Key, Name: other, Path: "/run/netns/" + other})
	if !errors.Is(err, ErrNoNamespace) {
		t.Errorf("sockets of a namespace whose file is now another one: %v %v", socks, err)
	}
	nstest.AssertThreadsHome(t, home)
}

// TestSocketHeldFromOutside: a host process enters the namespace, binds a
// socket there and returns; ss -p still names it, and so must lazyns.
func TestSocketHeldFromOutside(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "python3")
	name := nstest.Netns(t)
	const script = `
import ctypes, os, socket, sys, time
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
target = os.open("/run/netns/" + sys.argv[1], os.O_RDONLY)
assert libc.setns(target, 0x40000000) == 0
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 6000))
assert libc.setns(home, 0x40000000) == 0
print("ready", flush=True)
time.sleep(600)
`
	pid := startReady(t, "python3", "-c", script, name)
	sys, snap := snapshot(t)
	socks, err := sys.Sockets(context.Background(), byName(t, snap, name))
	if err != nil {
		t.Fatal(err)
	}
	if len(socks) != 1 || socks[0].Port != 6000 || len(socks[0].Procs) != 1 || socks[0].Procs[0].Pid != pid {
		t.Errorf("sockets %+v, want udp 6000 held by %d", socks, pid)
	}
}

func TestProcesses(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	sys, snap := snapshot(t)
	ns := byName(t, snap, name)
	// Started after the snapshot: Processes reads /proc now.
	pid := listener(t, name)
	procs, err := sys.Processes(context.Background(), ns)
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) != 1 || procs[0].Pid != pid || procs[0].Comm != "python3" ||
		len(procs[0].Cmdline) != 3 || !strings.HasSuffix(procs[0].Cmdline[0], "python3") || !strings.Contains(procs[0].Cmdline[2], "ready") {
		t.Errorf("processes %+v, want python3 %d with its script", procs, pid)
	}
	host, err := sys.Processes(context.Background(), snap.Host())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range host {
		if p.Pid == pid {
			t.Errorf("the namespace's process is listed in the host")
		}
	}
	if len(host) == 0 {
		t.Errorf("no processes in the host")
	}
}
