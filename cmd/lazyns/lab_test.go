package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

func TestLabUsage(t *testing.T) {
	for _, args := range [][]string{
		{"lab", "up", "nosuchlab"},
		{"lab", "up"},
		{"lab", "up", "veth", "--routers", "5"},
		{"lab", "up", "openstack", "--routers", "0"},
		{"lab", "down", "nosuchlab"},
	} {
		code, _, stderr := lazyns(t, args...)
		if code != 2 || strings.Count(stderr, "\n") != 1 {
			t.Errorf("lazyns %v: exit %d, %q; want exit 2 and one line", args, code, stderr)
		}
	}
	code, stdout, _ := lazyns(t, "lab", "list", "--state-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("lab list: exit %d", code)
	}
	for _, lab := range []string{"veth", "bridge", "bridge-in-ns", "router", "openstack"} {
		if !strings.Contains(stdout, "\n"+lab+" ") && !strings.HasPrefix(stdout, lab+" ") {
			t.Errorf("lab list lacks %s:\n%s", lab, stdout)
		}
	}
}

// --print needs no privileges and touches nothing: it prints a script.
func TestLabPrint(t *testing.T) {
	code, stdout, stderr := lazyns(t, "lab", "up", "veth", "--print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"set -e\n",
		"ip netns add lz-veth-red\n",
		"ip -n lz-veth-red link add name veth0 type veth peer name veth1 netns lz-veth-blue\n",
		"ip -n lz-veth-blue addr add 10.0.1.2/24 dev veth1\n",
		"ip -n lz-veth-blue link set dev lo up\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--print lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = lazyns(t, "lab", "up", "openstack", "--routers", "4", "--print")
	if code != 0 || strings.Count(stdout, "ip netns add qrouter-") != 4 || strings.Count(stdout, "ip netns add qdhcp-") != 4 {
		t.Errorf("openstack --print: exit %d\n%s", code, stdout)
	}
}

func TestLabUpDownCLI(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	prefix := nstest.Name("")
	prefix = prefix[len(prefix)-9:]
	flags := []string{"--prefix", prefix, "--state-dir", dir}
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", prefix+"-veth-red").Run()
		_ = exec.Command("ip", "netns", "del", prefix+"-veth-blue").Run()
	})
	lab := func(args ...string) (int, string, string) {
		return lazyns(t, append(append([]string{"lab"}, args...), flags...)...)
	}

	code, _, stderr := lazyns(t, append([]string{"--read-only", "lab", "up", "veth"}, flags...)...)
	if code != 1 || !strings.Contains(stderr, "read-only") {
		t.Errorf("read-only up: exit %d, %q", code, stderr)
	}
	if out, _ := exec.Command("ip", "netns", "list").Output(); strings.Contains(string(out), prefix) {
		t.Fatal("read-only up made a namespace")
	}
	code, stdout, stderr := lab("up", "veth")
	if code != 0 || !strings.Contains(stdout, "lab veth is up: 2 namespaces") {
		t.Fatalf("up: exit %d, %q %q", code, stdout, stderr)
	}
	code, _, stderr = lab("up", "veth")
	if code != 1 || stderr != "lazyns: lab veth is already up (take it down with: lazyns lab down veth)\n" {
		t.Errorf("up twice: exit %d, %q", code, stderr)
	}
	if _, stdout, _ = lab("list"); !strings.Contains(stdout, "up since") {
		t.Errorf("list does not say veth is up:\n%s", stdout)
	}
	if code, stdout, _ = lab("down", "veth"); code != 0 || stdout != "lab veth is down\n" {
		t.Errorf("down: exit %d, %q", code, stdout)
	}
	if code, stdout, _ = lab("down", "veth"); code != 0 || stdout != "lab veth is not up: nothing to remove\n" {
		t.Errorf("down twice: exit %d, %q", code, stdout)
	}
}
