package e2e

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// tmuxServer is a tmux server of the test's own, gone at the end.
type tmuxServer struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, width, height int, command string) *tmuxServer {
	t.Helper()
	nstest.RequireTool(t, "tmux")
	s := &tmuxServer{t: t, socket: nstest.Name("tmux")}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.run("new-session", "-d", "-c", t.TempDir(), "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command)
	return s
}

func (s *tmuxServer) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %q: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxServer) keys(keys ...string) { s.run(append([]string{"send-keys"}, keys...)...) }

func (s *tmuxServer) screen() string { return s.run("capture-pane", "-p") }

// waitMatch is waitFor for a pattern: a row whose columns depend on the
// width and on what the kernel counts.
func (s *tmuxServer) waitMatch(re *regexp.Regexp) string {
	s.t.Helper()
	return s.waitUntil(re.String(), 10*time.Second, re.MatchString)
}

func (s *tmuxServer) waitFor(want string) string {
	s.t.Helper()
	return s.waitUntil(want, 10*time.Second, func(screen string) bool { return strings.Contains(screen, want) })
}

// waitLong is waitFor with room for a slow first read: the UI reads every
// namespace of a shared host before it shows one.
func (s *tmuxServer) waitLong(want string, d time.Duration) string {
	s.t.Helper()
	return s.waitUntil(want, d, func(screen string) bool { return strings.Contains(screen, want) })
}

// waitUntil waits up to d for a screen that ok accepts, and returns it;
// it fails the test saying it never saw what.
func (s *tmuxServer) waitUntil(what string, d time.Duration, ok func(screen string) bool) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		screen := s.screen()
		if ok(screen) {
			return screen
		}
		if ctx.Err() != nil {
			s.t.Fatalf("never saw %q; the screen shows:\n%s", what, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
