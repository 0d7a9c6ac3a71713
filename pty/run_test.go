package pty

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

func TestRunInNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	name := nstest.Netns(t)
	ns := locate(t, name)
	out, code, err := Run(context.Background(), ns,
		`readlink /proc/self/ns/net; echo "<$LAZYNS_NETNS>"; printf '\033[31mred\033[0m\n'; [ -t 1 ] && echo on-a-tty; cat; exit 3`,
		Options{Shell: "/bin/sh"})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{nstest.NetnsInode(t, "/run/netns/"+name) + "\n", "<" + name + ">\n", "\x1b[31mred\x1b[0m\n", "on-a-tty\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%q", want, text)
		}
	}
	if strings.Contains(text, "\r") {
		t.Errorf("terminal line ends left in the output: %q", text)
	}
	if code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	nstest.WaitThreadsHome(t, home)
}

func TestRunCanceled(t *testing.T) {
	nstest.RequireRoot(t)
	ns := locate(t, "host")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	out, code, err := Run(ctx, ns, "echo started; sleep 30 & sleep 30", Options{Shell: "/bin/sh"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want the context's", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("took %v to stop", took)
	}
	if !strings.Contains(string(out), "started") || code != 128+9 {
		t.Errorf("output %q, code %d; want what was printed and 137", out, code)
	}
}

func TestRunOutputBounded(t *testing.T) {
	nstest.RequireRoot(t)
	ns := locate(t, "host")
	out, _, err := Run(context.Background(), ns, "yes", Options{Shell: "/bin/sh"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > MaxOutput+100 || !strings.HasSuffix(string(out), "command stopped]\n") {
		t.Errorf("%d bytes, ending %q", len(out), out[max(0, len(out)-80):])
	}
}

func TestRunNoFdLeak(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	ns := locate(t, nstest.Netns(t))
	round := func() {
		if _, code, err := Run(context.Background(), ns, "exit 0", Options{Shell: "/bin/sh"}); err != nil || code != 0 {
			t.Fatalf("code %d, err %v", code, err)
		}
	}
	nstest.AssertNoLeak(t, home, 100, round)
}

// A daemon started by the command keeps the terminal open; Run still
// returns when the command itself ends.
func TestRunBackgroundJob(t *testing.T) {
	nstest.RequireRoot(t)
	ns := locate(t, "host")
	began := time.Now()
	out, code, err := Run(context.Background(), ns, "sleep 3 & echo started", Options{Shell: "/bin/sh"})
	if err != nil || code != 0 || string(out) != "started\n" {
		t.Errorf("%q, code %d, err %v", out, code, err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Run took %v: it waited for the background job", took)
	}
}
