package main

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

func TestTraceUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"trace", "x"},
		{"trace", "x", "not-an-ip"},
		{"trace", "x", "10.0.0.1", "--from", "zzz"},
		{"trace", "x", "10.0.0.1", "--from", "fd00::1"},
		{"trace", "x", "224.0.0.1"},
		{"--read-only", "trace", "x", "10.0.0.1", "--ping"},
		{"trace", "x", "10.0.0.1", "--proto", "sctp", "--port", "80"},
		{"trace", "x", "10.0.0.1", "--proto", "tcp"},
		{"trace", "x", "10.0.0.1", "--port", "70000"},
		{"trace", "x", "10.0.0.1", "--proto", "icmp", "--port", "5"},
		{"trace", "x", "10.0.0.1", "--proto", "udp", "--port", "53", "--ping"},
	} {
		code, stdout, stderr := lazyns(t, args...)
		if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("lazyns %v: exit %d, stdout %q, stderr %q; want exit 2 and one line", args, code, stdout, stderr)
		}
	}
}

// vethPair makes two namespaces joined by a veth pair, a0 with
// NET.1/24 and b0 with NET.2/24, both up.
func vethPair(t *testing.T, net string) (a, b string) {
	t.Helper()
	nstest.RequireRoot(t)
	a, b = nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", a, "link", "add", "a0", "type", "veth", "peer", "name", "b0", "netns", b)
	nstest.IP(t, "-n", a, "addr", "add", net+".1/24", "dev", "a0")
	nstest.IP(t, "-n", b, "addr", "add", net+".2/24", "dev", "b0")
	nstest.IP(t, "-n", a, "link", "set", "a0", "up")
	nstest.IP(t, "-n", b, "link", "set", "b0", "up")
	return a, b
}

