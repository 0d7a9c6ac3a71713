package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestScale is `make bench`: it builds a scale fixture with lazyns's own
// openstack lab, measures every row of the operator-scale targets against
// its baseline where there is one (the `ip` loop an operator scripts
// today, ip netns list, reading everything again), in the same run, and
// prints a table of medians, ratios and verdicts. It asserts nothing about
// time (the machine may be busy): the table is the result. Opt-in
// (LAZYNS_BENCH=1), as it takes minutes.
//
// BENCH_N is the number of namespaces read (default 1000: BENCH_N/2
// routers, each with its DHCP namespace); BENCH_LAB_ROUTERS the size of the
// timed lab up and down (default 1000 routers, as in the target). Above
// 1000 (make bench N=10000), the read is measured first at 100, 200 and
// 1000 namespaces too, each on its own fixture, for the cost per
// namespace as the host grows, and the targets are those of 10,000
// namespaces scaled to N (issue 18's first table).
func TestScale(t *testing.T) {
	bench := newScaleBench(t)
	n := envInt("BENCH_N", 1000)
	routers := envInt("BENCH_LAB_ROUTERS", 1000)

	var reads []readResult
	for _, size := range []int{100, 200, 1000} {
		if size >= n {
			break
		}
		fx := bench.fixture(size)
		r := bench.measureRead(fx, 3, 1)
		reads = append(reads, r)
		bench.rows = append(bench.rows, r.row(size),
			memRow(fmt.Sprintf("peak RSS, show --json, %d namespaces", r.namespaces), r.rssKB, max(60, 0.015*float64(size))))
		bench.sizeRows(fx, false)
		bench.labDown()
	}

	fx := bench.fixture(n)
	read := bench.measureRead(fx, 5, 3)
	reads = append(reads, read)
	bench.rows = append(bench.rows,
		read.row(n),
		memRow("peak RSS, show --json", read.rssKB, max(60, 0.015*float64(n))),
		bench.measureList(max(100*time.Millisecond, time.Duration(n)*50*time.Microsecond)),
	)
	bench.rows = append(bench.rows, bench.measureSetChange()...)
	bench.rows = append(bench.rows, bench.measureUI()...)
	bench.rows = append(bench.rows, bench.measureKeys()...)
	bench.sizeRows(fx, true)
	bench.rows = append(bench.rows, bench.measureLive(fx))
	bench.labDown()
	bench.rows = append(bench.rows, bench.measureDiscovery(2000))
	bench.rows = append(bench.rows, bench.measureCapture()...)

	// Last: the kernel takes seconds to tear down thousands of
	// namespaces after lab down, and would slow whatever came next.
	lab := bench.timeLab(routers)
	bench.rows = append(bench.rows, lab.rows(routers)...)
	bench.print()
	printPerNamespace(t, reads)
}

// sizeHooks measure rows of their own on each fixture of a run, with it
// up: the UI's bench files add theirs in an init (the first frame at 200
// namespaces against N, Update+View on the real snapshot, idle CPU), so
// that those rows come from the same run as the rest. last says the
// fixture is the run's N; the others are the smaller sizes measured
// before it (100, 200, 1000 when N is larger).
var sizeHooks []func(b *scaleBench, fx fixture, last bool) []benchRow

func (b *scaleBench) sizeRows(fx fixture, last bool) {
	for _, hook := range sizeHooks {
		b.rows = append(b.rows, hook(b, fx, last)...)
	}
}

// TestScaleSizes is `make bench-scale`: the read, list and set change
// rows at 100, 500 and 1000 namespaces (or BENCH_SIZES), with the cost
// per namespace of each side, to show lazyns's cost per namespace stays
// flat as the host grows.
func TestScaleSizes(t *testing.T) {
	bench := newScaleBench(t)
	sizes := []int{100, 500, 1000}
	if s := os.Getenv("BENCH_SIZES"); s != "" {
		sizes = parseSizes(t, s)
	}
	var reads []readResult
	for _, n := range sizes {
		fx := bench.fixture(n)
		r := bench.measureRead(fx, 5, 3)
		reads = append(reads, r)
		bench.rows = append(bench.rows,
			r.row(n),
			memRow(fmt.Sprintf("peak RSS, show --json, %d namespaces", r.namespaces), r.rssKB, max(60, 0.015*float64(n))),
			bench.measureList(max(100*time.Millisecond, time.Duration(n)*50*time.Microsecond)))
		bench.rows = append(bench.rows, bench.measureSetChange()...)
		bench.labDown()
	}
	bench.print()
	printPerNamespace(t, reads)
}

// TestScaleLab is `make bench-lab`: lab up and down of the openstack lab
// at BENCH_LAB_ROUTERS routers (default 1000) against ip -batch building
// and deleting the same topology.
func TestScaleLab(t *testing.T) {
	bench := newScaleBench(t)
	routers := envInt("BENCH_LAB_ROUTERS", 1000)
	bench.rows = append(bench.rows, bench.timeLab(routers).rows(routers)...)
	bench.print()
}

// scaleBench is one run: the binary, the lab it builds, the rows so far.
type scaleBench struct {
	t         *testing.T
	bin       string
	labDir    string
	prefix    string
	rows      []benchRow
	started   time.Time
	startLoad string
	hostNote  string
}

// benchLabDir is where the bench's labs are recorded; fixed, so that
// `make bench` can take a lab down after a run that was killed.
// BENCH_DIR puts both elsewhere (make bench passes it), so that two
// benchmarks on one machine keep out of each other's way.
var benchLabDir = benchDir("/run/lazyns/bench-labs", "labs")

// benchNetnsDir holds the bench's named namespaces: on a shared machine
// other programs add and delete namespaces under /run/netns all the time,
// and a UI watching that directory would rightly read again each time,
// so the idle row would measure them. Every lazyns the bench runs is
// given --netns-dir benchNetnsDir; other namespaces are still read (found
// through their mounts), just not watched.
var benchNetnsDir = benchDir("/run/lazyns/bench-netns", "netns")

func benchDir(def, sub string) string {
	if d := os.Getenv("BENCH_DIR"); d != "" {
		return filepath.Join(d, sub)
	}
	return def
}

func newScaleBench(t *testing.T) *scaleBench {
	if os.Getenv("LAZYNS_BENCH") == "" {
		t.Skip("a benchmark: run with make bench (LAZYNS_BENCH=1)")
	}
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "tmux")
	b := &scaleBench{t: t, bin: buildBinary(t), labDir: benchLabDir, prefix: "lzbench", started: time.Now(), startLoad: loadAverage()}
	// A run that was killed left its lab: take it down first.
	if nsops.LabIsUp(b.labDir, "openstack") {
		b.labDown()
	}
	t.Cleanup(b.labDown)
	return b
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func parseSizes(t *testing.T, s string) []int {
	var out []int
	for _, f := range splitComma(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 2 {
			t.Fatalf("BENCH_SIZES: %q is not a number of namespaces (2 or more)", f)
		}
		out = append(out, n)
	}
	return out
}
