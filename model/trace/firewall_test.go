package trace

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// Small builders of firewalls, so each test reads like its ruleset.

func rule(text string, v model.FwVerdictKind, ms ...model.FwMatch) model.FwRule {
	return model.FwRule{Text: text, Verdict: model.FwVerdict{Kind: v}, Matches: ms, Counters: &model.FwCounters{Packets: 3, Bytes: 180}}
}

func jump(text, to string, ms ...model.FwMatch) model.FwRule {
	r := rule(text, model.FwJump, ms...)
	r.Verdict.Chain = to
	return r
}

func natRule(text, kind, to string, ms ...model.FwMatch) model.FwRule {
	r := rule(text, model.FwAccept, ms...)
	r.NAT = &model.FwNAT{Kind: kind}
	if to != "" {
		r.NAT.Addr = netip.MustParseAddr(to)
		r.NAT.AddrLast = r.NAT.Addr
	}
	return r
}

func unsure(r model.FwRule, what ...string) model.FwRule {
	r.Unsure = what
	return r
}

func base(name, hook string, prio int, typ, policy string, rules ...model.FwRule) model.FwChain {
	return model.FwChain{Name: name, Hook: hook, Priority: prio, Type: typ, Policy: policy, Rules: rules}
}

func user(name string, rules ...model.FwRule) model.FwChain {
	return model.FwChain{Name: name, Rules: rules}
}

func table(family, name string, src model.FwSource, chains ...model.FwChain) model.FwTable {
	return model.FwTable{Family: family, Name: name, Source: src, Chains: chains}
}

func (tp *topo) firewallOf(ns string, tables ...model.FwTable) {
	if tp.fw == nil {
		tp.fw = map[string]*model.Firewall{}
	}
	tp.fw[ns] = &model.Firewall{Tables: tables}
}

func daddr(p string) model.FwMatch {
	return model.FwMatch{Kind: model.FwDaddr, Prefixes: []netip.Prefix{netip.MustParsePrefix(p)}}
}

func saddr(p string) model.FwMatch {
	return model.FwMatch{Kind: model.FwSaddr, Prefixes: []netip.Prefix{netip.MustParsePrefix(p)}}
}

func oif(name string) model.FwMatch {
	return model.FwMatch{Kind: model.FwOifname, Names: []string{name}}
}

func proto(p uint8) model.FwMatch { return model.FwMatch{Kind: model.FwL4proto, Protos: []uint8{p}} }

func dport(p uint16) model.FwMatch {
	return model.FwMatch{Kind: model.FwDport, Ports: []model.FwPortRange{{First: p, Last: p}}}
}

func ctstate(s model.FwCtStates) model.FwMatch {
	return model.FwMatch{Kind: model.FwCtState, CtStates: s}
}

func filterForward(policy string, rules ...model.FwRule) model.FwTable {
	return table("ip", "filter", model.FwIptablesNft, base("FORWARD", "forward", 0, "filter", policy, rules...))
}

func drawn(tr *Trace) string {
	var b bytes.Buffer
	Write(&b, tr, nil, model.NoPaint)
	return b.String()
}

func TestTraceFirewallPolicyDrop(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r", filterForward("drop"))
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Dropped, "r", "the firewall of r drops it: ip filter FORWARD policy drop")
	if tr.Rule == nil || !tr.Rule.Policy || tr.Rule.Hook != "forward" || tr.Rule.Table != "filter" {
		t.Fatalf("rule %+v", tr.Rule)
	}
	if tr.Command != "ip netns exec r iptables-nft -t filter -vnL FORWARD --line-numbers -x" {
		t.Errorf("command %q", tr.Command)
	}
	// What is addressed to r itself does not go through FORWARD.
	expect(t, tp.trace("a", "10.0.1.254"), Delivered, "r", "")
}

