package main

import (
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
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

	code, out, stderr := timedLazyns(t, "topo")
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

	code, out, stderr = timedLazyns(t, "topo", "--dot")
	if code != 0 {
		t.Fatalf("topo --dot: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "graph lazyns {") || !strings.Contains(out, `label="`+hub+`"`) {
		t.Errorf("topo --dot:\n%s", out)
	}
	clitest.RenderDot(t, out)
}

// timedLazyns runs lazyns and fails the test if it takes as long as the
// hang it guards against. The hub above has two nsids, asked in parallel
// on one socket: each asker used to read and drop the other's answer, then
// wait 10 s (SO_RCVTIMEO) for it. A normal run takes a fraction of a
// second, but seconds on a loaded CI machine: the bound is the hang's.
func timedLazyns(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	start := time.Now()
	code, out, stderr := lazyns(t, args...)
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("lazyns %v took %v", args, took)
	}
	return code, out, stderr
}

// TestTopoHostileNames: names with escape sequences, quotes and invalid
// UTF-8 stay inert in the tree and cannot break the Graphviz graph.
func TestTopoHostileNames(t *testing.T) {
	nstest.RequireRoot(t)
	evil := "q\"\\\x1b[2J\xff" + nstest.Name("")
	nstest.NetnsNamed(t, evil)
	plain := nstest.Netns(t)
	nstest.IP(t, "-n", evil, "link", "add", "e\x1b]0;\"x", "type", "veth", "peer", "name", "p0", "netns", plain)

	code, out, stderr := lazyns(t, "topo")
	if code != 0 {
		t.Fatalf("topo: exit %d: %s", code, stderr)
	}
	for i := 0; i < len(out); i++ {
		if c := out[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			t.Fatalf("topo wrote raw control byte %#x", c)
		}
	}
	// Which end comes first depends on the order of the namespaces.
	a, b := `q"\\x1b[2J\xff`, `e\x1b]0;"x ⇄ `+plain+" p0"
	if !strings.Contains(out, a) || (!strings.Contains(out, b) && !strings.Contains(out, plain+` p0 DOWN ⇄ q"\\x1b[2J\xff`)) {
		t.Errorf("topo does not show the pair with escaped names:\n%s", out)
	}

	code, out, stderr = lazyns(t, "topo", "--dot")
	if code != 0 {
		t.Fatalf("topo --dot: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `label="q\"\\\\x1b[2J\\xff`) {
		t.Errorf("the hostile name is not escaped in the graph:\n%s", out)
	}
	clitest.RenderDot(t, out)
}
