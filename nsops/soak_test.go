package nsops

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestSoak is `make soak`: snapshots in a loop for LAZYNS_SOAK (a duration,
// e.g. 10m) while namespaces, veths and addresses churn, then checks that
// resident memory, descriptors and goroutines did not grow.
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("LAZYNS_SOAK"))
	if err != nil {
		t.Skip("a soak: run with make soak (LAZYNS_SOAK=10m)")
	}
	nstest.RequireRoot(t)
	prefix := nstest.Name("soak")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			ns := fmt.Sprintf("%s-%d", prefix, i%8)
			script := fmt.Sprintf("ip netns add %[1]s; ip -n %[1]s link add s0 type veth peer name s1; ip -n %[1]s addr add 10.98.%[2]d.1/24 dev s0; ip netns del %[1]s", ns, i%200)
			_ = exec.Command("sh", "-c", script+" 2>/dev/null").Run()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	t.Cleanup(func() {
		for i := 0; i < 8; i++ {
			_ = exec.Command("ip", "netns", "del", fmt.Sprintf("%s-%d", prefix, i)).Run()
		}
	})
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap := func() {
		if _, err := sys.Snapshot(context.Background(), ReadOptions{}); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
	}
	for i := 0; i < 50; i++ {
		snap()
	}
	runtime.GC()
	baseRSS, baseFDs, baseG := rssKB(t), nstest.OpenFDs(t), runtime.NumGoroutine()
	deadline := time.Now().Add(d)
	next := time.Now().Add(time.Minute)
	n := 0
	for time.Now().Before(deadline) {
		snap()
		n++
		if time.Now().After(next) {
			t.Logf("%d snapshots, RSS %d KB (start %d KB)", n, rssKB(t), baseRSS)
			next = next.Add(time.Minute)
		}
	}
	close(stop)
	<-done
	runtime.GC()
	time.Sleep(100 * time.Millisecond)
	rss, fds, g := rssKB(t), nstest.OpenFDs(t), runtime.NumGoroutine()
	t.Logf("%d snapshots in %v: RSS %d → %d KB, fds %d → %d, goroutines %d → %d", n, d, baseRSS, rss, baseFDs, fds, baseG, g)
	if rss > baseRSS*3/2+4096 {
		t.Errorf("resident memory grew from %d KB to %d KB", baseRSS, rss)
	}
	if fds > baseFDs || g > baseG {
		t.Errorf("descriptors %d → %d, goroutines %d → %d", baseFDs, fds, baseG, g)
	}
}

func rssKB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
