package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestConfigReadOnlyBlocksChanges: one line of config makes a node
// read-only, and a change then reaches nothing in the kernel.
func TestConfigReadOnlyBlocksChanges(t *testing.T) {
	nstest.RequireRoot(t)
	clitest.CleanConfigEnv(t)
	path := clitest.WriteConfig(t, "read_only = true\n")
	prefix := nstest.Name("")
	prefix = prefix[len(prefix)-9:]
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", prefix+"-veth-red").Run()
		_ = exec.Command("ip", "netns", "del", prefix+"-veth-blue").Run()
	})
	code, _, stderr := lazyns(t, "--config", path, "lab", "up", "veth", "--prefix", prefix, "--state-dir", t.TempDir())
	if code != 1 || !strings.Contains(stderr, "read-only") {
		t.Errorf("lab up under read_only = true: exit %d, %q", code, stderr)
	}
	if out, _ := exec.Command("ip", "netns", "list").Output(); strings.Contains(string(out), prefix) {
		t.Fatal("a read-only config still let lab up make a namespace")
	}
	a, out, err := configured(t, "--config", path, "config")
	if err != nil {
		t.Fatalf("config: %v\n%s", err, out)
	}
	sys, err := a.system()
	if err != nil {
		t.Fatal(err)
	}
	if !sys.ReadOnly {
		t.Error("the System made under read_only = true is not read-only")
	}
}
