package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// countShown is the header once a snapshot is on screen ("1003
// namespaces"); while reading it says "reading namespaces…".
var countShown = regexp.MustCompile(`[0-9]+ namespaces?\b`)

// TestScaleUIHelper is the UI as the binary opens it (tui.New over
// host.NewSource, run by Bubble Tea on the terminal) inside the test
// binary, so that it can profile itself idle: run it in a terminal on a
// fixture with
// LAZYNS_BENCH_UI=1 LAZYNS_BENCH_UI_PROFILE=cpu.prof (see docs/benchmarks.md).
func TestScaleUIHelper(t *testing.T) {
	if os.Getenv("LAZYNS_BENCH_UI") == "" {
		t.Skip("a UI for profiling, run by hand in a terminal (LAZYNS_BENCH_UI=1)")
	}
	sys, err := nsops.New(benchNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	src := host.NewSource(sys)
	m := tui.New(tui.Deps{Source: src, Tracer: host.NewTracer(sys)}, tui.Options{Theme: "dark", NetnsDir: benchNetnsDir})
	defer m.Close()
	if path := os.Getenv("LAZYNS_BENCH_UI_PROFILE"); path != "" {
		go profileIdle(t, path)
	}
	if _, err := tea.NewProgram(m).Run(); err != nil {
		t.Fatal(err)
	}
}

// profileIdle writes a CPU profile of the UI from 5 s after it started
// for 20 s: what an idle UI spends its CPU on, without the start.
func profileIdle(t *testing.T, path string) {
	time.Sleep(5 * time.Second)
	f, err := os.Create(path)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Error(err)
		return
	}
	time.Sleep(20 * time.Second)
	pprof.StopCPUProfile()
}

// measureUI opens the UI in tmux three times on the fixture's host: the
// time until the header shows the namespace count (the first complete
// frame), then, on the last run, its CPU over 10 idle seconds and its
// peak RSS.
func (b *scaleBench) measureUI() []benchRow {
	t := b.t
	t.Helper()
	cmd := "exec " + b.bin + " --netns-dir " + benchNetnsDir
	var starts []time.Duration
	var cpu, byTraffic float64
	var hwm int64
	var churn changeCount
	for i := 0; i < 3; i++ {
		s, start := openUI(t, cmd)
		for !countShown.MatchString(s.screen()) {
			if time.Since(start) > 30*time.Second {
				t.Fatalf("the UI never showed the namespace count; the screen shows:\n%s", s.screen())
			}
			time.Sleep(5 * time.Millisecond)
		}
		starts = append(starts, time.Since(start))
		if i == 2 {
			pid, err := strconv.Atoi(strings.TrimSpace(s.run("display-message", "-p", "#{pane_pid}")))
			if err != nil {
				t.Fatal(err)
			}
			// Idle on one of the fixture's routers: the host, selected
			// first, changes whenever another program adds a link.
			s.keys("/", "qrouter-", "Enter", "Escape")
			selected := s.waitFor("▸ qrouter-")
			counted := countChanges(t, detailName(selected), 12*time.Second)
			cpu = idleCPU(t, pid, 10*time.Second)
			churn = <-counted
			// The list by traffic: every namespace's counters are read
			// every few seconds while it is so ordered.
			s.keys("o")
			waitTrafficOrder(t, s)
			byTraffic, hwm = idleCPU(t, pid, 10*time.Second), vmHWM(t, pid)
		}
		closeUI(s)
	}
	b.hostNote += "The UI rows ran lazyns in tmux at 120×40.\n"
	return []benchRow{
		timeRow("UI start to first complete frame", median(starts), 400*time.Millisecond),
		cpuRow(fmt.Sprintf("UI idle CPU over 10 s (live; meanwhile %s)", churn), cpu, 1),
		cpuRow("UI idle CPU over 10 s, the list ordered by traffic (o)", byTraffic, 10),
		memRow("peak RSS, UI", hwm, 60),
	}
}

// openUI runs cmd (the UI) from a shell in a new tmux server at
// 120×40, and says when it was started.
func openUI(t *testing.T, cmd string) (*tmuxServer, time.Time) {
	t.Helper()
	s := newTmux(t, 120, 40, "env PS1='ready$ ' /bin/sh")
	s.waitFor("ready$")
	start := time.Now()
	s.keys(cmd, "Enter")
	return s, start
}

// closeUI quits the UI opened by openUI. q ends it, and it was the
// pane's only process: the server goes with it, or is ended here if it
// lingers.
func closeUI(s *tmuxServer) {
	s.keys("q")
	_ = exec.Command("tmux", "-L", s.socket, "kill-server").Run()
}

// waitTrafficOrder waits until the list is in traffic order with rates
// known: the header says "by traffic" and no longer "reading…".
func waitTrafficOrder(t *testing.T, s *tmuxServer) {
	t.Helper()
	s.waitUntil("by traffic, read", 30*time.Second, func(screen string) bool {
		return strings.Contains(screen, "by traffic") && !strings.Contains(screen, "by traffic (reading")
	})
}

// changeCount is what a watcher saw during the idle window: on a shared
// machine other processes add and remove namespaces, which the UI rightly
// reads again, so "idle" must say how idle the host was.
type changeCount struct{ namespaces, focused int }

func (c changeCount) String() string {
	return fmt.Sprintf("%d changes of the namespace set, %d in the namespace on screen", c.namespaces, c.focused)
}

// detailName is the namespace the detail pane shows, from the first line
// under the header.
func detailName(screen string) string {
	lines := strings.Split(screen, "\n")
	if len(lines) < 2 {
		return ""
	}
	_, name, _ := strings.Cut(lines[1], "│")
	return strings.TrimSpace(name)
}

// countChanges counts, over d, the changes a watcher focused on the
// namespace called name (as the UI is) reports.
func countChanges(t *testing.T, name string, d time.Duration) <-chan changeCount {
	t.Helper()
	sys, err := nsops.New(benchNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	w, err := sys.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	var focus *model.Namespace
	for i := range snap.Namespaces {
		if snap.Namespaces[i].Name == name {
			focus = &snap.Namespaces[i]
		}
	}
	if focus == nil {
		t.Fatalf("the UI shows %q, which is not a namespace under %s", name, benchNetnsDir)
	}
	w.Focus(focus)
	out := make(chan changeCount, 1)
	go func() {
		defer sys.Close()
		defer cancel()
		var n changeCount
		for c := range w.Changes() {
			if c.Namespaces {
				n.namespaces++
			}
			if c.Ns == focus.Key {
				n.focused++
			}
		}
		_ = w.Close()
		out <- n
	}()
	return out
}

// idleCPU is the share of one CPU pid used over d, after it had 2 s to
// settle, from utime+stime in /proc/PID/stat.
func idleCPU(t *testing.T, pid int, d time.Duration) float64 {
	t.Helper()
	time.Sleep(2 * time.Second)
	before := cpuTicks(t, pid)
	time.Sleep(d)
	after := cpuTicks(t, pid)
	const ticksPerSecond = 100 // USER_HZ, fixed on Linux
	return float64(after-before) / ticksPerSecond / d.Seconds() * 100
}

func cpuTicks(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name, which is in parentheses and may
	// contain anything: utime and stime are the 14th and 15th fields.
	rest := string(data[strings.LastIndexByte(string(data), ')')+2:])
	f := strings.Fields(rest)
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

// vmHWM is the peak resident set of pid in KiB.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// hasCount reports whether a frame shows the namespace count.
func hasCount(v tea.View) bool {
	return countShown.MatchString(model.Visible(v.Content))
}
