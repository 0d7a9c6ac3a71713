package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
	"golang.org/x/sys/unix"
)

// privilegedCats makes, in a directory anyone may enter, two copies of
// cat that would give a user CAP_NET_ADMIN: one setuid root, one with the
// file capabilities cap_net_admin,cap_sys_admin+ep.
func privilegedCats(t *testing.T) (suid, fcap string) {
	t.Helper()
	nstest.RequireTool(t, "setcap")
	dir, err := os.MkdirTemp("", "lazyns-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cat, err := os.ReadFile("/bin/cat")
	if err != nil {
		t.Fatal(err)
	}
	suid, fcap = filepath.Join(dir, "suidcat"), filepath.Join(dir, "fcapcat")
	for _, path := range []string{suid, fcap} {
		if err := os.WriteFile(path, cat, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Chmod, not the modes above: the umask applies to those.
	for path, mode := range map[string]os.FileMode{dir: 0o755, suid: os.ModeSetuid | 0o755, fcap: 0o755} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	nstest.Sh(t, "setcap cap_net_admin,cap_sys_admin+ep "+fcap)
	return suid, fcap
}

// assertGainsNothing fails if a line "LABEL: CapEff: HEX" of out shows
// CAP_NET_ADMIN; a program the kernel refused to start prints no such line.
func assertGainsNothing(t *testing.T, out, label string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		hex, ok := strings.CutPrefix(line, label+": CapEff:")
		if !ok {
			continue
		}
		bits, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if bits&(1<<unix.CAP_NET_ADMIN) != 0 {
			t.Errorf("the %s copy of cat regained CAP_NET_ADMIN: %s", label, line)
		}
	}
}

// lazyns --read-only exec, as a user on a production node would run it:
// changes fail with "Operation not permitted" and nothing is made or
// downed; neither a setuid-root program nor one with file capabilities
// gets CAP_NET_ADMIN back; ping across a veth and tcpdump still work.
// (The in-process path, a child rather than execve, drops the same:
// TestExecReadOnlyInProcess in cmd/lazyns.)
func TestExecReadOnly(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tool := range []string{"ping", "tcpdump", "setpriv", "timeout"} {
		nstest.RequireTool(t, tool)
	}
	a, _, va, _ := vethPair(t)
	nstest.IP(t, "-n", a, "link", "set", "lo", "up")
	suid, fcap := privilegedCats(t)
	veth := nstest.Name("ro")
	nobody := "setpriv --reuid=65534 --regid=65534 --clear-groups "
	script := nstest.ReadOnlyStatusScript + `
ip link add ` + veth + ` type veth peer name ` + nstest.Name("rp") + `
ip link set lo down
echo suid: $(` + nobody + suid + ` /proc/self/status | grep CapEff)
echo fcap: $(` + nobody + fcap + ` /proc/self/status | grep CapEff)
timeout 10 tcpdump -ni ` + va + ` -c1 icmp 2>&1 &
sleep 1
ping -c3 -i 0.3 -W2 10.88.0.2
wait
exit 0`
	cmd := exec.Command(buildBinary(t), "--read-only", "exec", a, "--", "sh", "-c", script)
	outb, err := cmd.CombinedOutput()
	out := string(outb)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	nstest.AssertReadOnlyCaps(t, out)
	for _, want := range []string{"LAZYNS_READ_ONLY=<1>", "suid: CapEff:", "1 packet captured", " 0% packet loss"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "RTNETLINK answers: Operation not permitted"); n != 2 {
		t.Errorf("%d refusals, want 2 (link add, set lo down):\n%s", n, out)
	}
	assertGainsNothing(t, out, "suid")
	assertGainsNothing(t, out, "fcap")
	if nstest.LinkExists(a, veth) {
		t.Errorf("lazyns --read-only exec made %s in %s", veth, a)
	}
	if lo := nstest.IP(t, "-n", a, "-o", "link", "show", "lo"); !strings.Contains(lo, ",UP") {
		t.Errorf("lazyns --read-only exec set lo down: %s", lo)
	}
}

// lazyns --read-only shell on a terminal: READ-ONLY in the prompt, the
// capabilities gone, ip link add refused, and a lazyns started inside is
// read-only too.
func TestShellReadOnlyOnTerminal(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	bin := buildBinary(t)
	veth := nstest.Name("ro")
	// A home of its own: root's ~/.bashrc may take seconds (pyenv init).
	s := newTmux(t, 120, 30, "env HOME="+t.TempDir()+" SHELL=/bin/bash LAZYNS_NETNS= LAZYNS_READ_ONLY= PS1='outer$ ' /bin/sh")
	s.waitFor("outer$")
	s.keys(bin+" --read-only shell "+name, "Enter")
	s.waitFor("READ-ONLY [netns " + name + "]")
	s.keys("clear; "+nstest.CapBitsScript+"; ip link add "+veth+" type veth peer name "+nstest.Name("rp")+"; "+bin+" config | grep read_only", "Enter")
	for _, want := range append(nstest.ReadOnlyCapBits, "Operation not permitted", "read_only = true") {
		s.waitFor(want)
	}
	s.keys("exit", "Enter")
	s.waitFor("exit\nouter$")
	if nstest.LinkExists(name, veth) {
		t.Errorf("a read-only shell made %s", veth)
	}
}

// The UI under --read-only: x runs a command that cannot change the
// namespace but pings across the veth, and s opens a shell whose prompt
// says READ-ONLY and whose capabilities are gone.
func TestUIReadOnlyShellAndExec(t *testing.T) {
	nstest.RequireTool(t, "ping")
	s, a, _, _, _ := uiPair(t, "--read-only")
	s.waitFor("READ-ONLY")
	veth := nstest.Name("ro")
	script := filepath.Join(t.TempDir(), "check.sh")
	text := nstest.CapBitsScript + "\nip link add " + veth + " type veth peer name " + nstest.Name("rp") +
		"\nping -c1 -W2 10.88.0.2 | grep -o '1 received'\n"
	if err := os.WriteFile(script, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	s.keys("/", a, "Enter")
	s.waitFor("filter: " + a)
	s.keys("x")
	s.waitFor("Run in " + a)
	s.keys("sh "+script, "Enter")
	screen := s.waitFor(a + "   exit 0")
	for _, want := range append(nstest.ReadOnlyCapBits, "RTNETLINK answers: Operation not permitted", "1 received") {
		if !strings.Contains(screen, want) {
			t.Errorf("x under --read-only: the output lacks %q:\n%s", want, screen)
		}
	}
	if nstest.LinkExists(a, veth) {
		t.Errorf("x under --read-only made %s in %s", veth, a)
	}
	s.keys("Escape")
	s.waitFor("▸ " + a)

	s.keys("s")
	s.waitFor("READ-ONLY [netns " + a + "]")
	s.keys("clear; "+nstest.CapBitsScript, "Enter")
	for _, want := range nstest.ReadOnlyCapBits {
		s.waitFor(want)
	}
	s.keys("exit", "Enter")
	s.waitFor("back from the shell in " + a)
	quitUI(t, s)
}