// A drop on a port: the probe to that port is dropped, to another is not,
// and a ping is not; REJECT says so.
func TestTraceFirewallPortRule(t *testing.T) {
	for _, verdict := range []model.FwVerdictKind{model.FwDrop, model.FwReject} {
		tp := router(t)
		tp.firewallOf("r", filterForward("accept", rule("-A FORWARD -p tcp -m tcp --dport 80 -j "+strings.ToUpper(string(verdict)), verdict, proto(6), dport(80))))
		tr := tp.traceProbe("a", "10.0.2.2", Probe{Proto: ProtoTCP, Port: 80})
		verb := map[model.FwVerdictKind]string{model.FwDrop: "drops", model.FwReject: "rejects"}[verdict]
		expect(t, tr, Dropped, "r", "the firewall of r "+verb+" it: ip filter FORWARD rule -A FORWARD -p tcp -m tcp --dport 80 -j "+strings.ToUpper(string(verdict))+" (3 packets, 180 bytes so far)")
		if len(tr.Hops) != 2 || len(tr.Hops[1].Firewall) != 1 || tr.Hops[1].Firewall[0].Action != string(verdict) {
			t.Errorf("%s: hop firewall %+v", verdict, tr.Hops[1].Firewall)
		}
		expect(t, tp.traceProbe("a", "10.0.2.2", Probe{Proto: ProtoTCP, Port: 22}), Delivered, "b", "")
		expect(t, tp.traceProbe("a", "10.0.2.2", Probe{Proto: ProtoUDP, Port: 80}), Delivered, "b", "")
		expect(t, tp.trace("a", "10.0.2.2"), Delivered, "b", "")
	}
}

func TestTraceFirewallAcceptBeforeDrop(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r", filterForward("accept",
		rule("-A FORWARD -s 10.0.1.1/32 -j ACCEPT", model.FwAccept, saddr("10.0.1.1/32")),
		rule("-A FORWARD -j DROP", model.FwDrop)))
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Delivered, "b", "")
	if h := tr.Hops[1].Firewall; len(h) != 1 || h[0].Action != "accept" || h[0].Rule != "-A FORWARD -s 10.0.1.1/32 -j ACCEPT" {
		t.Errorf("hop firewall %+v", h)
	}
	// The reply (from 10.0.2.2) meets the drop: established or not, no
	// rule lets it by.
	if tr.Answered() != Dropped || tr.Reply.Rule == nil || tr.Reply.Rule.Rule != "-A FORWARD -j DROP" {
		t.Errorf("reply %+v", tr.Reply)
	}
}

// The reply is a connection's later packet: ct state established, which
// the usual rule lets back.
func TestTraceFirewallEstablishedReply(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r", filterForward("drop",
		rule("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", model.FwAccept, ctstate(model.FwCtEstablished|model.FwCtRelated)),
		rule("-A FORWARD -i ra -j ACCEPT", model.FwAccept, model.FwMatch{Kind: model.FwIifname, Names: []string{"ra"}})))
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Delivered, "b", "")
	if tr.Answered() != Delivered {
		t.Fatalf("reply %s: %s", tr.Reply.Verdict, tr.Reply.Reason)
	}
	// From b the first packet is new, and nothing lets it through.
	expect(t, tp.trace("b", "10.0.1.1"), Dropped, "r", "policy drop")
}

// Jumps, returns and gotos into user chains.
func TestTraceFirewallUserChains(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r", table("ip", "filter", model.FwIptablesLegacy,
		base("FORWARD", "forward", 0, "filter", "accept",
			jump("-A FORWARD -j checks", "checks"),
			rule("-A FORWARD -d 10.0.2.2/32 -j DROP", model.FwDrop, daddr("10.0.2.2/32"))),
		user("checks",
			rule("-A checks -p icmp -j RETURN", model.FwReturn, proto(1)),
			rule("-A checks -j ACCEPT", model.FwAccept))))
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Dropped, "r", "rule -A FORWARD -d 10.0.2.2/32 -j DROP")
	if !strings.HasPrefix(tr.Command, "ip netns exec r iptables-legacy -t filter -vnL FORWARD") {
		t.Errorf("command %q", tr.Command)
	}
	// TCP falls through the return to the accept in the user chain.
	tcp := tp.traceProbe("a", "10.0.2.2", Probe{Proto: ProtoTCP, Port: 443})
	expect(t, tcp, Delivered, "b", "")
	if h := tcp.Hops[1].Firewall; len(h) != 1 || h[0].Chain != "checks" || h[0].Action != "accept" {
		t.Errorf("hop firewall %+v", h)
	}
}

