package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// lazynsIn runs the command line in-process with stdin given.
func lazynsIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExecInProcess(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	name := nstest.Netns(t)
	resolv := clitest.EtcNetns(t, name)

	code, out, errs := lazynsIn(t, "from stdin\n", "exec", name, "--", "sh", "-c",
		`readlink /proc/self/ns/net; echo "<$LAZYNS_NETNS>"; cat /etc/resolv.conf; cat; exit 3`)
	if code != 3 {
		t.Errorf("exit %d, want 3 (stderr %q)", code, errs)
	}
	for _, want := range []string{nstest.NetnsInode(t, "/run/netns/"+name), "<" + name + ">", resolv, "from stdin"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Flags after NS belong to the command; "--" is optional.
	if code, out, errs := lazynsIn(t, "", "exec", name, "ip", "-o", "link", "show", "lo"); code != 0 || !strings.Contains(out, "lo:") {
		t.Errorf("exec without --: exit %d, %q %q", code, out, errs)
	}
	if code, out, _ := lazynsIn(t, "", "exec", "host", "--", "readlink", "/proc/self/ns/net"); code != 0 || strings.TrimSpace(out) != home {
		t.Errorf("host: exit %d, %q, want %s", code, out, home)
	}
	nstest.WaitThreadsHome(t, home)
}

func TestExecPid(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	holder := exec.Command("ip", "netns", "exec", name, "sleep", "60")
	r, w, _ := os.Pipe()
	holder.Stdout = w
	// sleep inherits the pipe: once ip has exec'd it, the pid is inside.
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait(); r.Close() })
	want := nstest.NetnsInode(t, "/run/netns/"+name)
	pid := strconv.Itoa(holder.Process.Pid)
	for i := 0; i < 200; i++ {
		if link, _ := os.Readlink("/proc/" + pid + "/ns/net"); link == want {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	code, out, errs := lazynsIn(t, "", "exec", "pid:"+pid, "--", "readlink", "/proc/self/ns/net")
	if code != 0 || strings.TrimSpace(out) != want {
		t.Errorf("pid:%s: exit %d, %q %q, want %s", pid, code, out, errs, want)
	}
}

func TestExecErrors(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"exec", name, "--", "lazyns-no-such-command"}, 127, "lazyns: lazyns-no-such-command: command not found in " + name + "\n"},
		{[]string{"exec", name, "--", "/etc/hostname"}, 126, "cannot run it"},
		{[]string{"exec", nstest.Name("nx"), "--", "true"}, 2, "no namespace"},
		{[]string{"exec", name, "--"}, 2, "exec needs a command"},
		{[]string{"exec", name}, 2, "requires at least 2 arg"},
	} {
		code, _, errs := lazynsIn(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("lazyns %q: exit %d, stderr %q; want %d and one line with %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}

// lazyns --read-only exec run in-process starts the command as a child
// (not execve): it drops the same capabilities as the binary does
// (TestExecReadOnly in e2e).
func TestExecReadOnlyInProcess(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	code, out, errs := lazynsIn(t, "", "--read-only", "exec", name, "--", "sh", "-c", nstest.ReadOnlyStatusScript)
	if code != 0 {
		t.Fatalf("in-process: exit %d, %s", code, errs)
	}
	nstest.AssertReadOnlyCaps(t, out)
}

func TestExecNoFdLeak(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	name := nstest.Netns(t)
	round := func(script string, want int) {
		if code, _, errs := lazynsIn(t, "", "exec", name, "--", "sh", "-c", script); code != want {
			t.Fatalf("%s: exit %d, want %d (%s)", script, code, want, errs)
		}
	}
	// A command ended by a signal exits 128+N, as in a shell.
	round("kill -TERM $$", 143)
	nstest.AssertNoLeak(t, home, 100, func() { round("exit 4", 4) })
}
