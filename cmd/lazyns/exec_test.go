package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// lazynsIn runs the command line in-process with stdin given.
func lazynsIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// etcNetns makes /etc/netns/NAME/resolv.conf, removed at the end.
func etcNetns(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join("/etc/netns", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	line := "nameserver 192.0.2.53 # lazyns test " + name
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return line
}

func TestExecInProcess(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	name := nstest.Netns(t)
	resolv := etcNetns(t, name)

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

// The binary replaces itself with the command: no lazyns process remains,
// the command's pid is lazyns's, and its status is the command's.
func TestExecReplacesLazyns(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	resolv := etcNetns(t, name)
	cmd := exec.Command(buildBinary(t), "exec", name, "--", "sh", "-c",
		`echo "pid $$"; readlink /proc/self/ns/net; cat /etc/resolv.conf; cat; cat <&3; exit 5`)
	cmd.Stdin = strings.NewReader("from stdin\n")
	// A descriptor given to lazyns reaches the command, as with ip netns exec.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("from fd 3\n")
	w.Close()
	defer r.Close()
	cmd.ExtraFiles = []*os.File{r}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 5 {
		t.Fatalf("exit %d (%v), want 5; stderr %q", code, err, errb.String())
	}
	for _, want := range []string{"pid " + strconv.Itoa(cmd.Process.Pid) + "\n", nstest.NetnsInode(t, "/run/netns/"+name), resolv, "from stdin", "from fd 3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	cmd = exec.Command(buildBinary(t), "exec", name, "--", "lazyns-no-such-command")
	msg, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 127 || !strings.Contains(string(msg), "command not found") {
		t.Errorf("not found: exit %d, %q", code, msg)
	}
}

// Without privileges: one line saying what is needed, exit 1, for exec and
// shell alike.
func TestExecWithoutPrivileges(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "setpriv")
	name := nstest.Netns(t)
	bin := buildBinary(t)
	for _, args := range [][]string{{"exec", name, "--", "true"}, {"shell", name}} {
		cmd := exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, args...)...)
		cmd.Env = append(os.Environ(), "SHELL=/bin/sh")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		_ = cmd.Run()
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if code := cmd.ProcessState.ExitCode(); code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "needs root") {
			t.Errorf("lazyns %q as nobody: exit %d, stderr %q; want 1 and one line saying it needs root", args, code, stderr.String())
		}
	}
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
