package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// oneLine checks a failing command said one line, with want in it and no
// raw control byte, and exited with code.
func oneLine(t *testing.T, args []string, code int, want string) {
	t.Helper()
	got, _, stderr := lazyns(t, args...)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if got != code || len(lines) != 1 || !strings.Contains(stderr, want) {
		t.Errorf("lazyns %q: exit %d, stderr %q; want exit %d and one line with %q", args, got, stderr, code, want)
	}
	if c, ok := rawControl(stderr[:max(0, len(stderr)-1)]); ok {
		t.Errorf("lazyns %q: raw control byte %#x in %q", args, c, stderr)
	}
}

// Things that vanish or were never there, at the command line: each a
// clear line at most, never a crash or a wrong picture.
func TestVanishedAtTheCommandLine(t *testing.T) {
	nstest.RequireRoot(t)
	// A missing netns directory: no named namespace, the rest as usual.
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	code, stdout, stderr := lazyns(t, "--netns-dir", missing, "list")
	if code != 0 || !strings.Contains(stdout, "host") {
		t.Errorf("list with a missing netns dir: exit %d %q\n%s", code, stderr, stdout)
	}
	// Not a directory: one line naming it.
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	oneLine(t, []string{"--netns-dir", notDir, "list"}, 1, "netns directory "+notDir)

	// A directory that is not a mount holding stale names, one of them
	// hostile: listed as stale; every command that would use one says it
	// is stale and how to remove it, the name quoted for a shell.
	dir := t.TempDir()
	stale, hostile := "stale", "s;$(>p)\x1b[2J"
	for _, n := range []string{stale, hostile} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, stdout, _ = lazyns(t, "--netns-dir", dir, "list")
	if !strings.Contains(stdout, "stale") || !strings.Contains(stdout, `s;$(>p)\x1b[2J`) {
		t.Errorf("stale names not listed as such:\n%s", stdout)
	}
	for _, args := range [][]string{{"show", "NS"}, {"show", "--json", "NS"}, {"exec", "NS", "--", "true"}, {"shell", "NS"}, {"trace", "NS", "10.0.0.1"}} {
		for _, n := range []string{stale, hostile} {
			a := append([]string{"--netns-dir", dir}, args...)
			for i := range a {
				if a[i] == "NS" {
					a[i] = n
				}
			}
			want := "stale name"
			if n == hostile {
				want = `ip netns del $'s;$(>p)\x1b[2J'`
			}
			oneLine(t, a, 1, want)
		}
	}

	// A process gone before it is named; one whose namespace cannot be read.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	// Naming what is not there is a usage error.
	oneLine(t, []string{"show", "pid:" + strconv.Itoa(gone.Process.Pid)}, 2, "no process "+strconv.Itoa(gone.Process.Pid))
	if _, err := os.Readlink("/proc/1/ns/net"); err == nil {
		t.Log("/proc/1/ns/net is readable here: the unreadable case is not exercised")
	} else {
		for _, args := range [][]string{{"show", "pid:1"}, {"exec", "pid:1", "--", "true"}} {
			oneLine(t, args, 1, "namespace of process 1")
		}
		// Discovery passes over it: the listing is whole.
		if code, stdout, stderr := lazyns(t, "list"); code != 0 || !strings.Contains(stdout, "host") {
			t.Errorf("list with /proc/1/ns/net unreadable: exit %d %s\n%s", code, stderr, stdout)
		}
	}
}
