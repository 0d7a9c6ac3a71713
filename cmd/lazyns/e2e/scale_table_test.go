package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"
)

// benchRow is one line of the printed table.
type benchRow struct {
	what, measured, baseline, ratio, target, verdict string
}

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func timeRow(what string, d, limit time.Duration) benchRow {
	return benchRow{what: what, measured: ms(d), target: "≤ " + ms(limit), verdict: verdict(d <= limit)}
}

func infoRow(what string, d time.Duration, note string) benchRow {
	return benchRow{what: what, measured: ms(d), target: note}
}

// ratioRow compares per namespace when the two sides read different
// numbers (show --json reads every namespace on the host, the loop only
// the named ones of the fixture and the host).
func ratioRow(what string, ours time.Duration, oursN int, base time.Duration, baseN int, minRatio float64, limit time.Duration) benchRow {
	r := float64(base) / float64(baseN) / (float64(ours) / float64(oursN))
	return benchRow{
		what: what, measured: ms(ours), baseline: ms(base), ratio: fmt.Sprintf("%.0f×", r),
		target: fmt.Sprintf("≥ %.0f×, ≤ %s", minRatio, ms(limit)), verdict: verdict(r >= minRatio && ours <= limit),
	}
}

func memRow(what string, kb int64, limitMB float64) benchRow {
	mb := float64(kb) / 1024
	return benchRow{what: what, measured: fmt.Sprintf("%.1f MB", mb), target: fmt.Sprintf("≤ %.0f MB", limitMB), verdict: verdict(mb <= limitMB)}
}

func cpuRow(what string, pct, limit float64) benchRow {
	return benchRow{what: what, measured: fmt.Sprintf("%.2f %%", pct), target: fmt.Sprintf("< %.0f %%", limit), verdict: verdict(pct < limit)}
}

// print writes the table as Markdown, so it can go into docs/benchmarks.md as is,
// with the date and the machine it ran on.
func (b *scaleBench) print() {
	var s strings.Builder
	fmt.Fprintf(&s, "\nlazyns scale benchmark — %s — %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	s.WriteString("| what | lazyns (median) | ip loop (median) | ratio | target | |\n|---|---|---|---|---|---|\n")
	failed := 0
	for _, r := range b.rows {
		fmt.Fprintf(&s, "| %s | %s | %s | %s | %s | %s |\n", r.what, r.measured, r.baseline, r.ratio, r.target, r.verdict)
		if r.verdict == "FAIL" {
			failed++
		}
	}
	fmt.Fprintf(&s, "\n%d of %d rows within target; run took %s; load average at the start %s, at the end %s.\n",
		countTargets(b.rows)-failed, countTargets(b.rows), time.Since(b.started).Round(time.Second), b.startLoad, loadAverage())
	if b.hostNote != "" {
		s.WriteString(b.hostNote + "\n")
	}
	fmt.Println(s.String())
}

func countTargets(rows []benchRow) int {
	n := 0
	for _, r := range rows {
		if r.verdict != "" {
			n++
		}
	}
	return n
}

// printPerNamespace is the scale table: each side's cost per namespace
// at each size, which should stay flat for lazyns.
func printPerNamespace(t *testing.T, reads []readResult) {
	var s strings.Builder
	s.WriteString("\n| show --json reads | show --json | per namespace | ip loop reads | ip loop | per namespace | ratio per namespace |\n|---|---|---|---|---|---|---|\n")
	for _, r := range reads {
		n := time.Duration(r.namespaces)
		fmt.Fprintf(&s, "| %d | %s | %.3f ms | %d | %s | %.2f ms | %.0f× |\n", r.namespaces, ms(r.ours),
			float64(r.ours/n)/1e6, r.looped, ms(r.loop), float64(r.loop/time.Duration(r.looped))/1e6, r.ratio())
	}
	fmt.Println(s.String())
}

// loadAverage is the 1-minute load average: on a shared machine, how much
// else was running, which the absolute times depend on.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(data))[0]
}

func machine() string {
	host, _ := os.Hostname()
	kernel, _ := exec.Command("uname", "-r").Output()
	cpus, _ := exec.Command("nproc").Output()
	return fmt.Sprintf("%s, %s CPUs, kernel %s", host, strings.TrimSpace(string(cpus)), strings.TrimSpace(string(kernel)))
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianOf(n int, f func() time.Duration) time.Duration {
	d := make([]time.Duration, n)
	for i := range d {
		d[i] = f()
	}
	return median(d)
}

func splitComma(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
