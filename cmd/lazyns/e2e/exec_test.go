package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// The binary replaces itself with the command: no lazyns process remains,
// the command's pid is lazyns's, and its status is the command's.
func TestExecReplacesLazyns(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	resolv := clitest.EtcNetns(t, name)
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