func TestTraceCommand(t *testing.T) {
	a, b := vethPair(t, "10.233.0")

	// Read-only is fine: a trace only reads.
	code, stdout, stderr := lazyns(t, "--read-only", "trace", a, "10.233.0.2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Verdict, Reason, Netns string
		Hops                   []map[string]any
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if doc.Verdict != "delivered" || doc.Netns != b || len(doc.Hops) != 2 {
		t.Fatalf("%+v", doc)
	}
	for _, k := range []string{"netns", "in", "out", "route", "via"} {
		if _, ok := doc.Hops[0][k]; !ok {
			t.Errorf("hop lacks %q: %v", k, doc.Hops[0])
		}
	}
	if doc.Hops[0]["out"] != "a0" || doc.Hops[1]["in"] != "b0" {
		t.Errorf("hops %v", doc.Hops)
	}

	// Dropped exits 1 and says where and why.
	code, stdout, _ = lazyns(t, "trace", a, "10.234.0.1", "--no-color")
	if code != 1 || !strings.Contains(stdout, "dropped in "+a+": no route to 10.234.0.1 in "+a) {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	// A source the namespace does not have is a usage error.
	code, _, stderr = lazyns(t, "trace", a, "10.233.0.2", "--from", "10.233.0.9")
	if code != 2 || !strings.Contains(stderr, "10.233.0.9 is not an address of the namespace "+a) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if code, _, stderr = lazyns(t, "trace", nstest.Name("nope"), "10.233.0.2"); code != 2 {
		t.Errorf("unknown namespace: exit %d: %s", code, stderr)
	}

	// The UI's T goes through the tracer adapter.
	sys, err := nsops.New(nsops.DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	start, err := sys.Locate(snap, model.NsArg{Kind: model.ArgName, Name: a})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := host.NewTracer(sys).Trace(context.Background(), start.Key, net.ParseIP("10.233.0.2"), nil)
	if err != nil || tr.Verdict != trace.Delivered || tr.NsName != b {
		t.Fatalf("UI trace: %v %+v", err, tr)
	}
}

// Hostile names along the path are inert in the chain, exact in JSON, and
// quoted in the commands shown for copying.
func TestTraceHostileNames(t *testing.T) {
	nstest.RequireRoot(t)
	a := "t\x1b[2J\xff$(id)" + nstest.Name("")
	b := nstest.Netns(t)
	nstest.NetnsNamed(t, a)
	ifName := "e\x1b[31m\xfe;x"
	nstest.IP(t, "-n", a, "link", "add", "a0", "type", "veth", "peer", "name", ifName, "netns", b)
	nstest.IP(t, "-n", a, "addr", "add", "10.235.0.1/24", "dev", "a0")
	nstest.IP(t, "-n", b, "addr", "add", "10.235.0.2/24", "dev", ifName)
	nstest.IP(t, "-n", a, "link", "set", "a0", "up")
	nstest.IP(t, "-n", b, "link", "set", ifName, "up")

	code, stdout, stderr := lazyns(t, "trace", a, "10.235.0.2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for i := 0; i < len(stdout); i++ {
		if c := stdout[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			t.Fatalf("raw control byte %#x:\n%q", c, stdout)
		}
	}
	for _, want := range []string{`● t\x1b[2J\xff$(id)`, `in e\x1b[31m\xfe;x`, `route get 10.235.0.2 from 10.235.0.1 iif $'e\x1b[31m\xfe;x'`,
		`ip -n $'t\x1b[2J\xff$(id)`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = lazyns(t, "trace", a, "10.235.0.2", "--json")
	if code != 0 || !json.Valid([]byte(stdout)) || !strings.Contains(stdout, `"in":"e\u001b[31m\udcfe;x"`) ||
		!strings.Contains(stdout, `"netns":"t\u001b[2J\udcff$(id)`) {
		t.Errorf("JSON (exit %d):\n%s", code, stdout)
	}
}

// trace --proto/--port follows a TCP packet through the firewall of the
// namespace it is for: the rule that drops it is named in the text (inert)
// and the JSON (exact), and another port gets through.
func TestTraceCommandFirewall(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "iptables-nft")
	a, b := vethPair(t, "10.236.0")
	comment := "\x1b[2Jx$(id)"
	nstest.IP(t, "netns", "exec", b, "iptables-nft", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-m", "comment", "--comment", comment, "-j", "DROP")

	code, stdout, stderr := lazyns(t, "trace", a, "10.236.0.2", "--proto", "tcp", "--port", "22", "--no-color")
	if code != 1 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	for i := 0; i < len(stdout); i++ {
		if c := stdout[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			t.Fatalf("raw control byte %#x:\n%q", c, stdout)
		}
	}
	for _, want := range []string{"trace tcp port 22 to 10.236.0.2", "firewall  input: ip filter INPUT: rule -A INPUT -p tcp -m tcp --dport 22",
		"dropped in " + b + ": the firewall of " + b + " drops it", `\x1b[2Jx$(id)`, "by hand   ip netns exec " + b + " iptables-nft -t filter -vnL INPUT --line-numbers -x"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = lazyns(t, "trace", a, "10.236.0.2", "--proto", "tcp", "--port", "22", "--json")
	var doc struct {
		Verdict string `json:"verdict"`
		Proto   string `json:"proto"`
		Port    int    `json:"port"`
		Rule    struct {
			Hook, Table, Chain, Text, Action string
		} `json:"rule"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != 1 {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	if doc.Verdict != "dropped" || doc.Proto != "tcp" || doc.Port != 22 || doc.Rule.Hook != "input" || doc.Rule.Chain != "INPUT" ||
		doc.Rule.Action != "drop" || !strings.Contains(doc.Rule.Text, comment) {
		t.Errorf("json %+v", doc)
	}
	if code, stdout, _ = lazyns(t, "trace", a, "10.236.0.2", "--port", "23"); code != 0 || !strings.Contains(stdout, "delivered in "+b) {
		t.Errorf("port 23: exit %d\n%s", code, stdout)
	}
}
