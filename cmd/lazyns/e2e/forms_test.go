package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// The bridge tutorial built with keys on a real terminal: two namespaces,
// a bridge in the host, a veth from each namespace to it, 10.0.1.1/24 and
// 10.0.1.2/24, every link and lo up; ping across; the history written as
// a script; everything deleted with keys; the script run with bash; ping
// across again.
func TestFormsBuildTheBridgeTutorial(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "tmux")
	nstest.RequireTool(t, "ping")
	ns1, ns2, br := nstest.Name("a"), nstest.Name("b"), nstest.Name("br")
	v1, v2, e1, e2 := nstest.Name("v"), nstest.Name("v"), nstest.Name("e"), nstest.Name("e")
	t.Cleanup(func() {
		for _, ns := range []string{ns1, ns2} {
			_ = exec.Command("ip", "netns", "del", ns).Run()
		}
		for _, l := range []string{br, v1, v2} {
			_ = exec.Command("ip", "link", "del", l).Run()
		}
	})
	bin := buildBinary(t)
	script := filepath.Join(t.TempDir(), "tutorial.sh")
	// Without colours the cursor row is reverse video, which selectRow
	// looks for.
	tm := newFormsTmux(t, 200, 60, bin+" --no-color")
	tm.waitFor("NAMESPACES")
	waitAllRead(tm.tmuxServer)

	// Two namespaces.
	tm.newNetns(ns1, ns2)
	// A bridge in the host.
	tm.keys("g")
	tm.keys("b")
	tm.waitFor("New bridge in host")
	tm.keys("C-u")
	tm.text(br)
	tm.keys("Enter")
	tm.waitDone("ip link add name " + br + " type bridge")
	// A veth from each namespace to it, with an address at the far end.
	for _, v := range []struct{ name, peer, ns, addr string }{{v1, e1, ns1, "10.0.1.1/24"}, {v2, e2, ns2, "10.0.1.2/24"}} {
		tm.keys("v")
		tm.waitFor("New veth pair")
		tm.keys("C-u")
		tm.text(v.name)
		tm.keys("Tab", "Tab") // namespace: the host, selected
		tm.text(br)
		tm.keys("Tab", "Tab", "C-u")
		tm.text(v.peer)
		tm.keys("Tab")
		tm.choose("peer namespace", v.ns)
		tm.keys("Tab")
		tm.text(v.addr)
		tm.keys("Enter")
		tm.waitDone("ip link add name " + v.name + " type veth peer name " + v.peer)
	}
	// The bridge up.
	tm.keys("Tab")
	tm.selectRow(br)
	tm.keys("u")
	tm.waitDone("ip link set dev " + br + " up")
	tm.keys("Tab")
	pingAcross(t, ns1, "10.0.1.2")

	// The history, as a script.
	tm.keys("H")
	tm.waitFor("HISTORY  6 changes")
	tm.keys("w")
	tm.waitFor("Write the history")
	tm.keys("C-u")
	tm.text(script)
	tm.keys("Enter")
	tm.waitFor("wrote 6 changes to " + script)
	// esc and the next key in one read would be alt+key: wait between.
	tm.keys("Escape")
	tm.waitFor("NAMESPACES")
	waitAllRead(tm.tmuxServer)

	// Everything deleted with keys: each namespace takes its veth along.
	for _, ns := range []string{ns1, ns2} {
		tm.keys("/")
		tm.text(ns)
		tm.keys("Enter", "D")
		tm.waitFor("Delete namespace " + ns + "?")
		tm.keys("y")
		tm.waitDone("ip netns del " + ns)
		tm.keys("Escape")
		tm.waitGone("filter: ")
	}
	tm.keys("g", "Tab")
	tm.selectRow(br)
	tm.keys("d")
	tm.waitFor("Delete " + br + " in host?")
	tm.keys("y")
	tm.waitDone("ip link del dev " + br)
	gone(t, br, v1, v2)

	// The script builds it all again.
	replay(t, script, ns1, ns2)
	pingAcross(t, ns1, "10.0.1.2")
	tm.keys("q")
}

// newNetns makes each namespace with n.
func (s *formsTmux) newNetns(nss ...string) {
	s.t.Helper()
	for _, ns := range nss {
		s.keys("n")
		s.waitFor("New namespace")
		s.keys("C-u")
		s.text(ns)
		s.keys("Enter")
		s.waitDone("ip netns add " + ns)
	}
}

// replay runs a history script with bash, once the namespaces it makes
// are gone.
func replay(t *testing.T, script string, nss ...string) {
	t.Helper()
	out, _ := exec.Command("ip", "netns", "list").Output()
	for _, ns := range nss {
		if strings.Contains(string(out), ns) {
			t.Fatalf("namespace %s is left:\n%s", ns, out)
		}
	}
	if out, err := exec.Command("bash", script).CombinedOutput(); err != nil {
		b, _ := os.ReadFile(script)
		t.Fatalf("bash %s: %v\n%s\nscript:\n%s", script, err, out, b)
	}
}

