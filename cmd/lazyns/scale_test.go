package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestScale is `make bench`: it builds OpenStack-like fixtures of 100, 500
// and 1000 namespaces (or BENCH_N), measures lazyns against the iproute2
// loop an operator runs today, in the same run, and prints medians and
// ratios. It asserts nothing about time (the machine may be busy): the
// table is the result. Opt-in, as it takes minutes.
func TestScale(t *testing.T) {
	if os.Getenv("LAZYNS_BENCH") == "" {
		t.Skip("a benchmark: run with make bench (LAZYNS_BENCH=1)")
	}
	nstest.RequireRoot(t)
	bin := buildBinary(t)
	sizes := []int{100, 500, 1000}
	if n, err := strconv.Atoi(os.Getenv("BENCH_N")); err == nil && n > 0 {
		sizes = []int{n}
	}
	var rows []benchRow
	for _, n := range sizes {
		names := buildFixture(t, n)
		ours := medianOf(5, func() time.Duration { return timeRun(t, bin, "show", "--json") })
		rss := peakRSS(t, bin, "show", "--json")
		loopRuns := 3
		if n >= 1000 {
			loopRuns = 1
		}
		loop := medianOf(loopRuns, func() time.Duration { return ipLoop(t, names) })
		rows = append(rows,
			benchRow{fmt.Sprintf("show --json, %d namespaces", n), ours, loop, "≥ 30× faster; ≤ 250 ms"},
			benchRow{fmt.Sprintf("peak RSS of show --json, %d namespaces", n), 0, 0, fmt.Sprintf("%.1f MB (target ≤ 60 MB)", float64(rss)/1024)},
		)
		teardownFixture(t, names)
	}
	procs := startProcesses(t, 2000)
	sys, err := nsops.New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	disc := medianOf(11, func() time.Duration {
		start := time.Now()
		if _, err := sys.Discover(); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	})
	rows = append(rows, benchRow{fmt.Sprintf("discovery with %d extra processes", len(procs)), disc, 0, "≤ 60 ms"})
	printRows(t, rows)
}

type benchRow struct {
	what     string
	ours     time.Duration
	baseline time.Duration
	target   string
}

func printRows(t *testing.T, rows []benchRow) {
	var b strings.Builder
	host, _ := os.Hostname()
	fmt.Fprintf(&b, "\nlazyns scale benchmark — %s, %s, %d CPUs\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), host, nproc())
	fmt.Fprintf(&b, "%-44s %12s %12s %8s  %s\n", "what", "lazyns", "ip loop", "ratio", "target")
	for _, r := range rows {
		ours, base, ratio := "", "", ""
		if r.ours > 0 {
			ours = r.ours.Round(100 * time.Microsecond).String()
		}
		if r.baseline > 0 {
			base = r.baseline.Round(time.Millisecond).String()
			ratio = fmt.Sprintf("%.0f×", float64(r.baseline)/float64(r.ours))
		}
		fmt.Fprintf(&b, "%-44s %12s %12s %8s  %s\n", r.what, ours, base, ratio, r.target)
	}
	t.Log(b.String())
	fmt.Println(b.String())
}

func nproc() int {
	out, _ := exec.Command("nproc").Output()
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

func medianOf(n int, f func() time.Duration) time.Duration {
	d := make([]time.Duration, n)
	for i := range d {
		d[i] = f()
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[n/2]
}

func timeRun(t *testing.T, bin string, args ...string) time.Duration {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, stderr.String())
	}
	return time.Since(start)
}

func peakRSS(t *testing.T, bin string, args ...string) int64 {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
}

// ipLoop is what an operator scripts today: three ip calls per namespace.
func ipLoop(t *testing.T, names []string) time.Duration {
	t.Helper()
	start := time.Now()
	for _, ns := range names {
		for _, args := range [][]string{{"-j", "-n", ns, "link"}, {"-j", "-n", ns, "addr"}, {"-j", "-n", ns, "route", "show", "table", "all"}} {
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				t.Fatalf("ip %v: %v\n%s", args, err, out)
			}
		}
	}
	return time.Since(start)
}

