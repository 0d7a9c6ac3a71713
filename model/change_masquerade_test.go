package model

import (
	"net/netip"
	"strings"
	"testing"
)

func TestMasqueradeSpecCmds(t *testing.T) {
	s := MasqueradeSpec{Ns: "gw", Src: "10.0.1.0/24", Out: "eth0"}
	var got []string
	for _, c := range s.AddCmds() {
		got = append(got, c.String())
	}
	want := []string{
		"ip netns exec gw nft add table ip lazyns",
		"ip netns exec gw nft add chain ip lazyns postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'",
		`ip netns exec gw nft add rule ip lazyns postrouting ip saddr 10.0.1.0/24 oifname '"eth0"' counter masquerade`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("add:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := s.RuleText(); got != `ip saddr 10.0.1.0/24 oifname "eth0" counter masquerade` {
		t.Errorf("rule text %q", got)
	}
	del := s.DeleteCmds(4, true)
	if len(del) != 2 || del[0].String() != "ip netns exec gw nft delete rule ip lazyns postrouting handle 4" ||
		del[1].String() != "ip netns exec gw nft delete table ip lazyns" {
		t.Errorf("delete %v", del)
	}
	v6 := MasqueradeSpec{Src: "fd00:1::/64", Out: "wan", Host: true}
	if c := v6.AddCmds()[2].String(); c != `nft add rule ip6 lazyns postrouting ip6 saddr fd00:1::/64 oifname '"wan"' counter masquerade` {
		t.Errorf("v6 in the host: %q", c)
	}
	// A hostile link name stays one quoted word for the shell and for nft.
	evil := MasqueradeSpec{Ns: "gw", Src: "10.0.1.0/24", Out: "e$(id)\x1b"}
	if err := evil.Validate(); err != nil {
		t.Fatal(err)
	}
	if c := evil.AddCmds()[2].Argv; c[len(c)-3] != "\"e$(id)\x1b\"" {
		t.Errorf("argv %q", c)
	}
}

func TestMasqueradeSpecValidate(t *testing.T) {
	for _, bad := range []MasqueradeSpec{
		{Src: "10.0.1.0/24", Out: "eth0"},            // the host, not chosen
		{Ns: "gw", Src: "10.0.1.5/24", Out: "eth0"},  // host bits
		{Ns: "gw", Src: "10.0.1.0", Out: "eth0"},     // no length
		{Ns: "gw", Src: "0.0.0.0/0", Out: "eth0"},    // everything
		{Ns: "gw", Src: "10.0.1.0/24", Out: ""},      // no link
		{Ns: "gw", Src: "10.0.1.0/24", Out: `a"b`},   // nft cannot name it
		{Ns: "gw", Src: "10.0.1.0/24", Out: "a/b"},   // no such name
		{Ns: "g/w", Src: "10.0.1.0/24", Out: "eth0"}, // not a name nor an absolute path
		{Ns: "gw", Src: "not-a-prefix", Out: "eth0"}, // not a prefix
		{Ns: "gw", Src: "10.0.1.0/24", Out: "sixteen-bytes-xx"},
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if err := (MasqueradeSpec{Src: "10.0.1.0/24", Out: "eth0", Host: true}).Validate(); err != nil {
		t.Errorf("the host, chosen: %v", err)
	}
	snap := &Snapshot{Namespaces: []Namespace{{Name: "gw", Links: []Link{{Index: 1, Name: "lo"}, {Index: 2, Name: "eth0"}}}}}
	if err := CheckMasquerade(snap, MasqueradeSpec{Ns: "gw", Src: "10.0.1.0/24", Out: "eth0"}); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := CheckMasquerade(snap, MasqueradeSpec{Ns: "gw", Src: "10.0.1.0/24", Out: "eth1"}); err == nil || err.Field != "out" {
		t.Errorf("missing link: %v", err)
	}
	if err := CheckMasquerade(snap, MasqueradeSpec{Ns: "nope", Src: "10.0.1.0/24", Out: "eth0"}); err == nil || err.Field != "namespace" {
		t.Errorf("missing namespace: %v", err)
	}
}

func TestMasquerades(t *testing.T) {
	masq := FwRule{Handle: 4, Text: `ip saddr 10.0.1.0/24 oifname "eth0" counter masquerade`, Verdict: FwVerdict{Kind: FwAccept},
		NAT: &FwNAT{Kind: NATMasquerade}, Matches: []FwMatch{
			{Kind: FwSaddr, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}},
			{Kind: FwOifname, Names: []string{"eth0"}},
		}}
	other := masq
	other.Handle, other.Matches = 5, masq.Matches[:1]
	chain := FwChain{Name: MasqChain, Hook: "postrouting", Type: "nat", Policy: "accept", Rules: []FwRule{masq, other}}
	fw := &Firewall{Tables: []FwTable{
		{Family: "ip", Name: MasqTable, Source: FwNftables, Chains: []FwChain{chain}},
		{Family: "ip", Name: "nat", Source: FwIptablesNft, Chains: []FwChain{chain}},
	}}
	got := Masquerades("gw", fw)
	if len(got) != 1 || got[0].Handle != 4 || !got[0].Spec.Same(MasqueradeSpec{Ns: "gw", Src: "10.0.1.0/24", Out: "eth0"}) {
		t.Fatalf("%+v", got)
	}
	if got[0].Spec.Same(MasqueradeSpec{Ns: "gw", Src: "10.0.2.0/24", Out: "eth0"}) {
		t.Error("Same ignores the prefix")
	}
}
