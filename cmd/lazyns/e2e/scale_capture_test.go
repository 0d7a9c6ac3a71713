package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetring"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestScaleCapture is `make bench-capture`: the capture rows of make
// bench alone.
func TestScaleCapture(t *testing.T) {
	bench := newScaleBench(t)
	bench.rows = append(bench.rows, bench.measureCapture()...)
	bench.print()
}

// captureTally is what one capturer said and used in a run.
type captureTally struct {
	captured, dropped uint64
	ticks             int64 // utime+stime during the flood, in clock ticks
}

// measureCapture runs lazyns capture -w /dev/null and tcpdump -w
// /dev/null on the same veth at the same time, under a UDP flood of small
// packets between two namespaces of the bench's own (iperf3), for
// BENCH_CAPTURE_ROUNDS rounds of BENCH_CAPTURE_SECONDS, and compares what
// each captured, what the kernel dropped for each, and the CPU each used
// during the floods (startup left out: lazyns's is a read of the host).
// Then the peak RSS of a capture feeding a pane's ring a million packets.
func (b *scaleBench) measureCapture() []benchRow {
	t := b.t
	nstest.RequireTool(t, "iperf3")
	nstest.RequireTool(t, "tcpdump")
	rounds, secs := envInt("BENCH_CAPTURE_ROUNDS", 3), envInt("BENCH_CAPTURE_SECONDS", 10)
	p := nstest.NewVethPair(t)
	var ours, theirs captureTally
	for range rounds {
		o, th := b.captureRound(p, secs)
		ours.captured += o.captured
		ours.dropped += o.dropped
		ours.ticks += o.ticks
		theirs.captured += th.captured
		theirs.dropped += th.dropped
		theirs.ticks += th.ticks
	}
	what := fmt.Sprintf("capture -w /dev/null beside tcpdump -w /dev/null (the baseline), one veth, UDP flood %d×%d s", rounds, secs)
	tick := func(n int64) string { return fmt.Sprintf("%.2f s", float64(n)/100) }
	cpuRatio := float64(ours.ticks) / float64(max(theirs.ticks, 1))
	rss := b.ringRSS(p)
	return []benchRow{
		{what: what + ": packets captured", measured: strconv.FormatUint(ours.captured, 10), baseline: strconv.FormatUint(theirs.captured, 10),
			ratio: fmt.Sprintf("%.3f", float64(ours.captured)/float64(max(theirs.captured, 1))), target: "≥ tcpdump", verdict: verdict(ours.captured >= theirs.captured)},
		{what: what + ": dropped by the kernel", measured: strconv.FormatUint(ours.dropped, 10), baseline: strconv.FormatUint(theirs.dropped, 10),
			target: "≤ tcpdump", verdict: verdict(ours.dropped <= theirs.dropped)},
		{what: what + ": CPU during the floods", measured: tick(ours.ticks), baseline: tick(theirs.ticks),
			ratio: fmt.Sprintf("%.2f×", cpuRatio), target: "≤ 1.5×", verdict: verdict(cpuRatio <= 1.5)},
		memRow("peak RSS, capture into a pane's ring, 1,000,000 packets", rss, 100),
	}
}

// flood sends small UDP datagrams from A to B as fast as iperf3 can for
// secs seconds.
func flood(t *testing.T, p nstest.VethPair, secs int) {
	t.Helper()
	server := exec.Command("ip", "netns", "exec", p.B, "iperf3", "-s", "-1", "-p", "5299")
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Wait()
	defer server.Process.Kill()
	var out []byte
	var err error
	for range 50 { // until the server listens
		time.Sleep(100 * time.Millisecond)
		out, err = exec.Command("ip", "netns", "exec", p.A, "iperf3", "-c", p.IPB, "-p", "5299",
			"-u", "-b", "0", "-l", "64", "-t", strconv.Itoa(secs)).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "Connection refused") {
			break
		}
	}
	if err != nil {
		t.Fatalf("iperf3: %v\n%s", err, out)
	}
}

