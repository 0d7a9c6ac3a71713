package e2e

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// What lab up prints runs as printed, whether or not lazyns is on PATH.
func TestLabHintsRun(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "setpriv")
	bin := buildBinary(t)
	prefix := nstest.Name("")
	prefix = prefix[len(prefix)-9:]
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", prefix+"-veth-red").Run()
		_ = exec.Command("ip", "netns", "del", prefix+"-veth-blue").Run()
	})
	hidden := " --prefix " + prefix + " --state-dir " + t.TempDir()
	elsewhere := t.TempDir() // hints are run from another directory
	noLazyns := "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
	withLazyns := "PATH=" + filepath.Dir(bin) + ":/usr/sbin:/usr/bin:/sbin:/bin"
	sh := func(env, dir, line string) (string, error) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Env, cmd.Dir = []string{env}, dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	try := regexp.MustCompile(`(?m)^try: (.*) shell (\S+)   then: ping 10.0.1.2$`)
	remove := regexp.MustCompile(`(?m)^remove it with: (.*)$`)
	for _, c := range []struct {
		env, dir, run, self string
	}{
		// As make run and make demo do: bin/lazyns, not on PATH.
		{noLazyns, filepath.Dir(filepath.Dir(bin)), "./" + filepath.Join(filepath.Base(filepath.Dir(bin)), "lazyns"), bin},
		{withLazyns, elsewhere, "lazyns", "lazyns"},
	} {
		up, err := sh(c.env, c.dir, c.run+" lab up veth"+hidden)
		if err != nil {
			t.Fatalf("%s lab up: %v\n%s", c.run, err, up)
		}
		tried, removed := try.FindStringSubmatch(up), remove.FindStringSubmatch(up)
		if tried == nil || removed == nil || tried[1] != c.self || removed[1] != c.self+" lab down veth" {
			t.Fatalf("%s lab up printed:\n%s\nwant hints that start with %s", c.run, up, c.self)
		}
		// Twice: the refusal names the way down too.
		if out, _ := sh(c.env, c.dir, c.run+" lab up veth"+hidden); !strings.Contains(out, "take it down with: "+c.self+" lab down veth)") {
			t.Errorf("%s lab up twice: %s", c.run, out)
		}
		// The try hint's command runs, from anywhere: shell needs a
		// terminal, so exec stands in for it.
		if out, err := sh(c.env, elsewhere, tried[1]+" exec "+tried[2]+" -- ip -o link show lo"); err != nil || !strings.Contains(out, "lo:") {
			t.Errorf("%s exec %s: %v\n%s", tried[1], tried[2], err, out)
		}
		if out, err := sh(c.env, elsewhere, removed[1]+hidden); err != nil || out != "lab veth is down\n" {
			t.Errorf("%s%s: %v\n%s", removed[1], hidden, err, out)
		}
	}
	// Without privileges, the hint to read the commands runs too.
	out, _ := sh(noLazyns, elsewhere, "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "+bin+" lab up veth"+hidden)
	read := regexp.MustCompile(`or read its commands with: (.*)\n`).FindStringSubmatch(out)
	if read == nil || !strings.HasPrefix(read[1], bin+" ") {
		t.Fatalf("lab up without privileges: %s", out)
	}
	if out, err := sh(noLazyns, elsewhere, "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "+read[1]); err != nil || !strings.Contains(out, "ip netns add ") {
		t.Errorf("%s: %v\n%s", read[1], err, out)
	}
}
