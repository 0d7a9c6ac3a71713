package e2e

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// Without privileges lazyns still shows the host (read without entering
// any namespace), says in one line what it needs, and exits 1.
func TestWithoutPrivileges(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "setpriv")
	ns := nstest.Netns(t)
	bin := buildBinary(t)
	asUser := []string{"--reuid=65534", "--regid=65534", "--clear-groups"}
	noCaps := []string{"--inh-caps=-all", "--bounding-set=-sys_admin,-net_admin"}
	for _, how := range [][]string{asUser, noCaps} {
		for _, args := range [][]string{{"list"}, {"show", ns}, {"show", "--json"}} {
			cmd := exec.Command("setpriv", append(append(how, bin), args...)...)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			what := strings.Join(how, " ") + " lazyns " + strings.Join(args, " ")
			if code != 1 {
				t.Errorf("%s: exit %d, want 1", what, code)
			}
			want := "needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)"
			if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], want) {
				t.Errorf("%s: stderr %q, want one line naming %q", what, stderr.String(), want)
			}
			if strings.Contains(stderr.String(), "goroutine") || strings.Contains(stderr.String(), "panic") {
				t.Errorf("%s: a stack trace reached the user", what)
			}
			if args[0] == "list" && !strings.Contains(stdout.String(), ns) {
				t.Errorf("%s: the names are still listed without privileges:\n%s", what, stdout.String())
			}
			if args[0] == "show" && len(args) == 2 && !strings.Contains(stdout.String(), "permission denied") {
				t.Errorf("%s: the namespace should say why it is empty:\n%s", what, stdout.String())
			}
		}
	}
	// The host namespace is read without entering it, so even nobody sees
	// its loopback.
	out, _ := exec.Command("setpriv", append(asUser, bin, "show", "host")...).Output()
	if !strings.Contains(string(out), "lo ") {
		t.Errorf("host not readable without privileges:\n%s", out)
	}
}

// lazyns ip says in one line how many namespaces it could not read for
// want of privileges, rather than one line each: the refusal is told by
// the error's kind (model.ErrPermission), not by its text.
func TestIPWithoutPrivilegesSaysOnce(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "setpriv")
	a, b := nstest.Netns(t), nstest.Netns(t)
	bin := buildBinary(t)
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin, "ip", "link", a, b)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	want := "lazyns: 2 namespaces could not be read: needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)"
	if got := strings.TrimSpace(stderr.String()); got != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", got, want)
	}
	if got := strings.TrimSpace(stdout.String()); got != "[]" {
		t.Errorf("stdout %q, want an empty array", got)
	}
}
