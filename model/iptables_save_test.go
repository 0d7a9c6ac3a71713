package model

import (
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readSave(t *testing.T, file, family string, source FwSource) *IptablesSave {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseIptablesSave(string(b), family, source, "iptables-save -c")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func findTable(t *testing.T, tables []FwTable, name string) *FwTable {
	t.Helper()
	for i := range tables {
		if tables[i].Name == name {
			return &tables[i]
		}
	}
	t.Fatalf("no table %s", name)
	return nil
}

func findChain(t *testing.T, tb *FwTable, name string) *FwChain {
	t.Helper()
	for i := range tb.Chains {
		if tb.Chains[i].Name == name {
			return &tb.Chains[i]
		}
	}
	t.Fatalf("no chain %s in %s", name, tb.Name)
	return nil
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// Captured from iptables-nft-save -c in a namespace given a Neutron
// qrouter's rules with iptables-nft-restore (the legacy fixture is the
// same rules through iptables-legacy).
func TestParseIptablesSaveNeutron(t *testing.T) {
	for _, c := range []struct {
		file   string
		source FwSource
	}{
		{"iptables-nft-save-neutron.txt", FwIptablesNft},
		{"iptables-legacy-save-neutron.txt", FwIptablesLegacy},
	} {
		t.Run(c.file, func(t *testing.T) {
			s := readSave(t, c.file, "ip", c.source)
			if len(s.Tables) != 3 {
				t.Fatalf("%d tables, want filter, nat, mangle", len(s.Tables))
			}
			nat := findTable(t, s.Tables, "nat")
			if nat.Source != c.source || nat.Family != "ip" || nat.TextFrom != "iptables-save -c" {
				t.Errorf("table nat: %+v", nat)
			}
			pre := findChain(t, nat, "PREROUTING")
			if pre.Hook != "prerouting" || pre.Priority != -100 || pre.Type != "nat" || pre.Policy != "accept" ||
				pre.PolicyCounters == nil {
				t.Errorf("nat PREROUTING: %+v", pre)
			}
			if post := findChain(t, nat, "POSTROUTING"); post.Hook != "postrouting" || post.Priority != 100 {
				t.Errorf("nat POSTROUTING: %+v", post)
			}
			user := findChain(t, nat, "neutron-l3-agent-PREROUTING")
			if user.Base() || user.Policy != "" || len(user.Rules) != 2 {
				t.Fatalf("user chain: %+v", user)
			}
			if v := pre.Rules[0].Verdict; v.Kind != FwJump || v.Chain != "neutron-l3-agent-PREROUTING" {
				t.Errorf("PREROUTING's jump: %+v", v)
			}
			meta := user.Rules[0]
			want := []FwMatch{
				{Kind: FwDaddr, Prefixes: []netip.Prefix{pfx("169.254.169.254/32")}},
				{Kind: FwIifname, Names: []string{"qr-+"}},
				{Kind: FwL4proto, Protos: []uint8{6}},
				{Kind: FwDport, Ports: []FwPortRange{{80, 80}}},
			}
			if !reflect.DeepEqual(meta.Matches, want) {
				t.Errorf("metadata redirect matches:\n got %+v\nwant %+v", meta.Matches, want)
			}
			if meta.NAT == nil || meta.NAT.Kind != NATRedirect || meta.NAT.Port != 9697 || meta.Verdict.Kind != FwAccept ||
				len(meta.Unsure) != 0 {
				t.Errorf("metadata redirect: %+v NAT %+v", meta, meta.NAT)
			}
			if meta.Text != "-A neutron-l3-agent-PREROUTING -d 169.254.169.254/32 -i qr-+ -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 9697" {
				t.Errorf("text %q", meta.Text)
			}
			snat := findChain(t, nat, "neutron-l3-agent-snat").Rules[1]
			if n := snat.NAT; n == nil || n.Kind != NATSnat || n.Addr != netip.MustParseAddr("172.24.4.3") ||
				!reflect.DeepEqual(n.Flags, []string{"fully-random"}) {
				t.Errorf("snat: %+v", snat.NAT)
			}
			if got := snat.Maps(); got != "out qg-e5b9712e-b0 → 172.24.4.3" {
				t.Errorf("snat maps %q", got)
			}
			// --ctstate DNAT is about NAT, not state: not understood.
			dnatState := findChain(t, nat, "neutron-l3-agent-snat").Rules[2]
			if len(dnatState.Unsure) != 1 || !strings.Contains(dnatState.Unsure[0], "DNAT") {
				t.Errorf("--ctstate DNAT: unsure %v", dnatState.Unsure)
			}
			bottom := findChain(t, nat, "neutron-postrouting-bottom").Rules[0]
			if bottom.Comment != "Perform source NAT on outgoing traffic." || len(bottom.Unsure) != 0 {
				t.Errorf("comment rule: %+v", bottom)
			}
			scope := findChain(t, findTable(t, s.Tables, "filter"), "neutron-l3-agent-scope").Rules[0]
			wantMark := FwMatch{Kind: FwMark, Not: true, Mark: 0x4000000, MarkMask: 0xffff0000}
			if len(scope.Matches) != 2 || !reflect.DeepEqual(scope.Matches[1], wantMark) || scope.Verdict.Kind != FwDrop {
				t.Errorf("mark rule: %+v", scope)
			}
			mangle := findTable(t, s.Tables, "mangle")
			mss := findChain(t, mangle, "POSTROUTING").Rules[0]
			if !reflect.DeepEqual(mss.Unsure, []string{"--tcp-flags", "-j TCPMSS"}) {
				t.Errorf("TCPMSS rule unsure %v", mss.Unsure)
			}
			if out := findChain(t, mangle, "OUTPUT"); out.Type != "route" || out.Priority != -150 {
				t.Errorf("mangle OUTPUT: %+v", out)
			}
		})
	}
}

// A chain named with $(…) and a comment holding an ESC byte, quotes and
// a backslash, as iptables-nft-save escaped them; counters after a ping.
func TestParseIptablesSaveHostileAndCounters(t *testing.T) {
	s := readSave(t, "iptables-nft-save-hostile.txt", "ip", FwIptablesNft)
	filter := findTable(t, s.Tables, "filter")
	hostile := findChain(t, filter, "x$(id)")
	if len(hostile.Rules) != 1 {
		t.Fatalf("chain x$(id): %+v", hostile)
	}
	if got, want := hostile.Rules[0].Comment, "a\x1b[31mred \"q\" \\b"; got != want {
		t.Errorf("comment %q, want %q", got, want)
	}
	in := findChain(t, filter, "INPUT")
	est := in.Rules[2]
	if est.Counters == nil || *est.Counters != (FwCounters{5, 420}) {
		t.Errorf("counters %+v", est.Counters)
	}
	if !reflect.DeepEqual(est.Matches, []FwMatch{{Kind: FwCtState, CtStates: FwCtEstablished | FwCtRelated}}) {
		t.Errorf("ctstate matches %+v", est.Matches)
	}
	multi := in.Rules[1]
	if !reflect.DeepEqual(multi.Matches[1], FwMatch{Kind: FwDport, Ports: []FwPortRange{{53, 53}, {67, 68}}}) {
		t.Errorf("multiport %+v", multi.Matches)
	}
	log := in.Rules[3]
	if log.Verdict.Kind != FwContinue || len(log.Unsure) != 0 || log.Matches[0].CtStates != FwCtNew {
		t.Errorf("LOG rule %+v", log)
	}
	reject := findChain(t, filter, "MYCHAIN").Rules[0]
	if reject.Verdict != (FwVerdict{Kind: FwReject, With: "icmp-host-prohibited"}) ||
		!reflect.DeepEqual(reject.Matches[1], FwMatch{Kind: FwICMPType, ICMPTypes: []uint8{8}}) {
		t.Errorf("REJECT rule %+v", reject)
	}
	fwd := findChain(t, filter, "FORWARD").Rules[0]
	if !fwd.Matches[0].Not || fwd.Matches[0].Kind != FwDaddr || fwd.Verdict.Chain != "MYCHAIN" {
		t.Errorf("negated daddr %+v", fwd)
	}
	v6 := readSave(t, "ip6tables-nft-save.txt", "ip6", FwIptablesNft)
	r := findChain(t, findTable(t, v6.Tables, "filter"), "INPUT").Rules[0]
	if r.Matches[0].Prefixes[0] != pfx("fd00::/64") {
		t.Errorf("ip6 saddr %+v", r.Matches)
	}
}

func TestParseIptablesSaveErrors(t *testing.T) {
	for _, text := range []string{
		"-A INPUT -j ACCEPT\n",
		"*filter\n:INPUT ACCEPT [0:0]\n-A FORWARD -j ACCEPT\nCOMMIT\n",
		"*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment \"open\nCOMMIT\n",
		"*filter\n:INPUT ACCEPT [x:0]\nCOMMIT\n",
	} {
		if _, err := ParseIptablesSave(text, "ip", FwIptablesLegacy, "t"); err == nil {
			t.Errorf("no error for %q", text)
		}
	}
	s, err := ParseIptablesSave("# Table `filter' is incompatible, use 'nft' tool.\n", "ip", FwIptablesNft, "t")
	if err != nil || !reflect.DeepEqual(s.Incompatible, []string{"filter"}) {
		t.Errorf("incompatible: %+v %v", s, err)
	}
}

func TestParseIptablesRuleOptions(t *testing.T) {
	chains := map[string]int{"INPUT": 0, "user": 1}
	for _, c := range []struct {
		line    string
		matches []FwMatch
		verdict FwVerdict
		nat     *FwNAT
		unsure  []string
	}{
		{line: `! -s 10.0.0.0/255.255.0.0 ! -p udp -j DROP`,
			matches: []FwMatch{{Kind: FwSaddr, Not: true, Prefixes: []netip.Prefix{pfx("10.0.0.0/16")}},
				{Kind: FwL4proto, Not: true, Protos: []uint8{17}}},
			verdict: FwVerdict{Kind: FwDrop}},
		{line: `-p tcp -m tcp ! --dport 1000: -g user`,
			matches: []FwMatch{{Kind: FwL4proto, Protos: []uint8{6}}, {Kind: FwDport, Not: true, Ports: []FwPortRange{{1000, 65535}}}},
			verdict: FwVerdict{Kind: FwGoto, Chain: "user"}},
		{line: `-p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.9:80-90`,
			matches: []FwMatch{{Kind: FwL4proto, Protos: []uint8{6}}},
			verdict: FwVerdict{Kind: FwAccept},
			nat: &FwNAT{Kind: NATDnat, Addr: netip.MustParseAddr("10.0.0.1"), AddrLast: netip.MustParseAddr("10.0.0.9"),
				Port: 80, PortLast: 90}},
		{line: `-m set --match-set blocked src -j DROP`,
			verdict: FwVerdict{Kind: FwDrop}, unsure: []string{"-m set", "--match-set"}},
		{line: `-m limit --limit 5/sec -j ACCEPT`,
			verdict: FwVerdict{Kind: FwAccept}, unsure: []string{"-m limit", "--limit"}},
		{line: `-p icmp -m icmp --icmp-type 3/4 -j ACCEPT`,
			matches: []FwMatch{{Kind: FwL4proto, Protos: []uint8{1}}, {Kind: FwICMPType, ICMPTypes: []uint8{3}}},
			verdict: FwVerdict{Kind: FwAccept}, unsure: []string{"--icmp-type 3/4"}},
		{line: `-j MASQUERADE --to-ports 1024-2048 --random`,
			verdict: FwVerdict{Kind: FwAccept},
			nat:     &FwNAT{Kind: NATMasquerade, Port: 1024, PortLast: 2048, Flags: []string{"random"}}},
		{line: `-j CT --notrack`, unsure: []string{"-j CT"}},
		{line: `-j REJECT`, verdict: FwVerdict{Kind: FwReject, With: "icmp-port-unreachable"}},
	} {
		args, err := splitIptablesArgs(c.line)
		if err != nil {
			t.Fatal(err)
		}
		r := parseIptablesRule(args, "ip", chains)
		if !reflect.DeepEqual(r.Matches, c.matches) || r.Verdict != c.verdict || !reflect.DeepEqual(r.NAT, c.nat) ||
			!reflect.DeepEqual(r.Unsure, c.unsure) {
			t.Errorf("%s:\n got %+v %+v NAT %+v unsure %q\nwant %+v %+v NAT %+v unsure %q", c.line,
				r.Matches, r.Verdict, r.NAT, r.Unsure, c.matches, c.verdict, c.nat, c.unsure)
		}
	}
	r := parseIptablesRule([]string{"-j", "DNAT", "--to-destination", "[fd00::5]:8080"}, "ip6", chains)
	if r.NAT == nil || r.NAT.Addr != netip.MustParseAddr("fd00::5") || r.NAT.Port != 8080 || r.NAT.To() != "[fd00::5]:8080" {
		t.Errorf("ip6 DNAT %+v", r.NAT)
	}
}
