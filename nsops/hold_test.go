package nsops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// What a change names is opened as the change would name it, and when it
// cannot be, the words say why. Needs no root: nothing is entered.
func TestHoldNamed(t *testing.T) {
	dir := t.TempDir()
	sys, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	stale := filepath.Join(dir, "stale")
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, want string }{
		{"missing", "namespace missing no longer exists"},
		{"stale", "namespace stale no longer exists (only a stale name is left under " + dir + ")"},
		{stale, stale + " is not a namespace file (any more)"},
		{"/proc/999999999/ns/net", "namespace /proc/999999999/ns/net no longer exists"},
	} {
		n, err := sys.holdNamed(c.name)
		if err == nil || err.Error() != c.want {
			n.close()
			t.Errorf("holdNamed(%q): %v, want %q", c.name, err, c.want)
		}
	}

	host, err := sys.holdNamed("")
	if err != nil {
		t.Fatal(err)
	}
	defer host.close()
	if !host.host || !host.IsOpen() {
		t.Errorf(`holdNamed(""): %+v, want the host, open`, host)
	}
	// The host's work runs where it is called: no thread is switched.
	tid := unix.Gettid()
	ran := false
	if err := host.do(func() error { ran = unix.Gettid() == tid; return nil }); err != nil || !ran {
		t.Errorf("the host's work ran on another thread (%v)", err)
	}

	self, err := sys.holdNamed("/proc/self/ns/net")
	if err != nil {
		t.Fatalf("a path to a namespace: %v", err)
	}
	self.close()
}

// A namespace a read found must still be the one it found.
func TestHoldChecksTheKey(t *testing.T) {
	sys, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	key := sys.HostKey()
	n, err := sys.hold(&model.Namespace{Key: key, Path: "/proc/self/ns/net"})
	if err != nil {
		t.Fatal(err)
	}
	if !n.host {
		t.Error("the host's namespace, found by a read, is not known as the host's")
	}
	n.close()
	other := model.NsKey{Dev: key.Dev, Ino: key.Ino + 1}
	if _, err := sys.hold(&model.Namespace{Key: other, Path: "/proc/self/ns/net"}); !errors.Is(err, model.ErrGone) || !isGone(err) {
		t.Errorf("a file that opens another namespace: %v, want gone", err)
	}
	if _, err := sys.hold(&model.Namespace{Key: other, Path: "/nonexistent/ns"}); !isGone(err) {
		t.Errorf("a file that is gone: %v, want gone", err)
	}
}

// Callers decide by kind, never by text, and the text stays what the user
// has always read.
func TestReadErrorKinds(t *testing.T) {
	denied := openFailure(&fs.PathError{Op: "open", Path: "/run/netns/x", Err: unix.EACCES})
	if !errors.Is(denied, model.ErrPermission) || errors.Is(denied, model.ErrUnreadable) ||
		denied.Error() != "permission denied: "+Privileges() {
		t.Errorf("a refused open: %q", denied)
	}
	other := openFailure(&fs.PathError{Op: "open", Path: "/run/netns/x", Err: unix.EIO})
	if !errors.Is(other, model.ErrUnreadable) || other.Error() != "open /run/netns/x: input/output error" {
		t.Errorf("another failed open: %q", other)
	}
	partial := readFailure(fmt.Errorf("routes may be incomplete: %w", errDumpInconsistent))
	if !errors.Is(partial, model.ErrPartial) || !errors.Is(partial, errDumpInconsistent) ||
		!strings.HasPrefix(partial.Error(), "routes may be incomplete: ") {
		t.Errorf("a dump that never settled: %q", partial)
	}
	if broken := readFailure(unix.ENOBUFS); !errors.Is(broken, model.ErrUnreadable) || errors.Is(broken, model.ErrPartial) {
		t.Errorf("a read that failed: %q", broken)
	}
	gone := goneErr(&model.Namespace{Name: "blue"})
	if !errors.Is(gone, ErrNoNamespace) || !errors.Is(gone, model.ErrGone) || gone.Error() != "namespace blue is gone (see: lazyns list)" {
		t.Errorf("a namespace gone: %q", gone)
	}
	if notFound := (notFoundError{what: "no namespace \"x\""}); errors.Is(notFound, model.ErrGone) {
		t.Error("a name that matched nothing claims a namespace went away")
	}
}

// An interrupted library dump is read again until it settles; one that
// never settles gives up with errDumpInconsistent and keeps the last
// reading.
func TestRetried(t *testing.T) {
	calls := 0
	v, err := retried(func() (int, error) {
		calls++
		if calls < 3 {
			return calls, fmt.Errorf("addresses: %w", netlink.ErrDumpInterrupted)
		}
		return calls, nil
	})
	if err != nil || v != 3 || calls != 3 {
		t.Errorf("settled on the third try: got %d after %d calls, %v", v, calls, err)
	}
	calls = 0
	v, err = retried(func() (int, error) { calls++; return calls, netlink.ErrDumpInterrupted })
	if !errors.Is(err, errDumpInconsistent) || calls != dumpRetries || v != dumpRetries {
		t.Errorf("never settled: got %d after %d calls, %v", v, calls, err)
	}
	want := errors.New("refused")
	calls = 0
	if _, err := retried(func() (int, error) { calls++; return 0, want }); err != want || calls != 1 {
		t.Errorf("another error: %v after %d calls, want it at once", err, calls)
	}
}
