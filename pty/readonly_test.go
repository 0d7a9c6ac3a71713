package pty

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// A command run read-only (the UI's x under --read-only) cannot change
// the namespace, says so in its environment, once, whatever the
// environment held, and still pings; not read-only, it changes what it is
// told to.
func TestRunReadOnly(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "ping")
	name := nstest.Netns(t)
	ns := locate(t, name)
	veth := nstest.Name("ro")
	t.Setenv(ReadOnlyEnv, "0")
	script := nstest.ReadOnlyStatusScript + `
env | grep -c "^` + ReadOnlyEnv + `="
ip link add ` + veth + ` type veth peer name ` + nstest.Name("rp") + `
ip link show ` + veth + ` >/dev/null 2>&1 && echo made
ping -c1 -W1 127.0.0.1 >/dev/null && echo pinged`
	out, code, err := Run(context.Background(), ns, "ip link set lo up; "+script+"; exit 0", Options{Shell: "/bin/sh", ReadOnly: true})
	if err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	text := string(out)
	nstest.AssertReadOnlyCaps(t, text)
	for _, want := range []string{"LAZYNS_READ_ONLY=<1>\n1\n", "RTNETLINK answers: Operation not permitted"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	// lo stayed down, so not even loopback answers.
	if strings.Contains(text, "made") || strings.Contains(text, "pinged") || nstest.LinkExists(name, veth) {
		t.Errorf("read-only changed %s:\n%s", name, text)
	}

	nstest.IP(t, "-n", name, "link", "set", "lo", "up")
	out, _, err = Run(context.Background(), ns, script, Options{Shell: "/bin/sh", ReadOnly: true})
	if err != nil || !strings.Contains(string(out), "pinged") {
		t.Errorf("read-only, ping does not work: %v\n%s", err, out)
	}

	out, _, err = Run(context.Background(), ns, script, Options{Shell: "/bin/sh"})
	if err != nil || !strings.Contains(string(out), "made") || !strings.Contains(string(out), "LAZYNS_READ_ONLY=<0>") {
		t.Errorf("not read-only: %v\n%s", err, out)
	}
	nstest.AssertFullCaps(t, "a command not read-only", string(out))
}

// A read-only shell says so in its prompt, before the user's own, for
// each kind of shell whose prompt lazyns sets, and in a line before it
// starts; nothing typed there changes the namespace.
func TestShellReadOnly(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct{ shell, rcName, rc string }{
		{"/bin/bash", ".bashrc", "PS1='mine# '\n"},
		{"/bin/dash", "env.sh", "PS1='mine# '\n"},
		{"/usr/bin/zsh", ".zshrc", "PROMPT='mine# '\n"},
	} {
		t.Run(filepath.Base(tc.shell), func(t *testing.T) {
			requireShell(t, tc.shell)
			homeWith(t, map[string]string{tc.rcName: tc.rc})
			t.Setenv("ENV", filepath.Join(os.Getenv("HOME"), "env.sh"))
			name := nstest.Netns(t)
			veth := nstest.Name("ro")

			s := startShell(t, locate(t, name), Options{Shell: tc.shell, Color: true, ReadOnly: true})
			s.out.waitFor(t, "lazyns: read-only shell: the kernel refuses changes made from it (it runs without CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SYS_MODULE)")
			s.out.waitFor(t, promptColor+"READ-ONLY [netns "+name+"] \x1b[0mmine# ")
			s.typeLine(t, nstest.ReadOnlyStatusScript+"; ip link add "+veth+" type veth peer name "+nstest.Name("rp")+"; exit")
			s.wait(t)
			out := strings.ReplaceAll(s.out.String(), "\r\n", "\n")
			nstest.AssertReadOnlyCaps(t, out)
			if !strings.Contains(out, "LAZYNS_READ_ONLY=<1>") || !strings.Contains(out, "Operation not permitted") {
				t.Errorf("inside the read-only shell:\n%s", out)
			}
			if nstest.LinkExists(name, veth) {
				t.Errorf("a read-only shell made %s", veth)
			}
		})
	}
}
