package model

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestFwRuleEval(t *testing.T) {
	s := readSave(t, "iptables-nft-save-neutron.txt", "ip", FwIptablesNft)
	nat := findTable(t, s.Tables, "nat")
	redirect := &findChain(t, nat, "neutron-l3-agent-PREROUTING").Rules[0]
	meta := FwPacket{Family: AF_INET, Src: netip.MustParseAddr("10.0.0.5"), Dst: netip.MustParseAddr("169.254.169.254"),
		Iif: "qr-76de6d23-a8", Proto: 6, Sport: 40000, Dport: 80, CtState: FwCtNew}
	if got := redirect.Eval(&meta); got != FwEvalYes {
		t.Errorf("metadata request: %v", got)
	}
	for what, change := range map[string]func(p *FwPacket){
		"from qg-":    func(p *FwPacket) { p.Iif = "qg-e5b9712e-b0" },
		"udp":         func(p *FwPacket) { p.Proto = 17 },
		"port 443":    func(p *FwPacket) { p.Dport = 443 },
		"other addr":  func(p *FwPacket) { p.Dst = netip.MustParseAddr("169.254.169.253") },
		"icmp":        func(p *FwPacket) { p.Proto, p.Dport = 1, 0 },
		"ipv6 packet": func(p *FwPacket) { p.Dst = netip.MustParseAddr("fe80::a9fe:a9fe") },
	} {
		p := meta
		change(&p)
		if got := redirect.Eval(&p); got != FwEvalNo {
			t.Errorf("%s: %v, want no match", what, got)
		}
	}
	// --ctstate DNAT is not understood: the rule may match.
	maybe := &findChain(t, nat, "neutron-l3-agent-snat").Rules[2]
	p := meta
	p.Mark = 0x1
	if got := maybe.Eval(&p); got != FwEvalMaybe {
		t.Errorf("rule with --ctstate DNAT: %v, want maybe", got)
	}
	p.Mark = 0x10002 // the mark the rule excludes (0x2 under 0xffff)
	if got := maybe.Eval(&p); got != FwEvalNo {
		t.Errorf("rule with --ctstate DNAT, excluded mark: %v, want no", got)
	}
	est := FwMatch{Kind: FwCtState, CtStates: FwCtEstablished | FwCtRelated}
	if est.Matches(&FwPacket{CtState: FwCtNew}) || !est.Matches(&FwPacket{CtState: FwCtEstablished}) {
		t.Error("ct state established,related")
	}
	icmp6 := FwMatch{Kind: FwICMPType, ICMPTypes: []uint8{128}, ICMPv6: true}
	if !icmp6.Matches(&FwPacket{Proto: 58, ICMPType: 128}) || icmp6.Matches(&FwPacket{Proto: 1, ICMPType: 128}) {
		t.Error("icmpv6 type echo-request")
	}
	if !IfnameMatches("qr-+", "qr-x") || IfnameMatches("qr-+", "qg-x") || IfnameMatches("eth0", "eth01") {
		t.Error("IfnameMatches")
	}
}

func TestRangePrefixes(t *testing.T) {
	a := netip.MustParseAddr
	for _, c := range []struct {
		first, last string
		want        []string
	}{
		{"10.0.0.1", "10.0.0.6", []string{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}},
		{"10.1.0.0", "10.1.255.255", []string{"10.1.0.0/16"}},
		{"0.0.0.0", "255.255.255.255", []string{"0.0.0.0/0"}},
		{"10.0.0.7", "10.0.0.7", []string{"10.0.0.7/32"}},
		{"fd00::", "fd00::ffff:ffff:ffff:ffff", []string{"fd00::/64"}},
		{"fd00::ff", "fd00::100", []string{"fd00::ff/128", "fd00::100/128"}},
	} {
		var got []string
		for _, p := range RangePrefixes(a(c.first), a(c.last)) {
			got = append(got, p.String())
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s-%s: %v, want %v", c.first, c.last, got, c.want)
		}
	}
}

// The names nft 1.0.6 printed for these priorities (list chain, this host).
func TestFwPriorityText(t *testing.T) {
	for _, c := range []struct {
		family, hook string
		prio         int
		want         string
	}{
		{"ip", "prerouting", 11, "11"},
		{"ip", "prerouting", -90, "dstnat + 10"},
		{"ip", "output", -90, "-90"},
		{"ip", "prerouting", -105, "dstnat - 5"},
		{"ip", "input", 55, "security + 5"},
		{"ip", "input", -310, "raw - 10"},
		{"ip", "postrouting", 100, "srcnat"},
		{"ip", "input", 100, "100"},
		{"ip", "output", -100, "-100"},
		{"inet", "input", 10, "filter + 10"},
		{"inet", "postrouting", 95, "srcnat - 5"},
		{"ip", "prerouting", 7, "filter + 7"},
		{"bridge", "prerouting", -200, "filter"},
		{"arp", "input", 0, "0"},
	} {
		if got := FwPriorityText(c.family, c.hook, c.prio); got != c.want {
			t.Errorf("%s %s %d: %q, want %q", c.family, c.hook, c.prio, got, c.want)
		}
	}
}