// ticks is a process's user and system CPU time so far, in clock ticks
// (/proc/PID/stat fields 14 and 15): every thread counts.
func ticks(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

var (
	ourSummary   = regexp.MustCompile(`(\d+) packets? captured, (\d+) dropped by the kernel`)
	tcpdumpCount = regexp.MustCompile(`(?m)^(\d+) packets? captured$`)
	tcpdumpDrops = regexp.MustCompile(`(?m)^(\d+) packets? dropped by kernel$`)
)

// captureRound is one flood with both capturers on A's end of the pair.
func (b *scaleBench) captureRound(p nstest.VethPair, secs int) (ours, theirs captureTally) {
	t := b.t
	td := exec.Command("ip", "netns", "exec", p.A, "tcpdump", "-p", "-n", "-i", p.IfA, "-w", "/dev/null")
	var tdErr clitest.SyncBuffer
	td.Stderr = &tdErr
	if err := td.Start(); err != nil {
		t.Fatal(err)
	}
	defer td.Process.Kill()
	lz := startCapture(t, b.bin, nil, p.A, p.IfA, "-w", "/dev/null")
	for !strings.Contains(tdErr.String(), "listening on") {
		time.Sleep(20 * time.Millisecond)
	}
	lz0, td0 := ticks(t, lz.cmd.Process.Pid), ticks(t, td.Process.Pid)
	flood(t, p, secs)
	time.Sleep(200 * time.Millisecond) // the last blocks, on both sides
	ours.ticks, theirs.ticks = ticks(t, lz.cmd.Process.Pid)-lz0, ticks(t, td.Process.Pid)-td0
	if code := lz.stop(t); code != 0 {
		t.Fatalf("lazyns capture: exit %d: %s", code, lz.stderr.String())
	}
	td.Process.Signal(syscall.SIGINT)
	td.Wait()
	m := ourSummary.FindStringSubmatch(lz.stderr.String())
	c, d := tcpdumpCount.FindStringSubmatch(tdErr.String()), tcpdumpDrops.FindStringSubmatch(tdErr.String())
	if m == nil || c == nil || d == nil {
		t.Fatalf("no counts: lazyns %q, tcpdump %q", lz.stderr.String(), tdErr.String())
	}
	ours.captured, _ = strconv.ParseUint(m[1], 10, 64)
	ours.dropped, _ = strconv.ParseUint(m[2], 10, 64)
	theirs.captured, _ = strconv.ParseUint(c[1], 10, 64)
	theirs.dropped, _ = strconv.ParseUint(d[1], 10, 64)
	return ours, theirs
}

// ringRSS runs TestCaptureRingChild in a process of its own, which
// captures a flood into a pane's ring until a million packets went
// through it, and returns its peak RSS in KiB.
func (b *scaleBench) ringRSS(p nstest.VethPair) int64 {
	t := b.t
	child := exec.Command(os.Args[0], "-test.run=^TestCaptureRingChild$", "-test.count=1")
	child.Env = append(os.Environ(), "LAZYNS_RING_CHILD="+p.A+" "+p.IfA)
	var out clitest.SyncBuffer
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	for {
		select {
		case err := <-done:
			if err != nil || !strings.Contains(out.String(), "ring held") {
				t.Fatalf("the ring's capture: %v\n%s", err, out.String())
			}
			t.Logf("%s", strings.TrimSpace(out.String()))
			return child.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
		default:
			flood(t, p, 5)
		}
	}
}

// TestCaptureRingChild is the process ringRSS measures: a capture session
// whose packets go into a pane's ring (lines formatted for a screen of 50
// ten times a second), until a million packets went through it.
func TestCaptureRingChild(t *testing.T) {
	arg := os.Getenv("LAZYNS_RING_CHILD")
	if arg == "" {
		t.Skip("run by the capture benchmark (make bench)")
	}
	nsName, iface, _ := strings.Cut(arg, " ")
	sys, err := nsops.New(nsops.DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	nsArg, err := model.ParseNsArg(nsName)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := sys.Locate(snap, nsArg)
	if err != nil {
		t.Fatal(err)
	}
	ring := packetring.New(0, 0, false)
	c, err := sys.StartCapture(snap, []model.CapturePoint{{Ns: ns.Key, NsName: ns.DisplayName(), Name: iface}},
		nsops.CaptureOptions{Deliver: ring.Push})
	if err != nil {
		t.Fatal(err)
	}
	for {
		time.Sleep(100 * time.Millisecond)
		if lines, _ := ring.Tail(50); len(lines) == 0 {
			continue
		}
		if _, next := ring.Range(); next >= 1_000_000 {
			break
		}
	}
	st := c.Stop()
	_, next := ring.Range()
	fmt.Printf("ring held %d of %d packets (%d seen, %d dropped by the kernel)\n", ring.Held(), next, st[0].Seen, st[0].Dropped)
}
