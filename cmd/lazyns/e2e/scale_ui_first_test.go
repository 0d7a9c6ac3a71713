package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestScaleUIFirstFrame is issue 18's row for names first: the time from
// starting the UI to the list on screen, at 200 namespaces and at
// BENCH_UI_N (default 2000) in one run, the larger within 1.5× of the
// smaller — the first frame no longer grows with the host — and, at the
// larger, how long until every namespace is read and the UI's peak RSS.
// Opt-in (LAZYNS_BENCH=1), as it builds two fixtures.
func TestScaleUIFirstFrame(t *testing.T) {
	bench := newUIBench(t)
	big := envInt("BENCH_UI_N", 2000)
	small := bench.firstFrame(200)
	bench.uiLabDown()
	large := bench.firstFrame(big)
	bench.uiLabDown()
	limit := time.Duration(1.5 * float64(small.list))
	bench.rows = append(bench.rows,
		infoRow(fmt.Sprintf("UI start to the list, %d namespaces", small.namespaces), small.list, "(the reference)"),
		timeRow(fmt.Sprintf("UI start to the list, %d namespaces", large.namespaces), large.list, limit),
		infoRow(fmt.Sprintf("UI start to every namespace read, %d namespaces", small.namespaces), small.read, "(information)"),
		infoRow(fmt.Sprintf("UI start to every namespace read, %d namespaces", large.namespaces), large.read, "(information)"),
		memRow(fmt.Sprintf("peak RSS, UI, %d namespaces", large.namespaces), large.rssKB, 150),
	)
	bench.hostNote += "The UI rows ran lazyns in tmux at 120×40, three times each; medians.\n"
	bench.print()
}

// The UI bench's lab has its own directories and prefix, so that it can
// run beside make bench on a shared machine without either taking the
// other's lab down or counting its namespaces as its own.
const (
	uiBenchLabDir   = "/run/lazyns/bench-ui-labs"
	uiBenchNetnsDir = "/run/lazyns/bench-ui-netns"
)

func newUIBench(t *testing.T) *scaleBench {
	if os.Getenv("LAZYNS_BENCH") == "" {
		t.Skip("a benchmark: run with LAZYNS_BENCH=1")
	}
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "tmux")
	b := &scaleBench{t: t, bin: buildBinary(t), labDir: uiBenchLabDir, prefix: "lzbui", started: time.Now(), startLoad: loadAverage()}
	b.uiLabDown() // a run that was killed left its lab
	t.Cleanup(b.uiLabDown)
	return b
}

// uiLab runs lazyns lab … on the UI bench's directories.
func (b *scaleBench) uiLab(args ...string) {
	b.t.Helper()
	args = append([]string{"--netns-dir", uiBenchNetnsDir, "lab"}, append(args, "--state-dir", uiBenchLabDir)...)
	if out, err := exec.Command(b.bin, args...).CombinedOutput(); err != nil {
		b.t.Errorf("lazyns %v: %v\n%s", args, err, out)
	}
}

func (b *scaleBench) uiLabDown() {
	if nsops.LabIsUp(uiBenchLabDir, "openstack") {
		b.uiLab("down", "openstack")
		time.Sleep(3 * time.Second) // the kernel tears namespaces down after
	}
}

// firstFrameResult is the UI's start on a host of namespaces namespaces.
type firstFrameResult struct {
	namespaces int
	list, read time.Duration
	rssKB      int64
}

// listShown is the header once the namespaces are found and listed.
var listShown = regexp.MustCompile(`([0-9]+) namespaces?\b`)

// firstFrame brings up a fixture of n namespaces and opens the UI on it
// three times: the time until the header counts the namespaces (the list
// is drawn with it), until it no longer says it is reading, and the peak
// RSS of the last run.
func (b *scaleBench) firstFrame(n int) firstFrameResult {
	t := b.t
	t.Helper()
	b.uiLab("up", "openstack", "--routers", strconv.Itoa(max(1, n/2)), "--prefix", b.prefix)
	if t.Failed() {
		t.FailNow()
	}
	time.Sleep(5 * time.Second) // new links settle (IPv6 DAD, solicitations)
	cmd := "exec " + b.bin + " --netns-dir " + uiBenchNetnsDir
	var lists, reads []time.Duration
	var res firstFrameResult
	for i := 0; i < 3; i++ {
		s, start := openUI(t, cmd)
		screen := ""
		for !listShown.MatchString(screen) {
			if time.Since(start) > 60*time.Second {
				t.Fatalf("the UI never listed the namespaces; the screen shows:\n%s", screen)
			}
			time.Sleep(5 * time.Millisecond)
			screen = s.screen()
		}
		lists = append(lists, time.Since(start))
		res.namespaces, _ = strconv.Atoi(listShown.FindStringSubmatch(screen)[1])
		for strings.Contains(strings.SplitN(screen, "\n", 2)[0], "reading") {
			if time.Since(start) > 120*time.Second {
				t.Fatalf("the UI never read every namespace; the screen shows:\n%s", screen)
			}
			time.Sleep(20 * time.Millisecond)
			screen = s.screen()
		}
		reads = append(reads, time.Since(start))
		if i == 2 {
			pid, err := strconv.Atoi(strings.TrimSpace(s.run("display-message", "-p", "#{pane_pid}")))
			if err != nil {
				t.Fatal(err)
			}
			res.rssKB = vmHWM(t, pid)
		}
		closeUI(s)
	}
	res.list, res.read = median(lists), median(reads)
	return res
}