func TestLooksIptablesNft(t *testing.T) {
	base := func(name, hook string) FwChain { return FwChain{Name: name, Hook: hook, Policy: "accept"} }
	for _, c := range []struct {
		t    FwTable
		want bool
	}{
		{FwTable{Family: "ip", Name: "filter", Chains: []FwChain{base("INPUT", "input"), {Name: "user"}}}, true},
		{FwTable{Family: "ip6", Name: "nat", Chains: []FwChain{base("POSTROUTING", "postrouting")}}, true},
		{FwTable{Family: "inet", Name: "filter", Chains: []FwChain{base("INPUT", "input")}}, false},
		{FwTable{Family: "ip", Name: "filter", Chains: []FwChain{base("input", "input")}}, false},
		{FwTable{Family: "ip", Name: "filter", Chains: []FwChain{base("INPUT", "forward")}}, false},
		{FwTable{Family: "ip", Name: "mine", Chains: []FwChain{base("INPUT", "input")}}, false},
		{FwTable{Family: "ip", Name: "filter", Chains: []FwChain{{Name: "user"}}}, true},
		{FwTable{Family: "ip", Name: "filter"}, false},
	} {
		if got := LooksIptablesNft(&c.t); got != c.want {
			t.Errorf("%s %s %+v: %v", c.t.Family, c.t.Name, c.t.Chains, got)
		}
	}
}

func TestMergeIptablesView(t *testing.T) {
	s := readSave(t, "iptables-nft-save-hostile.txt", "ip", FwIptablesNft)
	saved := findTable(t, s.Tables, "nat")
	nft := FwTable{Family: "ip", Name: "nat", Source: FwIptablesNft}
	for _, c := range saved.Chains {
		if len(c.Rules) == 0 {
			continue // iptables-nft never made these in nftables
		}
		nc := FwChain{Name: c.Name, Hook: c.Hook, Priority: c.Priority, Type: c.Type, Policy: c.Policy}
		for i, r := range c.Rules {
			nc.Rules = append(nc.Rules, FwRule{Handle: uint64(10 + i), Text: "nft text", Counters: &FwCounters{7, 700},
				Verdict: r.Verdict, NAT: r.NAT})
		}
		nft.Chains = append(nft.Chains, nc)
	}
	m, ok := MergeIptablesView(&nft, saved)
	if !ok {
		t.Fatal("not merged")
	}
	if len(m.Chains) != 2 || m.Chains[0].Name != "PREROUTING" || m.TextFrom != "iptables-save -c" {
		t.Fatalf("merged chains %+v", m.Chains)
	}
	r := m.Chains[0].Rules[0]
	if r.Text != "-A PREROUTING -d 172.24.4.10/32 -j DNAT --to-destination 10.0.0.5" || r.NftText != "nft text" ||
		r.Handle != 10 || *r.Counters != (FwCounters{7, 700}) || len(r.Matches) != 1 {
		t.Errorf("merged rule %+v", r)
	}
	// A rule added between the two readings: the tables do not pair up.
	more := nft
	more.Chains = append([]FwChain{}, nft.Chains...)
	more.Chains[0].Rules = append(append([]FwRule{}, nft.Chains[0].Rules...), FwRule{Text: "new"})
	if _, ok := MergeIptablesView(&more, saved); ok {
		t.Error("merged with a rule more")
	}
	// A rule whose verdict differs is another rule.
	other := nft
	other.Chains = append([]FwChain{}, nft.Chains...)
	other.Chains[1].Rules = append([]FwRule{}, nft.Chains[1].Rules...)
	other.Chains[1].Rules[0].Verdict = FwVerdict{Kind: FwDrop}
	other.Chains[1].Rules[0].NAT = nil
	if _, ok := MergeIptablesView(&other, saved); ok {
		t.Error("merged a rule with another verdict")
	}
	// A chain nftables holds that iptables-nft-save does not list.
	extra := nft
	extra.Chains = append(append([]FwChain{}, nft.Chains...), FwChain{Name: "made-by-nft"})
	if _, ok := MergeIptablesView(&extra, saved); ok {
		t.Error("merged with a chain iptables does not know")
	}
}

