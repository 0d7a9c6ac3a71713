package nsops

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// Trace through real firewalls: each verdict is checked against what the
// kernel does with a real packet — a ping, or a TCP connection made
// from inside the namespace to a listener inside another — in routerLab's
// a — r — b, with rules in the router r.

// traceProbe traces probe from the namespace from to dst.
func (l *traceLab) traceProbe(from, dst string, p trace.Probe) *trace.Trace {
	l.t.Helper()
	tr, key := l.tracer()
	res, err := tr.TraceProbe(key(from), net.ParseIP(dst), nil, p)
	if err != nil {
		l.t.Fatal(err)
	}
	return res
}

// inNsFd runs fn on a thread inside the named namespace.
func inNsFd(t *testing.T, ns string, fn func() error) error {
	t.Helper()
	f, err := os.Open(filepath.Join(DefaultNetnsDir, ns))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return InNamespace(int(f.Fd()), fn)
}

// listenTCP listens on addr inside ns and accepts until the test ends.
func listenTCP(t *testing.T, ns, addr string) {
	t.Helper()
	var ln net.Listener
	if err := inNsFd(t, ns, func() (err error) { ln, err = net.Listen("tcp", addr); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
}

// connects reports whether a TCP connection from inside ns to addr is
// made (the SYN went and its answer came back).
func connects(t *testing.T, ns, addr string) bool {
	t.Helper()
	var c net.Conn
	err := inNsFd(t, ns, func() (err error) { c, err = net.DialTimeout("tcp", addr, 1500*time.Millisecond); return err })
	if err == nil {
		c.Close()
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) || strings.Contains(err.Error(), "refused") || strings.Contains(err.Error(), "unreachable") {
		return false
	}
	t.Fatalf("dial %s in %s: %v", addr, ns, err)
	return false
}

// expectProbe checks a TCP trace's verdict against a real connection.
func (l *traceLab) expectProbe(from, dst string, port uint16, verdict trace.Verdict, where, reason string) *trace.Trace {
	l.t.Helper()
	tr := l.traceProbe(from, dst, trace.Probe{Proto: trace.ProtoTCP, Port: port})
	text := drawnTrace(tr)
	if tr.Verdict != verdict || tr.NsName != where || !strings.Contains(tr.Reason, reason) {
		l.t.Fatalf("trace tcp %s → %s:%d: got %s in %s, want %s in %s with %q\n%s", from, dst, port, tr.Verdict, tr.NsName, verdict, where, reason, text)
	}
	if ok := connects(l.t, from, net.JoinHostPort(dst, fmt.Sprint(port))); ok != (tr.Answered() == trace.Delivered) {
		l.t.Fatalf("trace says %s (round trip %s) but the connection made=%v\n%s", tr.Verdict, tr.Answered(), ok, text)
	}
	return tr
}

func drawnTrace(tr *trace.Trace) string {
	var b strings.Builder
	trace.Write(&b, tr, nil, model.NoPaint)
	return b.String()
}

// iptables's nf_tables backend: FORWARD policy DROP, then the usual rules
// that let a's connections through and their answers back.
func TestTraceFirewallPolicyDropIptablesNft(t *testing.T) {
	l, a, r, b := routerLab(t)
	nstest.RequireTool(t, "iptables-nft")
	inNs(t, r, "iptables-nft", "-P", "FORWARD", "DROP")
	tr := l.expect(a, "10.231.2.2", trace.Dropped, r, "the firewall of "+r+" drops it: ip filter FORWARD policy drop")
	if tr.Rule == nil || !tr.Rule.Policy || tr.Rule.Source != model.FwIptablesNft || tr.Rule.Counters == nil {
		t.Errorf("rule %+v", tr.Rule)
	}
	inNs(t, r, "iptables-nft", "-A", "FORWARD", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT")
	inNs(t, r, "iptables-nft", "-A", "FORWARD", "-i", "ra", "-j", "ACCEPT")
	l.expect(a, "10.231.2.2", trace.Delivered, b, "")
	// From the other side, nothing lets a first packet through.
	l.expect(b, "10.231.1.1", trace.Dropped, r, "policy drop")
}

// nft: a drop on one TCP port; the probe to that port is dropped, one to
// another port is not, and neither is a ping.
func TestTraceFirewallPortDropNft(t *testing.T) {
	l, a, r, b := routerLab(t)
	nstest.RequireTool(t, "nft")
	inNs(t, r, "nft", "add table inet f; add chain inet f fw { type filter hook forward priority 0; }; add rule inet f fw tcp dport 8080 counter drop")
	listenTCP(t, b, "10.231.2.2:8080")
	listenTCP(t, b, "10.231.2.2:8081")
	tr := l.expectProbe(a, "10.231.2.2", 8080, trace.Dropped, r, "inet f fw rule tcp dport 8080 counter packets")
	if !strings.HasPrefix(tr.Command, "ip netns exec "+r+" nft -a list chain inet f fw") {
		t.Errorf("command %q", tr.Command)
	}
	l.expectProbe(a, "10.231.2.2", 8081, trace.Delivered, b, "")
	l.expect(a, "10.231.2.2", trace.Delivered, b, "")
}

// iptables-legacy: REJECT on a port, answered with a reset.
func TestTraceFirewallRejectIptablesLegacy(t *testing.T) {
	l, a, r, b := routerLab(t)
	nstest.RequireTool(t, "iptables-legacy")
	nstest.RequireTool(t, "iptables-legacy-save")
	inNs(t, r, "iptables-legacy", "-A", "FORWARD", "-p", "tcp", "--dport", "8080", "-j", "REJECT", "--reject-with", "tcp-reset")
	listenTCP(t, b, "10.231.2.2:8080")
	listenTCP(t, b, "10.231.2.2:8081")
	tr := l.expectProbe(a, "10.231.2.2", 8080, trace.Dropped, r, "the firewall of "+r+" rejects it: ip filter FORWARD rule -A FORWARD -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset")
	if tr.Rule.Source != model.FwIptablesLegacy || tr.Rule.Counters == nil {
		t.Errorf("rule %+v", tr.Rule)
	}
	l.expectProbe(a, "10.231.2.2", 8081, trace.Delivered, b, "")
}

// iptables (nf_tables): an ACCEPT before a DROP lets pings through; TCP
// meets the DROP.
func TestTraceFirewallAcceptBeforeDrop(t *testing.T) {
	l, a, r, b := routerLab(t)
	nstest.RequireTool(t, "iptables-nft")
	inNs(t, r, "iptables-nft", "-A", "FORWARD", "-p", "icmp", "-j", "ACCEPT")
	inNs(t, r, "iptables-nft", "-A", "FORWARD", "-j", "DROP")
	listenTCP(t, b, "10.231.2.2:8080")
	tr := l.expect(a, "10.231.2.2", trace.Delivered, b, "")
	if f := tr.Hops[1].Firewall; len(f) != 1 || f[0].Action != "accept" || f[0].Rule != "-A FORWARD -p icmp -j ACCEPT" {
		t.Errorf("router's firewall %+v", f)
	}
	l.expectProbe(a, "10.231.2.2", 8080, trace.Dropped, r, "rule -A FORWARD -j DROP")
}

// A floating IP in a router (iptables-nft's nat table, as Neutron writes
// it): the packet goes on to the fixed address, and the answer comes back
// from the floating one.
func TestTraceFirewallDNATFloatingIP(t *testing.T) {
	l, a, r, b := routerLab(t)
	nstest.RequireTool(t, "iptables-nft")
	inNs(t, r, "iptables-nft", "-t", "nat", "-A", "PREROUTING", "-d", "172.24.4.10/32", "-j", "DNAT", "--to-destination", "10.231.2.2")
	tr := l.expect(a, "172.24.4.10", trace.Delivered, b, "10.231.2.2 is an address of "+b)
	hop := tr.Hops[1]
	if len(hop.NAT) != 1 || hop.NAT[0].To != "10.231.2.2" || hop.NAT[0].Kind != "dnat" {
		t.Errorf("router's nat %+v", hop.NAT)
	}
	// The kernel routes the translated address: so does the hop's lookup.
	if want := "ip -n " + r + " route get 10.231.2.2 from 10.231.1.1 iif ra"; hop.Command != want {
		t.Errorf("command %q, want %q", hop.Command, want)
	}
	if rep := tr.Reply.Hops[len(tr.Reply.Hops)-1]; rep.Src.String() != "172.24.4.10" {
		t.Errorf("a gets its answer from %v", rep.Src)
	}
	// Without the rule, the router has no route to the floating IP.
	inNs(t, r, "iptables-nft", "-t", "nat", "-F", "PREROUTING")
	l.expect(a, "172.24.4.10", trace.Dropped, r, "no route to 172.24.4.10 in "+r)
}

// iptables-legacy MASQUERADE: b has no way back to a's network; the
// answer comes back all the same, to r's address, and r gives it to a.
func TestTraceFirewallMasqueradeIptablesLegacy(t *testing.T) {
	l, a, r, b := routerLab(t)
	nstest.RequireTool(t, "iptables-legacy")
	nstest.RequireTool(t, "iptables-legacy-save")
	l.ip("-n", b, "route", "del", "default")
	tr := l.expect(a, "10.231.2.2", trace.Delivered, b, "")
	if tr.Answered() != trace.Dropped {
		t.Fatalf("without masquerade the answer has no way back: %s", tr.Answered())
	}
	inNs(t, r, "iptables-legacy", "-t", "nat", "-A", "POSTROUTING", "-s", "10.231.1.0/24", "-o", "rb", "-j", "MASQUERADE")
	tr = l.expect(a, "10.231.2.2", trace.Delivered, b, "")
	if got := tr.Hops[2].Src.String(); got != "10.231.2.254" {
		t.Errorf("b sees the packet from %s, want r's address", got)
	}
	if n := tr.Hops[1].NAT; len(n) != 1 || n[0].Kind != "masquerade" || n[0].To != "10.231.2.254" {
		t.Errorf("r's nat %+v", n)
	}
	// The answer goes to r's address, and r gives it back to a.
	if tr.Answered() != trace.Delivered || tr.Reply.NsName != a || len(tr.Reply.Hops[1].NAT) != 1 {
		t.Errorf("reply %s in %s: %s\n%s", tr.Reply.Verdict, tr.Reply.NsName, tr.Reply.Reason, drawnTrace(tr))
	}
}

// pings reports whether one ping from ns to dst is answered.
func pings(ns, dst string) bool {
	return exec.Command("ip", "netns", "exec", ns, "ping", "-n", "-c1", "-W1", dst).Run() == nil
}

// expectMaybe checks that the trace says the packet is delivered but may
// be dropped by a rule it names, and that what a real ping does agrees.
func (l *traceLab) expectMaybe(from, dst, where, rule string) *trace.Trace {
	l.t.Helper()
	tr := l.trace(from, dst, "")
	text := drawnTrace(tr)
	if tr.Verdict != trace.Delivered || tr.NsName != where || !strings.Contains(tr.Reason, "it may be dropped on the way, by "+rule) || len(tr.MayDrop()) == 0 {
		l.t.Fatalf("trace %s → %s: want delivered in %s but may be dropped by %q\n%s", from, dst, where, rule, text)
	}
	if p := (&trace.PingResult{Replied: pings(from, dst)}); !p.Agrees(tr) {
		l.t.Fatalf("ping replied=%v disagrees\n%s", p.Replied, text)
	}
	return tr
}

// Rules trace cannot evaluate: a random drop (iptables -m statistic), and
// a drop on a mark another chain sets (nft). The verdict says the packet
// may be dropped by the rule, rather than guess.
func TestTraceFirewallMayDrop(t *testing.T) {
	l, a, r, b := routerLab(t)
	nstest.RequireTool(t, "iptables-nft")
	nstest.RequireTool(t, "nft")
	inNs(t, r, "iptables-nft", "-A", "FORWARD", "-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "DROP")
	tr := l.expectMaybe(a, "10.231.2.2", b, "ip filter FORWARD rule -A FORWARD -m statistic --mode random --probability 0.5")
	if u := tr.MayDrop()[0].Unsure; !strings.Contains(strings.Join(u, ","), "statistic") {
		t.Errorf("unsure %q", u)
	}
	inNs(t, r, "iptables-nft", "-F", "FORWARD")
	inNs(t, r, "nft", "add table ip m; add chain ip m pre { type filter hook prerouting priority -150; }; add rule ip m pre ip saddr 10.231.1.0/24 meta mark set 0x1; add chain ip m fw { type filter hook forward priority 10; }; add rule ip m fw meta mark 0x1 drop")
	// The mark is set: the kernel drops every ping.
	if pings(a, "10.231.2.2") {
		t.Fatal("the marked ping went through")
	}
	tr = l.expectMaybe(a, "10.231.2.2", b, "ip m fw rule meta mark 0x00000001 drop")
	if u := tr.MayDrop()[0].Unsure; !strings.Contains(strings.Join(u, ","), "the mark") {
		t.Errorf("unsure %q", u)
	}
}

// Hostile text in rules — a chain named with $(…), a comment with escape
// bytes — is inert in the drawn trace and exact in its JSON.
func TestTraceFirewallHostileText(t *testing.T) {
	l, a, r, _ := routerLab(t)
	nstest.RequireTool(t, "iptables-legacy")
	nstest.RequireTool(t, "iptables-legacy-save")
	chain := "x$(id)"
	comment := "\x1b[31mevil\x1b]0;pwn\x07"
	inNs(t, r, "iptables-legacy", "-N", chain)
	inNs(t, r, "iptables-legacy", "-A", "FORWARD", "-j", chain)
	inNs(t, r, "iptables-legacy", "-A", chain, "-m", "comment", "--comment", comment, "-j", "DROP")
	tr := l.expect(a, "10.231.2.2", trace.Dropped, r, "")
	text := drawnTrace(tr)
	if strings.ContainsAny(text, "\x1b\x07") || strings.ContainsAny(tr.Reason, "\x1b\x07") {
		t.Errorf("raw control bytes on screen:\n%q", text)
	}
	if !strings.Contains(text, `\x1b[31mevil`) || !strings.Contains(text, "x$(id)") {
		t.Errorf("the rule is not shown:\n%s", text)
	}
	if !strings.Contains(tr.Command, "'x$(id)'") {
		t.Errorf("by hand %q: the chain is not quoted", tr.Command)
	}
	var doc struct {
		Rule struct {
			Chain string `json:"chain"`
			Text  string `json:"text"`
		} `json:"rule"`
	}
	if err := json.Unmarshal(trace.JSON(tr, nil), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Rule.Chain != chain || !strings.Contains(doc.Rule.Text, comment) {
		t.Errorf("json not exact: %+v", doc.Rule)
	}
}

// A bridge inside a namespace with br_netfilter on hands what it forwards
// to that namespace's FORWARD chain (the Docker-host trap, here in a
// namespace of the test's): trace and ping agree, with the setting on and
// off.
func TestTraceFirewallBridgedBrNetfilter(t *testing.T) {
	l := newTraceLab(t)
	nstest.RequireTool(t, "iptables-nft")
	sw, a, b := l.netns(), l.netns(), l.netns()
	if _, err := os.Stat("/proc/sys/net/bridge/bridge-nf-call-iptables"); err != nil {
		t.Skip("br_netfilter is not loaded (modprobe br_netfilter)")
	}
	l.ip("-n", sw, "link", "add", "br0", "type", "bridge")
	l.ip("-n", sw, "link", "set", "br0", "up")
	for i, ns := range []string{a, b} {
		port := []string{"pa", "pb"}[i]
		l.veth(sw, port, ns, "eth0")
		l.ip("-n", sw, "link", "set", port, "master", "br0")
		l.ip("-n", ns, "addr", "add", []string{"10.231.7.1/24", "10.231.7.2/24"}[i], "dev", "eth0")
	}
	inNs(t, sw, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1")
	inNs(t, sw, "iptables-nft", "-P", "FORWARD", "DROP")
	tr := l.expect(a, "10.231.7.2", trace.Dropped, sw, "the firewall of "+sw+" drops it as bridge br0 forwards it (net.bridge.bridge-nf-call-iptables is 1 there): ip filter FORWARD policy drop")
	if tr.Rule == nil || tr.Rule.Bridge != "br0" {
		t.Errorf("rule %+v", tr.Rule)
	}
	inNs(t, sw, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0")
	l.expect(a, "10.231.7.2", trace.Delivered, b, "")
}
