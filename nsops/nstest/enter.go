package nstest

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// WaitThreadsHome is AssertThreadsHome for code that throws threads away
// (nsops.Entry): the runtime ends such a thread shortly after its
// goroutine, so wait up to two seconds for stragglers first.
func WaitThreadsHome(t testing.TB, home string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for len(ThreadNamespaces(home)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	AssertThreadsHome(t, home)
}

// NetnsInode is how /proc/PID/ns/net names the namespace at path:
// "net:[INODE]".
func NetnsInode(t testing.TB, path string) string {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("net:[%d]", st.Ino)
}

// AssertNoLeak runs round once (first uses may open what is kept for
// good), then n times, and fails if more descriptors are open afterwards
// or a thread is left outside home.
func AssertNoLeak(t testing.TB, home string, n int, round func()) {
	t.Helper()
	round()
	before := OpenFDs(t)
	for i := 0; i < n; i++ {
		round()
	}
	if after := OpenFDs(t); after > before {
		t.Errorf("open fds %d → %d over %d rounds", before, after, n)
	}
	WaitThreadsHome(t, home)
}
