package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/config"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// privilegeNeed is what every command says when it lacks privileges.
const privilegeNeed = "needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)"

// Every command, run as nobody and as root without CAP_SYS_ADMIN and
// CAP_NET_ADMIN: what needs privileges says so in one line on stderr
// (exit 1), what can be read without them is still shown, nothing is
// made, and no stack trace reaches the user.
func TestEveryCommandWithoutPrivileges(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "setpriv")
	// The test's namespace is the only named one in a netns directory of
	// its own: topo names only the first few namespaces it cannot see
	// into, and other tests' namespaces under /run/netns would push it
	// out of them.
	netnsDir := nstest.NetnsDir(t)
	ns := nstest.Name("ns")
	nstest.NetnsIn(t, netnsDir, ns)
	bin := buildBinary(t)
	labDir := t.TempDir()
	labPrefix := nstest.Name("")
	labPrefix = labPrefix[len(labPrefix)-9:] // a lab prefix is at most 9 bytes
	home := t.TempDir()
	if err := os.Chmod(home, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, how := range []struct {
		who  string
		args []string
	}{
		{"nobody", []string{"--reuid=65534", "--regid=65534", "--clear-groups"}},
		{"root without caps", []string{"--inh-caps=-all", "--bounding-set=-sys_admin,-net_admin"}},
	} {
		for _, tc := range []struct {
			args []string
			code int    // the exit status
			says bool   // stderr is one line naming privilegeNeed
			out  string // stdout holds this (what could be read)
		}{
			{[]string{"list"}, 1, true, ns},
			{[]string{"show", ns}, 1, true, "permission denied"},
			{[]string{"show", "host"}, 0, false, "lo "},
			{[]string{"topo"}, 1, true, ns},
			{[]string{"topo", "--dot"}, 1, true, "graph"},
			{[]string{"trace", ns, "10.0.0.1"}, 1, true, ""},
			{[]string{"trace", "host", "127.0.0.1"}, 0, false, "127.0.0.1"},
			{[]string{"shell", ns}, 1, true, ""},
			{[]string{"exec", ns, "--", "true"}, 1, true, ""},
			{[]string{"lab", "up", "veth", "--state-dir", labDir, "--prefix", labPrefix}, 1, true, ""},
			{[]string{"lab", "up", "veth", "--print"}, 0, false, "ip netns add"},
			{[]string{"lab", "list", "--state-dir", labDir}, 0, false, "veth"},
			{[]string{"config"}, 0, false, "read_only"},
		} {
			what := how.who + ": lazyns " + strings.Join(tc.args, " ")
			cmd := exec.Command("setpriv", append(append(how.args, bin), tc.args...)...)
			cmd.Env = append(os.Environ(), "SHELL=/bin/sh", "HOME="+home, "XDG_CONFIG_HOME="+home, config.EnvNetnsDir+"="+netnsDir)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if _, ok := err.(*exec.ExitError); err != nil && !ok {
				t.Fatal(err)
			}
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("%s: exit %d, want %d\nstderr: %s", what, code, tc.code, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if tc.says && (len(lines) != 1 || !strings.Contains(lines[0], privilegeNeed)) {
				t.Errorf("%s: stderr %q, want one line saying %q", what, stderr.String(), privilegeNeed)
			}
			if !tc.says && stderr.Len() > 0 && tc.code == 0 {
				t.Errorf("%s: needs nothing, yet says %q", what, stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic") {
				t.Errorf("%s: a stack trace reached the user:\n%s", what, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.out) {
				t.Errorf("%s: stdout lacks %q:\n%s", what, tc.out, stdout.String())
			}
		}
	}
	// Nothing was made: no namespace of the lab's, no record of it.
	if out := nstest.IP(t, "netns", "list"); strings.Contains(out, labPrefix) {
		t.Errorf("lab up without privileges made namespaces:\n%s", out)
	}
	if ents, _ := os.ReadDir(netnsDir); len(ents) != 1 {
		t.Errorf("lab up without privileges made namespaces in %s: %v", netnsDir, ents)
	}
	if ents, _ := os.ReadDir(labDir); len(ents) != 0 {
		t.Errorf("lab up without privileges left a record: %v", ents)
	}
}

// The terminal UI started as nobody shows what it can read, marks what it
// cannot, says on its status line what it needs, and says it again for a
// namespace it cannot read. The header says NOT ROOT and counts what it
// could not read, the list says why it is bare, the footer offers no
// change key, and a change key says why not.
func TestUIStartWithoutPrivileges(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "setpriv")
	ns := nstest.Netns(t)
	bin := buildBinary(t)
	s := newTmux(t, 120, 40, "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "+bin+"; echo lazyns-exited-$?; sleep 30")
	s.waitFor("could not be read: " + privilegeNeed)
	screen := s.waitFor("Only the namespace lazyns runs in")
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if head := lines[0]; !strings.Contains(head, "NOT ROOT") || !strings.Contains(head, "unreadable)") {
		t.Errorf("header %q", head)
	}
	if foot := lines[len(lines)-1]; strings.Contains(foot, "v veth") || strings.Contains(foot, "n new ns") || !strings.Contains(foot, "q quit") {
		t.Errorf("footer %q", foot)
	}
	s.keys("v")
	s.waitFor("new veth pair: not root: a change " + privilegeNeed)
	if strings.Contains(s.screen(), "New veth pair") {
		t.Fatalf("the veth form opened:\n%s", s.screen())
	}
	// The namespaces it cannot read are marked, and say why when selected.
	// (Found with the filter: other tests' namespaces may fill the list.)
	s.keys("/")
	s.keys("-l", ns)
	s.keys("Enter")
	s.waitFor("▸ " + ns)
	s.waitFor("unreadable")
	s.waitFor("needs root")
	s.keys("q")
	s.waitFor("lazyns-exited-")
	if screen := s.screen(); strings.Contains(screen, "panic") || strings.Contains(screen, "goroutine ") {
		t.Errorf("a stack trace on screen:\n%s", screen)
	}
}
