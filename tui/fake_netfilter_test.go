package tui

import (
	"net/netip"
	"strconv"

	"github.com/lazyns/lazyns/model"
)

// The qrouter's firewall, connections and settings, as a Neutron router
// holds them: iptables-nft's nat table with a floating IP's DNAT and
// SNAT, an nftables filter table with a hostile comment and chain name,
// lazyns's own table with the subnet's masquerade (S), and a note that
// iptables-legacy-save is missing.

const (
	hostileComment = "\x1b[31mgotcha $(reboot)"
	hostileChain   = "$(reboot)\x1b[2J"
)

// fakeFirewall is the router's firewall with its counters at n packets
// for the rules traffic hits: readings with a larger n have moved.
func fakeFirewall(n uint64) *model.Firewall {
	pfx := netip.MustParsePrefix
	snat := model.FwRule{Handle: 7, Text: "-A POSTROUTING -s 10.0.0.5/32 -o qg-e5b9712e-b0 -j SNAT --to-source 172.24.4.10",
		Counters: &model.FwCounters{Packets: n, Bytes: 84 * n},
		Matches: []model.FwMatch{{Kind: model.FwSaddr, Prefixes: []netip.Prefix{pfx("10.0.0.5/32")}},
			{Kind: model.FwOifname, Names: []string{"qg-e5b9712e-b0"}}},
		Verdict: model.FwVerdict{Kind: model.FwAccept}, NAT: &model.FwNAT{Kind: model.NATSnat, Addr: netip.MustParseAddr("172.24.4.10")}}
	// The masquerade lazyns made (S), in its own table.
	masq := model.FwRule{Handle: 9, Text: `ip saddr 10.0.0.0/24 oifname "qg-e5b9712e-b0" counter packets ` + itoa(n) + " bytes " + itoa(84*n) + " masquerade",
		Counters: &model.FwCounters{Packets: n, Bytes: 84 * n},
		Matches: []model.FwMatch{{Kind: model.FwSaddr, Prefixes: []netip.Prefix{pfx("10.0.0.0/24")}},
			{Kind: model.FwOifname, Names: []string{"qg-e5b9712e-b0"}}},
		Verdict: model.FwVerdict{Kind: model.FwAccept}, NAT: &model.FwNAT{Kind: model.NATMasquerade}}
	lazyns := model.FwTable{Family: "ip", Name: model.MasqTable, Source: model.FwNftables,
		Chains: []model.FwChain{{Name: model.MasqChain, Hook: "postrouting", Priority: 100, Type: "nat", Policy: "accept",
			Rules: []model.FwRule{masq}}}}
	fip := model.FwRule{Handle: 5, Text: "-A PREROUTING -d 172.24.4.10/32 -j DNAT --to-destination 10.0.0.5",
		Counters: &model.FwCounters{Packets: 2, Bytes: 168},
		Matches:  []model.FwMatch{{Kind: model.FwDaddr, Prefixes: []netip.Prefix{pfx("172.24.4.10/32")}}},
		Verdict:  model.FwVerdict{Kind: model.FwAccept},
		NAT:      &model.FwNAT{Kind: model.NATDnat, Addr: netip.MustParseAddr("10.0.0.5")}}
	nat := model.FwTable{Family: "ip", Name: "nat", Source: model.FwIptablesNft, TextFrom: "iptables-nft-save -c",
		Chains: []model.FwChain{
			{Name: "PREROUTING", Hook: "prerouting", Priority: -100, Type: "nat", Policy: "accept",
				PolicyCounters: &model.FwCounters{Packets: 40, Bytes: 3360}, Rules: []model.FwRule{fip}},
			{Name: "POSTROUTING", Hook: "postrouting", Priority: 100, Type: "nat", Policy: "accept",
				PolicyCounters: &model.FwCounters{Packets: 1, Bytes: 84}, Rules: []model.FwRule{snat}},
		}}
	established := model.FwRule{Handle: 3, Text: "ct state established,related counter packets " + itoa(10*n) + " bytes " + itoa(840*n) + " accept",
		Counters: &model.FwCounters{Packets: 10 * n, Bytes: 840 * n},
		Matches:  []model.FwMatch{{Kind: model.FwCtState, CtStates: model.FwCtEstablished | model.FwCtRelated}},
		Verdict:  model.FwVerdict{Kind: model.FwAccept}}
	hostile := model.FwRule{Handle: 4, Text: "ip saddr 10.0.0.0/24 counter packets 123456 bytes 98765432 jump " + hostileChain + " comment \"" + hostileComment + "\"",
		Counters: &model.FwCounters{Packets: 123456, Bytes: 98765432}, Comment: hostileComment,
		Verdict: model.FwVerdict{Kind: model.FwJump, Chain: hostileChain}}
	filter := model.FwTable{Family: "inet", Name: "filter", Source: model.FwNftables,
		Chains: []model.FwChain{
			{Name: "forward", Hook: "forward", Type: "filter", Policy: "drop", Rules: []model.FwRule{established, hostile}},
			{Name: hostileChain, Rules: []model.FwRule{{Handle: 6, Text: "drop", Verdict: model.FwVerdict{Kind: model.FwDrop}}}},
		}}
	return &model.Firewall{Tables: []model.FwTable{nat, filter, lazyns},
		Notes: []string{"iptables-legacy tables are in use (ip filter), but iptables-legacy-save is not installed: their rules are not shown"}}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// fakeConntrack is the router's connection table: a ping masqueraded out
// of qg-, a TCP connection to the floating IP, and an entry of nobody's
// NAT with a mark.
func fakeConntrack() *model.Conntrack {
	a := netip.MustParseAddr
	return &model.Conntrack{Count: 3, Max: 262144, Entries: []model.ConnEntry{
		{Family: model.AF_INET, Proto: 1, Timeout: 29, ID: 11,
			Orig:  model.ConnTuple{Src: a("10.0.0.5"), Dst: a("172.24.4.1"), ICMP: true, Type: 8, ID: 7},
			Reply: model.ConnTuple{Src: a("172.24.4.1"), Dst: a("172.24.4.10"), ICMP: true, ID: 7}},
		{Family: model.AF_INET, Proto: 6, State: "ESTABLISHED", Timeout: 431999, Assured: true, ID: 12,
			Orig:  model.ConnTuple{Src: a("172.24.4.1"), Dst: a("172.24.4.10"), Sport: 40000, Dport: 22},
			Reply: model.ConnTuple{Src: a("10.0.0.5"), Dst: a("172.24.4.1"), Sport: 22, Dport: 40000}},
		{Family: model.AF_INET, Proto: 17, Timeout: 170, Unreplied: true, Mark: 16, ID: 13,
			Orig:  model.ConnTuple{Src: a("10.0.0.2"), Dst: a("10.0.0.1"), Sport: 5353, Dport: 53},
			Reply: model.ConnTuple{Src: a("10.0.0.1"), Dst: a("10.0.0.2"), Sport: 53, Dport: 5353}},
	}}
}

// fakeSysctls are the router's settings: forwarding on, a link whose
// rp_filter in force (all's 2) is not its own 0.
func fakeSysctls() model.Sysctls {
	s := model.Sysctls{
		model.SysctlIPForward: "1", model.SysctlIPv6Forwarding: "1",
		model.SysctlConntrackCount: "3", model.SysctlConntrackMax: "262144",
	}
	for _, l := range []string{"all", "default", "lo", "qr-76de6d23-a8", "qg-e5b9712e-b0"} {
		for _, k := range model.LinkSysctls4 {
			s[model.SysctlLinkKey("ipv4", l, k)] = "0"
		}
		for _, k := range model.LinkSysctls6 {
			s[model.SysctlLinkKey("ipv6", l, k)] = "1"
		}
		s[model.SysctlLinkKey("ipv4", l, "forwarding")] = "1"
	}
	s[model.SysctlLinkKey("ipv4", "all", "rp_filter")] = "2"
	s[model.SysctlLinkKey("ipv4", "qg-e5b9712e-b0", "rp_filter")] = "1"
	s[model.SysctlLinkKey("ipv6", "qg-e5b9712e-b0", "accept_ra")] = "0"
	return s
}

// fakeNetfilter gives the router its firewall (counters moving by two
// packets from one reading to the next: 1, 3, 5…), connections and
// settings, and blue an empty firewall.
func fakeNetfilter(src *fakeSource) {
	src.firewall[kRouter] = func(n int) *model.Firewall { return fakeFirewall(uint64(1 + 2*n)) }
	src.firewall[kBlue] = func(int) *model.Firewall { return &model.Firewall{} }
	src.conntrack[kRouter] = fakeConntrack()
	src.sysctls[kRouter] = fakeSysctls()
}