// A floating IP: DNAT in the router's prerouting sends the packet to the
// fixed address, whose route the kernel then looks up; the reply gets the
// floating IP back as its source.
func TestTraceFirewallDNAT(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r", table("ip", "nat", model.FwIptablesNft,
		base("PREROUTING", "prerouting", -100, "nat", "accept",
			natRule("-A PREROUTING -d 172.24.4.10/32 -j DNAT --to-destination 10.0.2.2", model.NATDnat, "10.0.2.2", daddr("172.24.4.10/32")))))
	tr := tp.trace("a", "172.24.4.10")
	expect(t, tr, Delivered, "b", "10.0.2.2 is an address of b")
	r := tr.Hops[1]
	if len(r.NAT) != 1 || r.NAT[0] != (NATStep{Hook: "prerouting", Kind: "dnat", Field: "dst", From: "172.24.4.10", To: "10.0.2.2"}) {
		t.Errorf("router nat %+v", r.NAT)
	}
	if r.Command != "ip -n r route get 10.0.2.2 from 10.0.1.1 iif ra" || r.Out != "rb" {
		t.Errorf("router lookup %q out %q", r.Command, r.Out)
	}
	if r.Dst.String() != "172.24.4.10" || tr.Hops[2].Dst.String() != "10.0.2.2" {
		t.Errorf("arrival addresses %v, %v", r.Dst, tr.Hops[2].Dst)
	}
	if f := r.Firewall; len(f) != 1 || f[0].NAT != "dst 172.24.4.10 → 10.0.2.2" {
		t.Errorf("router firewall %+v", f)
	}
	if tr.Dst.String() != "172.24.4.10" {
		t.Errorf("the trace's destination is what was asked: %v", tr.Dst)
	}
	rep := tr.Reply
	if rep == nil || rep.Verdict != Delivered || rep.NsName != "a" {
		t.Fatalf("reply %+v", rep)
	}
	if n := rep.Hops[1].NAT; len(n) != 1 || !n[0].Reverse || n[0].Field != "src" || n[0].From != "10.0.2.2" || n[0].To != "172.24.4.10" {
		t.Errorf("reply nat %+v", n)
	}
	if rep.Hops[2].Src.String() != "172.24.4.10" {
		t.Errorf("a gets its answer from %v", rep.Hops[2].Src)
	}
	text := drawn(tr)
	for _, want := range []string{
		"nat       dst 172.24.4.10 → 10.0.2.2 (dnat at prerouting); the route is looked up for the new address",
		"packet    10.0.1.1 → 10.0.2.2",
		"nat       src 10.0.2.2 → 172.24.4.10 in r at postrouting (connection tracking undoes the dnat)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// Without the rule, r has no route to the floating IP.
	delete(tp.fw, "r")
	expect(t, tp.trace("a", "172.24.4.10"), Dropped, "r", "no route to 172.24.4.10 in r")
}

// Masquerade: b has no way back to a's network, and needs none; the hops
// after r see r's address as the source, and the reply is translated back.
func TestTraceFirewallMasquerade(t *testing.T) {
	tp := router(t)
	b := tp.ns("b")
	b.Routes = b.Routes[:len(b.Routes)-1] // no default route
	tr := tp.trace("a", "10.0.2.2")
	if tr.Answered() != Dropped {
		t.Fatalf("without masquerade the reply has no way back: %s", tr.Answered())
	}
	tp.firewallOf("r", table("ip", "lazyns", model.FwNftables,
		base("postrouting", "postrouting", 100, "nat", "accept",
			natRule(`ip saddr 10.0.1.0/24 oifname "rb" masquerade`, model.NATMasquerade, "", saddr("10.0.1.0/24"), oif("rb")))))
	tr = tp.trace("a", "10.0.2.2")
	expect(t, tr, Delivered, "b", "")
	if got := tr.Hops[2].Src.String(); got != "10.0.2.254" {
		t.Errorf("b sees the packet from %s, want r's 10.0.2.254", got)
	}
	if got := tr.Hops[1].Src.String(); got != "10.0.1.1" {
		t.Errorf("r sees it from %s", got)
	}
	if tr.Answered() != Delivered || tr.Reply.Hops[1].Dst.String() != "10.0.2.254" || tr.Reply.Hops[2].Dst.String() != "10.0.1.1" {
		t.Fatalf("reply %+v", tr.Reply)
	}
	if tr.Hops[1].Firewall[0].Command != "ip netns exec r nft -a list chain ip lazyns postrouting" {
		t.Errorf("command %q", tr.Hops[1].Firewall[0].Command)
	}
	// What r sends itself is not from 10.0.1.0/24: not translated.
	own := tp.trace("r", "10.0.2.2")
	expect(t, own, Delivered, "b", "")
	if len(own.Hops[0].NAT) != 0 || own.Hops[1].Src.String() != "10.0.2.254" {
		t.Errorf("r's own packet: %+v", own.Hops)
	}
}

