// Package nstest helps tests that build real namespaces: names unique to
// the run, cleanup that happens even when a test fails, and the rule that a
// root-only test is skipped when not root, except under CI=true.
package nstest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// RequireRoot skips a test that needs root, or fails it under CI=true,
// where a skipped root test would hide a broken CI machine.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("this test needs root, and CI=true forbids skipping it")
	}
	t.Skip("needs root: it creates network namespaces")
}

// RequireTool skips (or under CI=true fails) when a program is missing.
func RequireTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed, and CI=true forbids skipping (.ci/run should install it)", name)
	}
	t.Skipf("needs %s", name)
}

var (
	runID   = newRunID()
	counter atomic.Int64
)

func newRunID() string {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// Name returns a name unique to this run, short enough for an interface
// (at most 15 bytes): "lz" + run id + counter, after the given prefix.
func Name(prefix string) string {
	n := fmt.Sprintf("%slz%s%d", prefix, runID, counter.Add(1))
	if len(n) > 15 {
		n = n[len(n)-15:]
	}
	return n
}

// IP runs ip with args and fails the test on error.
func IP(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Netns makes a named namespace that is removed when the test ends.
func Netns(t testing.TB) string {
	t.Helper()
	name := Name("ns")
	NetnsNamed(t, name)
	return name
}

// NetnsNamed makes a namespace with exactly this name, removed at the end.
func NetnsNamed(t testing.TB, name string) {
	t.Helper()
	IP(t, "netns", "add", name)
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", name).Run()
	})
}

// Forwarding sets net.ipv4.ip_forward inside the namespace ns. A new
// namespace starts with the host's value, which is 1 where docker or podman
// ran: a test that needs forwarding off (or on) sets it, and never on the
// host.
func Forwarding(t testing.TB, ns string, on bool) {
	t.Helper()
	v := "0"
	if on {
		v = "1"
	}
	IP(t, "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward="+v)
}

// HostLink registers a link in the host namespace for deletion at the end.
// Deleting one end of a veth removes both.
func HostLink(t testing.TB, name string) {
	t.Cleanup(func() {
		_ = exec.Command("ip", "link", "del", name).Run()
	})
}

// Sh runs a shell command line and fails the test on error.
func Sh(t testing.TB, script string) string {
	t.Helper()
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	return string(out)
}

// ThreadNamespaces returns the network namespace of every thread of this
// process that differs from want, as "TID: net:[...]".
func ThreadNamespaces(want string) []string {
	var wrong []string
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		link, err := os.Readlink("/proc/self/task/" + task.Name() + "/ns/net")
		if err != nil {
			continue // the thread exited meanwhile
		}
		if link != want {
			wrong = append(wrong, task.Name()+": "+link)
		}
	}
	return wrong
}

// AssertThreadsHome fails the test if any thread of the process is in
// another network namespace than the process started in.
func AssertThreadsHome(t testing.TB, home string) {
	t.Helper()
	if wrong := ThreadNamespaces(home); len(wrong) > 0 {
		t.Fatalf("threads outside the original namespace %s: %v", home, wrong)
	}
}

// HomeNamespace is the namespace of the process's main thread.
func HomeNamespace(t testing.TB) string {
	t.Helper()
	link, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// OpenFDs counts the process's open file descriptors.
func OpenFDs(t testing.TB) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}

// LinkExists tells whether ip -n ns link show name finds the link ("" for
// the host's namespace).
func LinkExists(ns, name string) bool {
	args := []string{"link", "show", name}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	return exec.Command("ip", args...).Run() == nil
}