func TestFwNATText(t *testing.T) {
	a := netip.MustParseAddr
	for _, c := range []struct {
		n    FwNAT
		want string
	}{
		{FwNAT{Kind: NATDnat, Addr: a("10.0.0.6"), AddrLast: a("10.0.0.6"), Port: 8080, PortLast: 8080}, "10.0.0.6:8080"},
		{FwNAT{Kind: NATSnat, Addr: a("172.24.4.2"), AddrLast: a("172.24.4.9")}, "172.24.4.2-172.24.4.9"},
		{FwNAT{Kind: NATRedirect, Port: 8000, PortLast: 8010}, ":8000-8010"},
		{FwNAT{Kind: NATDnat, Addr: a("fd00::5"), Port: 80}, "[fd00::5]:80"},
		{FwNAT{Kind: NATMasquerade}, ""},
	} {
		if got := c.n.To(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.n, got, c.want)
		}
	}
	r := FwRule{NAT: &FwNAT{Kind: NATMasquerade}, Matches: []FwMatch{
		{Kind: FwSaddr, Prefixes: []netip.Prefix{pfx("10.0.1.0/24")}}, {Kind: FwOifname, Names: []string{"eth0"}}}}
	if got := r.Maps(); got != "10.0.1.0/24 out eth0 → masquerade" {
		t.Errorf("masquerade maps %q", got)
	}
}

func TestMovedRules(t *testing.T) {
	fw := func(counts ...uint64) *Firewall {
		c := FwChain{Name: "INPUT"}
		for i, n := range counts {
			c.Rules = append(c.Rules, FwRule{Handle: uint64(10 + i), Counters: &FwCounters{Packets: n}})
		}
		legacy := FwChain{Name: "INPUT", Rules: []FwRule{{Counters: &FwCounters{Packets: counts[0]}}}}
		return &Firewall{Tables: []FwTable{
			{Family: "ip", Name: "filter", Source: FwNftables, Chains: []FwChain{c}},
			{Family: "ip", Name: "filter", Source: FwIptablesLegacy, Chains: []FwChain{legacy}},
		}}
	}
	prev, cur := fw(1, 5, 7), fw(2, 5, 7)
	// A rule inserted first in the chain takes no handle of another.
	cur.Tables[0].Chains[0].Rules = append([]FwRule{{Handle: 99, Counters: &FwCounters{Packets: 50}}}, cur.Tables[0].Chains[0].Rules...)
	got := MovedRules(prev, cur)
	want := map[FwRuleRef]bool{
		{Source: FwNftables, Family: "ip", Table: "filter", Chain: "INPUT", Handle: 10}:     true,
		{Source: FwIptablesLegacy, Family: "ip", Table: "filter", Chain: "INPUT", Index: 0}: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("moved %v, want %v", got, want)
	}
	if len(MovedRules(nil, cur)) != 0 {
		t.Error("rules moved without an earlier reading")
	}
}

// A match on what a trace does not know of the packet (the source port
// the kernel picks, a mark something else may have set) neither holds nor
// fails; one that fails on what it does know still decides.
func TestFwRuleEvalUnknown(t *testing.T) {
	sport := FwRule{Matches: []FwMatch{
		{Kind: FwL4proto, Protos: []uint8{6}},
		{Kind: FwSport, Ports: []FwPortRange{{1024, 65535}}},
	}, Verdict: FwVerdict{Kind: FwDrop}}
	p := FwPacket{Family: AF_INET, Proto: 6, Dport: 80, CtState: FwCtNew, Unknown: []FwMatchKind{FwSport}}
	if got := sport.Eval(&p); got != FwEvalMaybe {
		t.Errorf("tcp with an unknown source port: %v, want maybe", got)
	}
	p.Proto = 17
	if got := sport.Eval(&p); got != FwEvalNo {
		t.Errorf("udp against a tcp rule: %v, want no", got)
	}
	onlyPort := FwRule{Matches: []FwMatch{{Kind: FwSport, Ports: []FwPortRange{{1, 2}}}}}
	p.Proto = 1
	if got := onlyPort.Eval(&p); got != FwEvalNo {
		t.Errorf("icmp has no ports, known or not: %v, want no", got)
	}
	mark := FwRule{Matches: []FwMatch{{Kind: FwMark, Mark: 1, MarkMask: ^uint32(0)}}}
	if got := mark.Eval(&FwPacket{}); got != FwEvalNo {
		t.Errorf("mark 0 known: %v, want no", got)
	}
	if got := mark.Eval(&FwPacket{Unknown: []FwMatchKind{FwMark}}); got != FwEvalMaybe {
		t.Errorf("mark unknown: %v, want maybe", got)
	}
}
