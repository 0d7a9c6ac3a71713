package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// Without a terminal the shell still runs on a pty of its own, and the
// end of input ends it.
func TestShellPiped(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	cmd := exec.Command(buildBinary(t), "shell", name, "--prompt", "({ns}) ")
	cmd.Env = append(os.Environ(), "SHELL=/bin/sh", "LAZYNS_NETNS=")
	cmd.Stdin = strings.NewReader("echo \"<$LAZYNS_NETNS>\"; readlink /proc/self/ns/net\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"(" + name + ") ", "<" + name + ">", nstest.NetnsInode(t, "/run/netns/"+name)} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
}

// On a real terminal: the prompt names the namespace, the size follows the
// window, and the terminal's settings are as before when the shell exits.
func TestShellOnTerminal(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	bin := buildBinary(t)
	// A home of its own: root's ~/.bashrc may take seconds (pyenv init).
	s := newTmux(t, 100, 30, "env HOME="+t.TempDir()+" SHELL=/bin/bash LAZYNS_NETNS= PS1='outer$ ' /bin/sh")
	s.waitFor("outer$")
	s.keys("stty -g > before.stty; "+bin+" shell "+name, "Enter")
	s.waitFor("[netns " + name + "]")
	s.keys("readlink /proc/self/ns/net; stty size", "Enter")
	s.waitFor(nstest.NetnsInode(t, "/run/netns/"+name))
	s.waitFor("30 100")
	s.run("resize-window", "-x", "90", "-y", "25")
	// The new size travels tmux → SIGWINCH to lazyns → the pty; ask again
	// until it has arrived rather than racing it.
	for try := 0; ; try++ {
		s.keys("stty size", "Enter")
		time.Sleep(200 * time.Millisecond)
		if strings.Contains(s.screen(), "25 90") {
			break
		}
		if try == 25 {
			t.Fatalf("the shell never saw the new size:\n%s", s.screen())
		}
	}
	s.keys("exit", "Enter")
	s.waitFor("exit\nouter$")
	s.keys("clear; stty -g | cmp - before.stty && echo same-settings", "Enter")
	s.waitFor("same-settings")

	// Told to stop while the shell runs, lazyns hangs the shell up and
	// still gives the terminal back as it was.
	s.keys("clear; "+bin+" shell "+name+"; echo status $?", "Enter")
	s.waitFor("[netns " + name + "]")
	// From outside, as a service manager would: sent by the shell itself
	// (kill $PPID), the hangup can land while bash runs that builtin, and
	// bash then acts on it only after its next command.
	if out, err := exec.Command("pkill", "-TERM", "-f", "^"+regexp.QuoteMeta(bin+" shell "+name)+"$").CombinedOutput(); err != nil {
		t.Fatalf("pkill: %v %s", err, out)
	}
	s.waitFor("status 129")
	s.keys("clear; stty -g | cmp - before.stty && echo same-again", "Enter")
	s.waitFor("same-again")
}

// Handed to tea.Exec, the shell takes the terminal and gives it back: the
// program draws again and gets every key typed after the shell exits (none
// is left to a reader of the shell's).
func TestShellFromBubbleTea(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	prog := filepath.Join(t.TempDir(), "teaexec")
	if out, err := exec.Command("go", "build", "-o", prog, "../../../pty/testdata/teaexec").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := newTmux(t, 100, 30, "env HOME="+t.TempDir()+" SHELL=/bin/bash LAZYNS_NETNS= "+prog+" "+name)
	s.waitFor("teaexec " + name)
	s.keys("a", "s")
	s.waitFor("[netns " + name + "]")
	s.keys("readlink /proc/self/ns/net", "Enter")
	s.waitFor(nstest.NetnsInode(t, "/run/netns/"+name))
	// Nothing of the program's (its keyboard reader's epoll) is inherited.
	s.keys("ls /proc/$$/fd > fds; echo fds: $(cat fds)", "Enter")
	s.waitFor("fds: 0 1 2 255\n")
	s.keys("exit", "Enter")
	s.waitFor("back from the shell (err <nil>)")
	s.keys("b")
	s.waitFor("keys: [a b]")
	s.keys("c")
	s.waitFor("keys: [a b c]")
}
