package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// TestTopoAgainstRealNamespaces builds a bridge inside one namespace with
// two namespaces plugged in, and a direct pair, and reads them back.
func TestTopoAgainstRealNamespaces(t *testing.T) {
	nstest.RequireRoot(t)
	hub, a, b := nstest.Netns(t), nstest.Netns(t), nstest.Netns(t)
	ip := func(args ...string) { nstest.IP(t, args...) }
	ip("-n", hub, "link", "add", "br0", "type", "bridge")
	ip("-n", hub, "link", "set", "br0", "up")
	for i, ns := range []string{a, b} {
		port := "p" + string(rune('a'+i))
		ip("-n", hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns)
		ip("-n", hub, "link", "set", port, "master", "br0", "up")
		ip("-n", ns, "link", "set", "eth0", "up")
		ip("-n", ns, "addr", "add", "10.83."+string(rune('1'+i))+".2/24", "dev", "eth0")
	}
	ip("-n", a, "link", "add", "ab", "type", "veth", "peer", "name", "ba", "netns", b)

	code, out, stderr := lazyns(t, "topo")
	if code != 0 {
		t.Fatalf("topo: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		hub + " br0\n",
		"├─ pa ⇄ " + a + " eth0 10.83.1.2/24\n",
		"└─ pb ⇄ " + b + " eth0 10.83.2.2/24\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("topo lacks %q:\n%s", want, out)
		}
	}
	// The pair is written from whichever namespace sorts first, and the
	// run-unique names need not sort as they were made.
	ab, ba := a+" ab DOWN ⇄ "+b+" ba DOWN\n", b+" ba DOWN ⇄ "+a+" ab DOWN\n"
	if !strings.Contains(out, ab) && !strings.Contains(out, ba) {
		t.Errorf("topo lacks the pair %q:\n%s", ab, out)
	}

	code, out, stderr = lazyns(t, "topo", "--dot")
	if code != 0 {
		t.Fatalf("topo --dot: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "graph lazyns {") || !strings.Contains(out, `label="`+hub+`"`) {
		t.Errorf("topo --dot:\n%s", out)
	}
	if _, err := exec.LookPath("dot"); err == nil {
		cmd := exec.Command("dot", "-Tsvg")
		cmd.Stdin = strings.NewReader(out)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Run(); err != nil || errb.Len() > 0 {
			t.Errorf("dot -Tsvg: %v %s", err, errb.String())
		}
	}
}