// pingAcross pings addr from namespace ns, a few tries for the bridge to
// learn the ports.
func pingAcross(t *testing.T, ns, addr string) {
	t.Helper()
	var out []byte
	var err error
	for try := 0; try < 5; try++ {
		out, err = exec.Command("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "1", addr).CombinedOutput()
		if err == nil {
			return
		}
	}
	t.Fatalf("ping %s from %s: %v\n%s", addr, ns, err, out)
}

// gone waits for links to vanish: a deleted namespace takes its veths
// along a moment after ip netns del returns.
func gone(t *testing.T, links ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, l := range links {
		for exec.Command("ip", "link", "show", "dev", l).Run() == nil {
			if time.Now().After(deadline) {
				t.Fatalf("link %s is still there", l)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// formsTmux drives lazyns in a tmux server of the test's own.
type formsTmux struct{ *tmuxServer }

func newFormsTmux(t *testing.T, width, height int, command string) *formsTmux {
	return &formsTmux{newTmux(t, width, height, command)}
}

// text types str literally.
func (s *formsTmux) text(str string) { s.run("send-keys", "-l", str) }

// poll looks at the screen until check says done, failing when it says
// why not or after 15 s.
func (s *formsTmux) poll(what string, check func(line string) (done bool, fail bool)) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := s.screen()
		for _, line := range strings.Split(screen, "\n") {
			done, fail := check(line)
			if fail {
				s.t.Fatalf("%s failed; the screen shows:\n%s", what, screen)
			}
			if done {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("never saw %s; the screen shows:\n%s", what, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLine waits for a line holding every part.
func (s *formsTmux) waitLine(parts ...string) {
	s.t.Helper()
	s.poll(fmt.Sprintf("a line with %q", parts), func(line string) (bool, bool) {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				return false, false
			}
		}
		return true, false
	})
}

// waitGone waits until no line holds text.
func (s *formsTmux) waitGone(text string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for screen := s.screen(); strings.Contains(screen, text); screen = s.screen() {
		if time.Now().After(deadline) {
			s.t.Fatalf("%q never went; the screen shows:\n%s", text, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitDone waits for the status line to say the change starting with cmd
// is done, and fails at once if it says it failed.
func (s *formsTmux) waitDone(cmd string) {
	s.t.Helper()
	s.poll("the end of "+cmd, func(line string) (bool, bool) {
		ours := strings.Contains(line, "$ "+cmd)
		return ours && strings.Contains(line, "✓ done"), ours && strings.Contains(line, "✗")
	})
}

// choose presses → in the focused choice field labelled label until it
// shows ‹want›, one press at a time: each waits for the field to move.
func (s *formsTmux) choose(label, want string) {
	s.t.Helper()
	// Typing in a choice field jumps to the first choice starting with it;
	// the test's names are unique, so typing one picks it among thousands.
	s.text(want)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(s.screen(), "\n") {
			if strings.Contains(line, label) && strings.Contains(line, "‹"+want+"›") {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("%s never offered %s:\n%s", label, want, s.screen())
}

// selectRow moves the detail cursor (the pane must have the focus) to the
// row of link name: the line whose NAME column is name, under the reversed
// cursor line.
func (s *formsTmux) selectRow(name string) {
	s.t.Helper()
	row := regexp.MustCompile(`^\s*\d+\s+` + regexp.QuoteMeta(name) + `\s`)
	reverse := regexp.MustCompile(`\x1b\[(\d+;)*7m`)
	for try := 0; try < 50; try++ {
		target, cursor := -1, -1
		for i, line := range strings.Split(s.run("capture-pane", "-p", "-e"), "\n") {
			_, detail, ok := strings.Cut(line, "│")
			if !ok {
				continue
			}
			if row.MatchString(ansi.Strip(detail)) {
				target = i
			}
			if reverse.MatchString(detail) && !strings.Contains(detail, "Links]") {
				cursor = i
			}
		}
		switch {
		case cursor < 0:
			// Not drawn yet (the focus moves with the last key).
		case target < 0:
			// Below the pane (a host with thousands of links): page on.
			s.keys("NPage")
		case target == cursor:
			return
		case target > cursor:
			s.keys(strings.Split(strings.Repeat("j", target-cursor), "")...)
		default:
			s.keys(strings.Split(strings.Repeat("k", cursor-target), "")...)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("the cursor never reached %s:\n%s", name, s.screen())
}

// With --read-only the change keys say so and nothing reaches the kernel.
func TestFormsReadOnly(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "tmux")
	ns := nstest.Netns(t)
	before := nstest.IP(t, "-n", ns, "-d", "addr")
	tm := newFormsTmux(t, 160, 40, buildBinary(t)+" --no-color --read-only")
	tm.waitFor("READ-ONLY")
	tm.waitFor("NAMESPACES")
	waitAllRead(tm.tmuxServer)
	tm.keys("/")
	tm.text(ns)
	tm.keys("Enter")
	tm.waitFor("filter: " + ns)
	tm.keys("Tab") // the detail pane: its lo is the selected link
	for _, k := range [][2]string{{"n", "new namespace"}, {"D", "delete namespace"}, {"v", "new veth pair"},
		{"b", "new bridge"}, {"r", "add route"}, {"u", "link up/down"}, {"a", "add address"},
		{"N", "move link"}, {"d", "delete"}, {"m", "attach to bridge"}, {"F", "forwarding on/off"}, {"R", "add policy rule"}, {"S", "masquerade a subnet"}} {
		tm.keys(k[0])
		tm.waitLine(" " + k[1] + ": lazyns runs read-only")
	}
	if screen := tm.screen(); strings.Contains(screen, "enter confirm") || strings.Contains(screen, "y/enter yes") {
		t.Fatalf("a form opened:\n%s", screen)
	}
	if after := nstest.IP(t, "-n", ns, "-d", "addr"); after != before {
		t.Fatalf("%s changed:\n%s\nwas:\n%s", ns, after, before)
	}
	if out, _ := exec.Command("ip", "netns", "list").Output(); !strings.Contains(string(out), ns) {
		t.Fatalf("%s is gone:\n%s", ns, out)
	}
	tm.keys("q")
}