// buildFixture makes n namespaces shaped like a Neutron network node: two
// in three are qrouters with a qr- and a qg- veth to the host, IPv4 and
// IPv6, a default route and a rule with a second table; one in three is a
// qdhcp with a tap veth.
func buildFixture(t *testing.T, n int) []string {
	t.Helper()
	prefix := nstest.Name("b")
	var names []string
	var host, inside bytes.Buffer
	for i := 0; i < n; i++ {
		kind := "qrouter"
		if i%3 == 2 {
			kind = "qdhcp"
		}
		ns := fmt.Sprintf("%s-%s-%05d", kind, prefix, i)
		names = append(names, ns)
		fmt.Fprintf(&host, "netns add %s\n", ns)
		if kind == "qrouter" {
			fmt.Fprintf(&host, "link add %sr%d type veth peer name qr-%05d netns %s\n", prefix[len(prefix)-5:], i, i, ns)
			fmt.Fprintf(&host, "link add %sg%d type veth peer name qg-%05d netns %s\n", prefix[len(prefix)-5:], i, i, ns)
		} else {
			fmt.Fprintf(&host, "link add %st%d type veth peer name tap%05d netns %s\n", prefix[len(prefix)-5:], i, i, ns)
		}
		a, b := (i/250)%250, i%250
		if kind == "qrouter" {
			fmt.Fprintf(&inside, "%s\tlink set lo up\nlink set qr-%05d up\nlink set qg-%05d up\naddr add 10.%d.%d.1/24 dev qr-%05d\naddr add 172.16.%d.%d/16 dev qg-%05d\naddr add fd00:%x::1/64 dev qr-%05d nodad\nroute add default via 172.16.0.1\nroute add 10.200.0.0/16 via 10.%d.%d.254 table 16\nrule add from 10.%d.%d.0/24 table 16 pref 1000\n",
				ns, i, i, a, b, i, a, b, i, i, i, a, b, a, b)
		} else {
			fmt.Fprintf(&inside, "%s\tlink set lo up\nlink set tap%05d up\naddr add 10.%d.%d.2/24 dev tap%05d\n", ns, i, a, b, i)
		}
	}
	t.Cleanup(func() { teardownFixture(t, names) })
	runBatch(t, "", host.String())
	// One ip -batch per namespace for the commands inside it.
	for _, chunk := range splitByNs(inside.String()) {
		runBatch(t, chunk[0], chunk[1])
	}
	return names
}

func splitByNs(s string) [][2]string {
	var out [][2]string
	for _, line := range strings.Split(s, "\n") {
		if ns, cmd, ok := strings.Cut(line, "\t"); ok {
			out = append(out, [2]string{ns, cmd + "\n"})
		} else if len(out) > 0 && line != "" {
			out[len(out)-1][1] += line + "\n"
		}
	}
	return out
}

func runBatch(t *testing.T, ns, script string) {
	t.Helper()
	args := []string{"-force", "-batch", "-"}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	cmd := exec.Command("ip", args...)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ip %v: %v\n%s", args, err, out)
	}
}

func teardownFixture(t *testing.T, names []string) {
	var b bytes.Buffer
	for _, ns := range names {
		fmt.Fprintf(&b, "netns del %s\n", ns)
	}
	cmd := exec.Command("ip", "-force", "-batch", "-")
	cmd.Stdin = &b
	_ = cmd.Run()
}

func startProcesses(t *testing.T, n int) []*exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var procs []*exec.Cmd
	for i := 0; i < n; i++ {
		c := exec.CommandContext(ctx, "sleep", "300")
		if err := c.Start(); err != nil {
			break
		}
		procs = append(procs, c)
	}
	t.Cleanup(func() {
		cancel()
		for _, c := range procs {
			_ = c.Wait()
		}
	})
	return procs
}