// A rule trace cannot evaluate: the verdict says what happens when it
// does not apply, and that it may drop the packet.
func TestTraceFirewallMayDrop(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r", filterForward("accept",
		unsure(rule("-A FORWARD -m statistic --mode random --probability 0.5 -j DROP", model.FwDrop), "xt match statistic")))
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Delivered, "b", "10.0.2.2 is an address of b; but it may be dropped on the way, by ip filter FORWARD rule -A FORWARD -m statistic --mode random --probability 0.5 -j DROP (3 packets, 180 bytes so far) in r (trace cannot evaluate xt match statistic)")
	if len(tr.MayDrop()) != 1 || tr.Rule != nil {
		t.Errorf("may drop %+v, rule %+v", tr.MayDrop(), tr.Rule)
	}
	for _, replied := range []bool{true, false} {
		if !(&PingResult{Replied: replied}).Agrees(tr) {
			t.Errorf("a ping that replied=%v disagrees with a maybe", replied)
		}
	}
	text := drawn(tr)
	if !strings.Contains(text, "delivered in b: 10.0.2.2 is an address of b\nbut it may be dropped on the way, by ip filter FORWARD") ||
		!strings.Contains(text, "→ may drop (trace cannot evaluate xt match statistic)") {
		t.Errorf("text:\n%s", text)
	}
}

// A mark set by a rule trace cannot evaluate makes a later match on the
// mark unsure; without such a rule, the mark is 0.
func TestTraceFirewallMarkSetElsewhere(t *testing.T) {
	mark := model.FwMatch{Kind: model.FwMark, Mark: 1, MarkMask: ^uint32(0)}
	tp := router(t)
	tp.firewallOf("r",
		table("ip", "mangle", model.FwNftables, base("prerouting", "prerouting", -150, "filter", "accept")),
		filterForward("accept", rule("meta mark 0x00000001 drop", model.FwDrop, mark)))
	expect(t, tp.trace("a", "10.0.2.2"), Delivered, "b", "")
	tp.fw["r"].Tables[0].Chains[0].Rules = []model.FwRule{unsure(rule("meta mark set 0x1", model.FwContinue, saddr("10.0.1.0/24")), "meta mark set")}
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Delivered, "b", "may be dropped on the way")
	if may := tr.MayDrop(); len(may) != 1 || !strings.Contains(strings.Join(may[0].Unsure, ","), "the mark") {
		t.Errorf("may drop %+v", may)
	}
}

// A rule that may accept before a sure drop: dropped, unless it does.
func TestTraceFirewallMayAcceptBeforeDrop(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r", filterForward("drop",
		unsure(rule("-A FORWARD -m set --match-set ok src -j ACCEPT", model.FwAccept), "xt match set")))
	expect(t, tp.trace("a", "10.0.2.2"), Dropped, "r", "policy drop; unless ip filter FORWARD rule -A FORWARD -m set --match-set ok src -j ACCEPT (3 packets, 180 bytes so far) accepts it first (trace cannot evaluate xt match set)")
	// In a chain that passes the packet anyway, it is no news.
	tp.fw["r"].Tables[0].Chains[0].Policy = "accept"
	tr := tp.trace("a", "10.0.2.2")
	if len(tr.Unsure) != 0 || len(tr.Hops[1].Firewall) != 0 {
		t.Errorf("unsure %+v, hop %+v", tr.Unsure, tr.Hops[1].Firewall)
	}
}

// Tables of the other family, and of families that see frames, are not
// the packet's; a firewall that cannot be read is said.
func TestTraceFirewallFamiliesAndNotes(t *testing.T) {
	tp := router(t)
	tp.firewallOf("r",
		table("ip6", "filter", model.FwIptablesNft, base("FORWARD", "forward", 0, "filter", "drop")),
		table("inet", "fw", model.FwNftables, base("fwd", "forward", 10, "filter", "accept", rule("ip daddr 10.0.2.2 drop", model.FwDrop, daddr("10.0.2.2/32")))),
		table("bridge", "br", model.FwNftables, base("f", "forward", 0, "filter", "drop")))
	tp.fw["r"].Unread = []string{"ip filter (iptables-legacy)"}
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Dropped, "r", "inet fw fwd rule ip daddr 10.0.2.2 drop")
	if tr.Command != "ip netns exec r nft -a list chain inet fw fwd" {
		t.Errorf("command %q", tr.Command)
	}
	notes := strings.Join(tr.Notes, "\n")
	for _, want := range []string{"r has firewall rules trace could not read (ip filter (iptables-legacy))", "r has tables trace does not follow (bridge br)"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q: %q", want, tr.Notes)
		}
	}
}

