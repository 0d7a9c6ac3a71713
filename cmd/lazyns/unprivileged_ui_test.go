package main

import (
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// The UI run as nobody, without capabilities, on a real terminal: the
// header says so and counts what it cannot read, the list says why it is
// bare, the footer offers no change key, and a change key says why not.
func TestUIWithoutPrivileges(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "tmux")
	nstest.RequireTool(t, "setpriv")
	if runUI == nil {
		t.Skip("the terminal UI is not in this build yet (cmd/lazyns/ui.go)")
	}
	ns := nstest.Netns(t)
	bin := buildBinary(t)
	tm := newFormsTmux(t, 160, 40, "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all env HOME=/nonexistent "+bin+" --no-color")
	tm.waitFor("NAMESPACES")
	screen := tm.waitFor("Only the namespace lazyns runs in can be")
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if head := lines[0]; !strings.Contains(head, "NOT ROOT") || !strings.Contains(head, "unreadable)") {
		t.Errorf("header %q", head)
	}
	if foot := lines[len(lines)-1]; strings.Contains(foot, "v veth") || strings.Contains(foot, "n new ns") || !strings.Contains(foot, "q quit") {
		t.Errorf("footer %q", foot)
	}
	tm.keys("v")
	tm.waitLine("new veth pair: not root: a change needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)")
	if strings.Contains(tm.screen(), "New veth pair") {
		t.Fatalf("the veth form opened:\n%s", tm.screen())
	}
	tm.keys("/")
	tm.text(ns)
	tm.keys("Enter")
	tm.waitLine(ns, "unreadable")
	tm.keys("q")
}
