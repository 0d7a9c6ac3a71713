package e2e

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// liveNs is one namespace of a liveLab.
type liveNs struct {
	t     *testing.T
	shown string // how the UI names it
	name  string // its name in the lab's netns directory; empty for the unnamed one
	path  string // a file that opens it
	probe string // a veth inside it, its peer inside too, that the test sets down and up
	up    bool
}

// liveLab is a few namespaces of the test's own, as issue 14 had them:
// named ones (one called like a qdhcp namespace) wired by veths, and an
// unnamed one held by sleep. They are named in a netns directory of the
// test's own, which the UI is given: so it is not woken by other programs
// adding names under /run/netns, and what the screen shows of these
// namespaces comes from following them.
type liveLab struct {
	t      *testing.T
	dir    string // the netns directory
	run    string // a text every name of this run holds
	spaces []*liveNs
}

func newLiveLab(t *testing.T) *liveLab {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "tmux")
	nstest.RequireTool(t, "unshare")
	nstest.RequireTool(t, "nsenter")
	l := &liveLab{t: t, dir: t.TempDir(), run: nstest.Name("")[:8]}
	// A private mount of itself: a namespace bound onto a file under a
	// shared mount would be bound into every copy of it.
	nstest.Sh(t, "mount --bind "+l.dir+" "+l.dir+" && mount --make-private "+l.dir)
	t.Cleanup(func() { _ = exec.Command("umount", "-l", l.dir).Run() })
	for _, name := range []string{"qdhcp-" + nstest.Name(""), nstest.Name("ns"), nstest.Name("ns")} {
		l.spaces = append(l.spaces, l.named(name))
	}
	holder := exec.Command("unshare", "-n", "sleep", "600")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = holder.Process.Kill(); _ = holder.Wait() })
	pid := strconv.Itoa(holder.Process.Pid)
	self, _ := os.Readlink("/proc/self/ns/net")
	for i := 0; ; i++ {
		if l, err := os.Readlink("/proc/" + pid + "/ns/net"); err == nil && l != self {
			break
		}
		if i == 100 {
			t.Fatalf("sleep %s never entered its own namespace", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	l.spaces = append(l.spaces, &liveNs{t: t, shown: "pid " + pid + " (sleep)", path: "/proc/" + pid + "/ns/net"})
	// Wiring to follow: q–r1, r1–r2, r2–the unnamed one.
	for i := 0; i+1 < len(l.spaces); i++ {
		l.spaces[i].ip("link", "add", nstest.Name("w"), "type", "veth", "peer", "name", nstest.Name("w"), "netns", l.spaces[i+1].path)
	}
	for _, ns := range l.spaces {
		ns.probe = nstest.Name("p")
		peer := nstest.Name("p")
		ns.ip("link", "add", ns.probe, "type", "veth", "peer", "name", peer)
		ns.ip("link", "set", peer, "up")
		ns.ip("link", "set", ns.probe, "up")
		ns.up = true
	}
	return l
}

// named makes a namespace called name in the lab's netns directory.
func (l *liveLab) named(name string) *liveNs {
	path := filepath.Join(l.dir, name)
	nstest.Sh(l.t, "touch "+path+" && unshare --net="+path+" true")
	l.t.Cleanup(func() { _ = exec.Command("umount", "-l", path).Run() })
	return &liveNs{t: l.t, shown: name, name: name, path: path}
}

// ip runs ip inside the namespace.
func (ns *liveNs) ip(args ...string) {
	ns.t.Helper()
	cmd := append([]string{"--net=" + ns.path, "ip"}, args...)
	if out, err := exec.Command("nsenter", cmd...).CombinedOutput(); err != nil {
		ns.t.Fatalf("nsenter %s: %v\n%s", strings.Join(cmd, " "), err, out)
	}
}

// startUI runs the built binary in tmux at 120×40 on the lab.
func (l *liveLab) startUI() *tmuxServer {
	bin := buildBinary(l.t)
	s := newTmux(l.t, 120, 40, "env SHELL=/bin/sh PS1='outer$ ' LAZYNS_NETNS= /bin/sh")
	s.waitFor("outer$")
	s.keys("stty -g > before.stty; "+bin+" --netns-dir "+l.dir+"; echo EXIT=$?", "Enter")
	s.waitFor("NAMESPACES")
	waitAllRead(s)
	// Named ones come first in the list, after the host.
	s.waitFor(l.spaces[0].shown)
	return s
}

func (l *liveLab) byShown(name string) *liveNs {
	for _, ns := range l.spaces {
		if ns.shown == name {
			return ns
		}
	}
	return nil
}

// liveKeys generates a sequence of steps, each the keys of one thing a
// user does, ending on the main screen with the filter closed: filter
// (kept or cleared), clear, moves, focus, tabs, follow a veth, topology
// and back, help and back.
func (l *liveLab) liveKeys(rng *rand.Rand) [][]string {
	texts := []string{"sleep", "qdhcp", l.run, "10.", "nothing-" + l.run}
	for _, ns := range l.spaces {
		if ns.name != "" {
			texts = append(texts, ns.name, ns.name[:len(ns.name)-1])
		}
	}
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	repeat := func(k string) []string {
		out := make([]string, 1+rng.IntN(4))
		for i := range out {
			out[i] = k
		}
		return out
	}
	var steps [][]string
	for range 4 + rng.IntN(7) {
		var step []string
		switch rng.IntN(9) {
		case 0:
			step = []string{"/", pick(texts...), "Enter"}
		case 1:
			step = []string{"/", pick(texts...), "Escape"}
		case 2:
			step = []string{"Escape"}
		case 3:
			step = repeat(pick("j", "k", "g", "G", "PageDown", "PageUp", "Down", "Up"))
		case 4:
			step = []string{pick("Tab", "BTab")}
		case 5:
			step = []string{pick("]", "[", "1", "2", "3", "5", "7")}
		case 6:
			step = append(append([]string{"1", "Enter"}, repeat("j")...), "Enter")
		case 7:
			step = append(append([]string{"t"}, repeat("j")...), pick("Escape", "Enter"), "Escape")
		default:
			step = []string{"?", pick("?", "Escape")}
		}
		steps = append(steps, step)
	}
	return steps
}

// pause is the time between two things a user does: at least long enough
// that an escape and the next key are not read as one alt+key.
func pause(rng *rand.Rand) {
	time.Sleep(time.Duration(80+rng.IntN(150)) * time.Millisecond)
}

// typeStep types keys as fast as tmux sends them, but pauses after each
// escape (a key after an escape would be alt+key) and at the end.
func typeStep(s *tmuxServer, keys []string, rng *rand.Rand) {
	for len(keys) > 0 {
		n := 1 + slices.Index(keys, "Escape")
		if n == 0 {
			n = len(keys)
		}
		s.keys(keys[:n]...)
		pause(rng)
		if keys[n-1] == "Escape" {
			// On a loaded machine the UI may read an escape and the
			// next key together, as alt+key.
			time.Sleep(200 * time.Millisecond)
		}
		keys = keys[n:]
	}
}

// linkState is a row of the Links tab: (index), name, then (kind and)
// state; index and kind give way to the counters as the width asks.
var linkState = regexp.MustCompile(`│ *(?:\d+ +)?(\S+) +(?:veth +)?(UP|DOWN|NO-CARRIER) `)

// toggle sets the probe of ns down (or up again) and returns how long
// until the screen showed it, or fails after a second.
func (l *liveLab) toggle(s *tmuxServer, ns *liveNs, what string) time.Duration {
	l.t.Helper()
	want := "DOWN"
	if ns.up {
		ns.ip("link", "set", ns.probe, "down")
	} else {
		ns.ip("link", "set", ns.probe, "up")
		want = "UP"
	}
	ns.up = !ns.up
	start := time.Now()
	for {
		screen := s.screen()
		for _, m := range linkState.FindAllStringSubmatch(screen, -1) {
			if m[1] == ns.probe && m[2] == want {
				return time.Since(start)
			}
		}
		if time.Since(start) > time.Second {
			l.t.Fatalf("%s: %s set %s in %s is not shown after a second:\n%s", what, ns.probe, want, ns.shown, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// After generated sequences of keys, a change made with ip in the
// namespace on screen shows within a second, without a key press. Issue
// 14: after `/ sleep`, esc, `/ qdhcp-…`, enter it never showed.
func TestUIFollowsAfterKeys(t *testing.T) {
	l := newLiveLab(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("LAZYNS_UI_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("LAZYNS_UI_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 14))
	s := l.startUI()

	// The issue's own keys first.
	sequences := [][][]string{{{"/", "sleep"}, {"Escape"}, {"/", l.spaces[0].name}, {"Enter"}}}
	for range 5 {
		sequences = append(sequences, l.liveKeys(rng))
	}
	for i, steps := range sequences {
		var typed []string
		for _, step := range steps {
			typeStep(s, step, rng)
			typed = append(typed, strings.Join(step, " "))
		}
		what := "keys " + strings.Join(typed, " · ")
		// Ask for the Links tab and wait until it is drawn; then the
		// namespace on screen is the one to change.
		s.keys("1")
		screen := s.screen()
		for start := time.Now(); !strings.Contains(screen, "[Links]"); screen = s.screen() {
			switch waited := time.Since(start); {
			case waited > 5*time.Second:
				t.Fatalf("sequence %d: %s does not end on the main screen:\n%s", i, what, screen)
			case waited > time.Second && strings.Contains(screen, "TOPOLOGY"):
				// An escape taken with the key before it as alt+key,
				// on a loaded machine: leave the pane and go on.
				typeStep(s, []string{"Escape", "1"}, rng)
				what += " · Escape 1"
				start = time.Now()
			}
			time.Sleep(20 * time.Millisecond)
		}
		ns := l.byShown(detailName(screen))
		if ns == nil {
			// Another program's namespace, or none: go to one of ours,
			// which is itself a filter, clear and select.
			ns = l.spaces[rng.IntN(len(l.spaces))]
			// Its probe's name: unlike "sleep", no other program's
			// namespace has it.
			typeStep(s, []string{"Escape", "/", ns.probe, "Enter"}, rng)
			what += " · Escape / " + ns.probe + " Enter"
			for start := time.Now(); detailName(s.screen()) != ns.shown; time.Sleep(20 * time.Millisecond) {
				if time.Since(start) > 5*time.Second {
					t.Fatalf("sequence %d: %s does not select %s:\n%s", i, what, ns.shown, s.screen())
				}
			}
		}
		took := l.toggle(s, ns, "sequence "+strconv.Itoa(i)+", "+what)
		took2 := l.toggle(s, ns, "sequence "+strconv.Itoa(i)+" again, "+what)
		t.Logf("sequence %d on %s: shown after %v and %v (%s)", i, ns.shown, took.Round(time.Millisecond), took2.Round(time.Millisecond), what)
	}
	quitUI(t, s)
}

// rowNote is what the list shows right of the name of ns: "N ifs" or
// its marks ("empty").
func rowNote(screen string, ns *liveNs) (string, bool) {
	for _, line := range strings.Split(screen, "\n") {
		left, _, _ := strings.Cut(line, "│")
		_, after, found := strings.Cut(left, " "+ns.shown+" ")
		if found {
			return strings.TrimSpace(after), true
		}
	}
	return "", false
}

// ifs is "N ifs" with n more interfaces than note says.
func ifs(t *testing.T, note string, more int) string {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSuffix(note, " ifs"))
	if err != nil {
		t.Fatalf("the row says %q, not a number of interfaces", note)
	}
	return strconv.Itoa(n+more) + " ifs"
}

// waitRow waits until the row of ns says want, for at most three seconds,
// and returns how long that took.
func waitRow(t *testing.T, s *tmuxServer, ns *liveNs, want, what string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		screen := s.screen()
		if note, _ := rowNote(screen, ns); note == want {
			return time.Since(start)
		}
		if time.Since(start) > 3*time.Second {
			t.Fatalf("%s: the row of %s does not say %q after 3 s:\n%s", what, ns.shown, want, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Every row of the list is right within 3 s of a change in its namespace,
// selected or not, on screen or scrolled in later. Issue 14: a row said
// "2 ifs" for seconds after a script added a veth to its namespace.
func TestUIRowsFollowKernel(t *testing.T) {
	l := newLiveLab(t)
	empty := l.named(nstest.Name("zz")) // last of the named rows, not selected
	s := l.startUI()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 14))
	// Only this test's namespaces: their names or their links hold run.
	s.keys("/", l.run, "Enter")
	screen := s.waitFor("filter: " + l.run)
	selected := detailName(screen)
	if note, _ := rowNote(screen, empty); note != "empty" {
		t.Fatalf("the row of %s says %q, not empty:\n%s", empty.shown, note, screen)
	}
	for _, ns := range append([]*liveNs{empty}, l.spaces[:3]...) {
		if ns.shown == selected {
			continue
		}
		note, ok := rowNote(screen, ns)
		if !ok {
			t.Fatalf("no row for %s:\n%s", ns.shown, screen)
		}
		want := "3 ifs" // lo and the two ends
		if ns != empty {
			want = ifs(t, note, 2)
		}
		ns.ip("link", "add", nstest.Name("n"), "type", "veth", "peer", "name", nstest.Name("n"))
		took := waitRow(t, s, ns, want, "a veth added")
		t.Logf("%s, not selected: a veth added shows in its row after %v (%s to %s)", ns.shown, took.Round(time.Millisecond), note, want)
		screen = s.screen()
	}

	// A namespace off the screen changes; when it comes back on screen,
	// its row is right.
	hidden := l.spaces[2]
	if hidden.shown == selected {
		hidden = l.spaces[1]
	}
	before, _ := rowNote(screen, hidden)
	typeStep(s, []string{"Escape", "/", l.spaces[0].name, "Enter"}, rng)
	s.waitFor("filter: " + l.spaces[0].name)
	gone := nstest.Name("g")
	hidden.ip("link", "add", gone, "type", "veth", "peer", "name", nstest.Name("g"))
	time.Sleep(500 * time.Millisecond)
	typeStep(s, []string{"Escape", "/", l.run, "Enter"}, rng)
	took := waitRow(t, s, hidden, ifs(t, before, 2), "a veth added while the row was off the screen")
	t.Logf("%s: a veth added off the screen shows after %v back on it", hidden.shown, took.Round(time.Millisecond))
	hidden.ip("link", "del", gone)
	took = waitRow(t, s, hidden, before, "a veth deleted")
	t.Logf("%s: a veth deleted shows after %v", hidden.shown, took.Round(time.Millisecond))
	quitUI(t, s)
}
