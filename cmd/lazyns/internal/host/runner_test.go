package host

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// The UI's runner: x runs a command on a pty inside the namespace, s hands
// a shell to tea.Exec, which wires it to the terminal.
func TestRunner(t *testing.T) {
	nstest.RequireRoot(t)
	t.Setenv("SHELL", "/bin/sh")
	t.Setenv("LAZYNS_NETNS", "")
	name := nstest.Netns(t)
	sys, err := nsops.New(nsops.DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ns, err := sys.Target(name)
	if err != nil {
		t.Fatal(err)
	}
	// No prompt set: the shell takes $LAZYNS_PROMPT's, as lazyns shell does.
	t.Setenv("LAZYNS_PROMPT", "<{ns}> ")
	r := Runner{}

	out, code, err := r.Run(context.Background(), ns, "readlink /proc/self/ns/net; exit 2", nil)
	if err != nil || code != 2 || string(out) != nstest.NetnsInode(t, "/run/netns/"+name)+"\n" {
		t.Errorf("Run: %q, code %d, err %v", out, code, err)
	}

	sh, err := r.Shell(ns)
	if err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	sh.SetStdin(strings.NewReader("echo \"<$LAZYNS_NETNS>\"\n"))
	sh.SetStdout(&screen)
	sh.SetStderr(&screen)
	if err := sh.Run(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<" + name + "> ", "<" + name + ">\r\n"} {
		if !strings.Contains(screen.String(), want) {
			t.Errorf("shell screen lacks %q:\n%q", want, screen.String())
		}
	}
}
