package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// vethPair makes two namespaces of the test's own joined by a veth pair,
// up: va (10.88.0.1/24) in a, vb (10.88.0.2/24) in b.
func vethPair(t *testing.T) (a, b, va, vb string) {
	a, b = nstest.Netns(t), nstest.Netns(t)
	va, vb = nstest.Name("va"), nstest.Name("vb")
	nstest.IP(t, "link", "add", va, "netns", a, "type", "veth", "peer", "name", vb, "netns", b)
	nstest.IP(t, "-n", a, "addr", "add", "10.88.0.1/24", "dev", va)
	nstest.IP(t, "-n", b, "addr", "add", "10.88.0.2/24", "dev", vb)
	nstest.IP(t, "-n", a, "link", "set", va, "up")
	nstest.IP(t, "-n", b, "link", "set", vb, "up")
	return a, b, va, vb
}

// uiPair starts the explorer in tmux, with flags, on a vethPair, from a
// shell that saved the terminal's settings in before.stty.
func uiPair(t *testing.T, flags ...string) (s *tmuxServer, a, b, va, vb string) {
	nstest.RequireRoot(t)
	a, b, va, vb = vethPair(t)
	bin := buildBinary(t)
	s = newTmux(t, 120, 40, "env SHELL=/bin/sh PS1='outer$ ' LAZYNS_NETNS= /bin/sh")
	s.waitFor("outer$")
	s.keys("stty -g > before.stty; "+strings.Join(append([]string{bin}, flags...), " ")+"; echo EXIT=$?", "Enter")
	// The list's title, not "namespaces": the loading line says that too.
	s.waitFor("NAMESPACES")
	waitAllRead(s)
	return s, a, b, va, vb
}

// waitAllRead waits until the header no longer counts namespaces being
// read: the list is drawn before (names first), its rows filled in after.
func waitAllRead(s *tmuxServer) string {
	return s.waitUntil("every namespace read", 60*time.Second, func(screen string) bool {
		header, _, _ := strings.Cut(screen, "\n")
		return !strings.Contains(header, "·  reading ")
	})
}

// quitUI presses q and checks the exit status and that the terminal is as
// it was before the UI started: echo and canonical mode on.
func quitUI(t *testing.T, s *tmuxServer) {
	t.Helper()
	s.keys("q")
	s.waitFor("EXIT=0")
	s.keys("clear; stty -g | cmp - before.stty && echo same-settings; "+
		"stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e icanon -e -echo -e -icanon | sort | tr '\\n' ' '; echo", "Enter")
	// cmp says "differ" and the list shows -echo or -icanon otherwise.
	s.waitFor("same-settings\necho icanon")
}

// The explorer on a real terminal against real namespaces: filter, open,
// tabs, following a veth to its peer, a change made with ip showing up
// without a key press, and q leaving the terminal as it was.
func TestUIOnTerminal(t *testing.T) {
	// A name that would turn the screen red and ring the bell if written raw.
	hostile := nstest.Name("h") + "\x1b[31m\a"
	nstest.NetnsNamed(t, hostile)
	s, a, b, va, vb := uiPair(t)
	s.waitFor(`\x1b[31m\x07`)

	// Filter by part of the name, then by an address with its prefix
	// length: podman's bridge holds 10.88.0.1/16 on hosts that run it.
	s.keys("/", a[:len(a)-1])
	s.waitFor("/" + a[:len(a)-1])
	s.keys("C-u")
	s.keys("10.88.0.1/24", "Enter")
	screen := s.waitFor("filter: 10.88.0.1/24")
	if !strings.Contains(screen, "▸ "+a) || !strings.Contains(screen, "NAMESPACES  1/") {
		t.Fatalf("filtering by %s's address:\n%s", a, screen)
	}

	// Open it and go through the tabs.
	// The Links tab: its columns give way to the counters as the width
	// asks, KIND with them.
	s.keys("Enter")
	s.waitMatch(regexp.MustCompile(regexp.QuoteMeta(va) + `  (veth +)?UP `))
	s.keys("2")
	s.waitFor("10.88.0.1/24")
	s.keys("3")
	s.waitFor("10.88.0.0/24 dev " + va)
	s.keys("7")
	s.waitFor("[Procs]") // ten tabs take their short names at 120 columns
	s.keys("1")

	// Follow the veth to its peer: b, with vb selected.
	s.keys("j", "Enter")
	screen = s.waitFor("followed to " + b + " " + vb)
	if !strings.Contains(screen, "│ "+b) {
		t.Fatalf("the detail does not show %s:\n%s", b, screen)
	}

	// Someone else sets the link down: the screen follows by itself.
	nstest.IP(t, "-n", b, "link", "set", vb, "down")
	s.waitMatch(regexp.MustCompile(regexp.QuoteMeta(vb) + `  (veth +)?DOWN `))

	quitUI(t, s)
}

// s opens a shell in the selected namespace and comes back to it; x runs a
// command there and shows its output.
func TestUIShellAndExec(t *testing.T) {
	s, a, _, va, _ := uiPair(t)
	s.keys("/", a, "Enter")
	s.waitFor("filter: " + a)
	s.keys("s")
	s.waitFor("[netns " + a + "]")
	s.keys("echo in-$LAZYNS_NETNS; exit", "Enter")
	screen := s.waitFor("back from the shell in " + a)
	if !strings.Contains(screen, "▸ "+a) {
		t.Errorf("not back on %s:\n%s", a, screen)
	}
	s.keys("x")
	s.waitFor("Run in " + a)
	s.keys("ip -br addr show dev "+va+"; exit 4", "Enter")
	screen = s.waitFor(a + "   exit 4")
	if !strings.Contains(screen, "10.88.0.1/24") {
		t.Errorf("output of x:\n%s", screen)
	}
	s.keys("Escape")
	s.waitFor("▸ " + a)
	quitUI(t, s)
}
