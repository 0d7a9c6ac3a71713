package discover

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
)

func TestListPids(t *testing.T) {
	pids, err := ListPids(fixtureRoot, 7000)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 100, 150, 300, 4000, 5000, 6000, 6100, 28587, 28697, 29674, 30152}
	if !reflect.DeepEqual(pids, want) {
		t.Errorf("pids %v, want %v (self and self/ left out)", pids, want)
	}
}

func TestStat(t *testing.T) {
	r := NewProcReader(fixtureRoot)
	if comm, start, ok := r.Stat(28587); !ok || comm != "sleep" || start != 47828 {
		t.Errorf("docker's sleep: %q %d %v", comm, start, ok)
	}
	if _, _, ok := r.Stat(999999); ok {
		t.Errorf("a process that is gone has a start time")
	}
	// A command name may hold spaces and parentheses.
	root := t.TempDir()
	dir := filepath.Join(root, "proc/42")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	line := "42 (a) b) (c) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n"
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	if comm, start, ok := NewProcReader(root).Stat(42); !ok || comm != "a) b) (c" || start != 12345 {
		t.Errorf("odd name: %q %d %v", comm, start, ok)
	}
}

func TestCmdlineAndComm(t *testing.T) {
	r := NewProcReader(fixtureRoot)
	if got := r.Cmdline(4000); !reflect.DeepEqual(got, []string{"bash", "--norc", "--noediting", "-is", "mininet:h1"}) {
		t.Errorf("cmdline %q", got)
	}
	if got := r.Comm(300); got != "sleep" {
		t.Errorf("comm %q", got)
	}
	if r.Cmdline(999999) != nil || r.Comm(999999) != "" {
		t.Errorf("a process that is gone has a command")
	}
}

func TestForEach(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100} {
		seen := make([]atomic.Int32, n)
		var maxWorker atomic.Int32
		ForEach(context.Background(), 3, n, func(w, i int) {
			seen[i].Add(1)
			for {
				m := maxWorker.Load()
				if int32(w) <= m || maxWorker.CompareAndSwap(m, int32(w)) {
					break
				}
			}
		})
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Errorf("n=%d: item %d done %d times", n, i, seen[i].Load())
			}
		}
		if maxWorker.Load() > 2 {
			t.Errorf("worker index %d with 3 workers", maxWorker.Load())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var done atomic.Int32
	ForEach(ctx, 2, 10, func(_, _ int) { done.Add(1) })
	if done.Load() != 0 {
		t.Errorf("%d items done after the context ended", done.Load())
	}
}
