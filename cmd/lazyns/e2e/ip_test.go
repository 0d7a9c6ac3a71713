package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// Without privileges, lazyns ip lists what it can read (the host's own
// namespace), says once what it needs, and exits 1.
func TestIPWithoutPrivileges(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "setpriv")
	ns := nstest.Netns(t)
	bin := buildBinary(t)
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
	}{
		{[]string{"ip", "addr", ns}, 1, "[]\n"},
		{[]string{"ip", "rule", "host", ns}, 1, `"netns":"host","priority":0`},
		{[]string{"ip", "rule", "host"}, 0, `"netns":"host","priority":0`},
	} {
		cmd := exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, tc.args...)...)
		cmd.Env = append(os.Environ(), "HOME=/", "XDG_CONFIG_HOME=/nonexistent")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		_ = cmd.Run()
		what := "as nobody: lazyns " + strings.Join(tc.args, " ")
		if code := cmd.ProcessState.ExitCode(); code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", what, code, tc.code, stderr.String())
		}
		if !strings.Contains(stdout.String(), tc.stdout) {
			t.Errorf("%s: stdout %q, want %q in it", what, stdout.String(), tc.stdout)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if tc.code == 1 && (len(lines) != 1 || !strings.Contains(lines[0], "1 namespace could not be read: needs root")) {
			t.Errorf("%s: stderr %q, want one line saying what it needs", what, stderr.String())
		}
		if tc.code == 0 && stderr.Len() > 0 {
			t.Errorf("%s: stderr %q", what, stderr.String())
		}
	}
}