// Hostile text in rules and chain names: inert in the drawn trace and in
// reasons, exact in JSON; the by-hand command quotes it for the shell.
func TestTraceFirewallHostileText(t *testing.T) {
	tp := router(t)
	chain := "x$(id)\x1b[2J"
	text := "-A " + chain + ` -m comment --comment "evil` + "\x1b]0;pwn\x07" + `" -j DROP`
	tp.firewallOf("r", table("ip", "filter", model.FwIptablesLegacy,
		base("FORWARD", "forward", 0, "filter", "accept", jump("-A FORWARD -j "+chain, chain)),
		user(chain, rule(text, model.FwDrop))))
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Dropped, "r", "")
	if strings.ContainsAny(tr.Reason, "\x1b\x07") {
		t.Errorf("raw control bytes in the reason: %q", tr.Reason)
	}
	out := drawn(tr)
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("raw control bytes in the text:\n%q", out)
	}
	if !strings.Contains(tr.Command, `'x$(id)'$'\x1b''[2J'`) && !strings.Contains(tr.Command, `$'x$(id)\x1b[2J'`) {
		t.Errorf("command not quoted for the shell: %q", tr.Command)
	}
	var doc struct {
		Rule struct {
			Chain string `json:"chain"`
			Text  string `json:"text"`
		} `json:"rule"`
		Hops []struct {
			Firewall []struct {
				Text string `json:"text"`
			} `json:"firewall"`
		} `json:"hops"`
	}
	if err := json.Unmarshal(JSON(tr, nil), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Rule.Chain != chain || doc.Rule.Text != text || doc.Hops[1].Firewall[0].Text != text {
		t.Errorf("json not exact: %+v", doc)
	}
}

// A port forward: DNAT to another port shows both, the rule that filters
// by the new port sees it, and the reply gets the old one back.
func TestTraceFirewallPortForward(t *testing.T) {
	tp := router(t)
	fwd := natRule("-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.2.2:8080", model.NATDnat, "10.0.2.2", proto(6), dport(80))
	fwd.NAT.Port, fwd.NAT.PortLast = 8080, 8080
	tp.firewallOf("r",
		table("ip", "nat", model.FwIptablesNft, base("PREROUTING", "prerouting", -100, "nat", "accept", fwd)),
		filterForward("accept", rule("-A FORWARD -p tcp -m tcp --dport 80 -j DROP", model.FwDrop, proto(6), dport(80))))
	tr := tp.traceProbe("a", "10.0.2.254", Probe{Proto: ProtoTCP, Port: 80})
	expect(t, tr, Delivered, "b", "")
	if n := tr.Hops[1].NAT; len(n) != 1 || n[0].From != "10.0.2.254:80" || n[0].To != "10.0.2.2:8080" {
		t.Errorf("nat %+v", n)
	}
	if n := tr.Reply.Hops[1].NAT; len(n) != 1 || n[0].From != "10.0.2.2:8080" || n[0].To != "10.0.2.254:80" {
		t.Errorf("reply nat %+v", n)
	}
	// Port 81 is not forwarded: r's own address, delivered there.
	expect(t, tp.traceProbe("a", "10.0.2.254", Probe{Proto: ProtoTCP, Port: 81}), Delivered, "r", "")
}

// A bridge that forwards the frame from port to port hands the packet to
// its namespace's IP firewall when br_netfilter is on (as on a Docker
// host, whose FORWARD policy is DROP): the trace names it; with the
// setting off, the firewall plays no part.
func TestTraceFirewallBridged(t *testing.T) {
	tp := hostBridge(t)
	tp.firewallOf("host", filterForward("drop"))
	expect(t, tp.trace("a", "10.0.5.2"), Delivered, "b", "")
	tp.brnf = map[string]bool{"host": true}
	tr := tp.trace("a", "10.0.5.2")
	expect(t, tr, Dropped, "host", "the firewall of host drops it as bridge br0 forwards it (net.bridge.bridge-nf-call-iptables is 1 there): ip filter FORWARD policy drop")
	if f := tr.Hops[0].Firewall; len(f) != 1 || f[0].Bridge != "br0" || f[0].Netns != "host" {
		t.Errorf("firewall %+v", f)
	}
	if text := drawn(tr); !strings.Contains(text, "firewall  forward (bridged by br0 in host): ip filter FORWARD: policy drop") {
		t.Errorf("text:\n%s", text)
	}
	// What the bridge lets through, it lets through with the way in and
	// out being the bridge itself.
	tp.fw["host"].Tables[0].Chains[0].Rules = []model.FwRule{rule("-A FORWARD -i br0 -o br0 -j ACCEPT", model.FwAccept,
		model.FwMatch{Kind: model.FwIifname, Names: []string{"br0"}}, oif("br0"))}
	expect(t, tp.trace("a", "10.0.5.2"), Delivered, "b", "")
}
