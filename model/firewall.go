package model

import (
	"net/netip"
	"strconv"
	"strings"
)

// FwSource is the tool whose rules a table holds. It decides how lazyns
// reads them and in which syntax a person knows them.
type FwSource string

const (
	// FwNftables: a table made with nft (or any other nftables client).
	FwNftables FwSource = "nftables"
	// FwIptablesNft: a table iptables (nf_tables backend) made; its rules
	// live in nftables and are also shown in iptables syntax.
	FwIptablesNft FwSource = "iptables-nft"
	// FwIptablesLegacy: an x_tables table, outside nftables, that only
	// iptables-legacy-save can list.
	FwIptablesLegacy FwSource = "iptables-legacy"
)

// Firewall is what decides a packet's fate in a namespace beyond its
// routes: its nftables ruleset (iptables-nft's tables among it) and the
// tables of iptables-legacy.
type Firewall struct {
	Tables []FwTable
	// Notes tell a person where text came from and what could not be
	// read: "ip filter: iptables syntax from iptables-nft-save -c",
	// "iptables-legacy tables are in use, but iptables-legacy-save is not
	// installed".
	Notes []string
	// Unread name the tables in use whose rules could not be read
	// ("ip filter, nat (iptables-legacy)"): what decides a packet's fate
	// there is not in Tables.
	Unread []string
}

// FwTable is one table: an nftables table, or an iptables table of one
// family.
type FwTable struct {
	// Family is nft's name for it: ip, ip6, inet, arp, bridge or netdev.
	Family string
	Name   string
	Source FwSource
	// TextFrom is the command whose output gave the rules' Text, as run
	// inside the namespace ("iptables-nft-save -c"); empty when the text
	// was rendered from the kernel's expressions as nft list ruleset does.
	TextFrom string
	Chains   []FwChain
}

// FwChain is a chain: a base chain, which a hook feeds with packets, or a
// regular one reached by jump and goto.
type FwChain struct {
	Name string
	// Hook is where a base chain sees packets: prerouting, input, forward,
	// output, postrouting, ingress or egress. Empty for a regular chain.
	Hook string
	// Priority orders base chains on one hook: lower runs first.
	Priority int
	// Type is filter, nat or route (base chains).
	Type string
	// Policy is what happens to a packet no rule decided: accept or drop
	// (base chains).
	Policy string
	// PolicyCounters count the packets the policy decided, where the
	// source keeps such counters (iptables); nil otherwise.
	PolicyCounters *FwCounters
	Rules          []FwRule
}

// Base reports whether a hook feeds the chain.
func (c *FwChain) Base() bool { return c.Hook != "" }

// FwCounters are a rule's packet and byte counters.
type FwCounters struct {
	Packets uint64
	Bytes   uint64
}

// FwRule is one rule, in the order the kernel evaluates them.
type FwRule struct {
	// Handle is the rule's nftables handle (nft -a list ruleset); 0 for
	// iptables-legacy, which has none.
	Handle uint64
	// Text is the rule as its source's tool lists it: nft list ruleset's
	// line, or iptables-save's "-A CHAIN …" (without the counters). It is
	// made of names and comments anyone could write: pass it through
	// Visible before a terminal.
	Text string
	// NftText is, for an iptables-nft rule, the same rule as nft list
	// ruleset prints it.
	NftText string
	// Counters is nil for a rule that counts nothing (an nft rule without
	// a counter statement).
	Counters *FwCounters
	Comment  string
	// Matches are the conditions a packet must meet, all of them.
	Matches []FwMatch
	// Unsure names what in the rule a trace cannot evaluate ("xt match
	// multiport", "limit"): while it is not empty, a packet that meets
	// every one of Matches may still not match the rule, and a packet that
	// does match may have something done to it that the rule does not say.
	Unsure  []string
	Verdict FwVerdict
	// NAT is the address translation the rule makes, if any.
	NAT *FwNAT
}

// FwVerdictKind is what a rule decides for a packet that matches it.
type FwVerdictKind string

const (
	// FwContinue: nothing; the packet goes on to the next rule.
	FwContinue FwVerdictKind = ""
	FwAccept   FwVerdictKind = "accept"
	FwDrop     FwVerdictKind = "drop"
	// FwReject drops the packet and answers it (an ICMP error, a TCP reset).
	FwReject FwVerdictKind = "reject"
	// FwReturn goes back to the chain that jumped here (or to the policy,
	// in a base chain).
	FwReturn FwVerdictKind = "return"
	// FwJump evaluates Chain, then comes back unless Chain decided.
	FwJump FwVerdictKind = "jump"
	// FwGoto evaluates Chain and does not come back.
	FwGoto FwVerdictKind = "goto"
	// FwQueue hands the packet to a program in user space.
	FwQueue FwVerdictKind = "queue"
)

// FwVerdict is a rule's decision.
type FwVerdict struct {
	Kind FwVerdictKind
	// Chain is where jump and goto lead.
	Chain string
	// With says how a reject answers: "icmp port-unreachable", "tcp reset".
	With string
}

// Terminal reports whether the verdict ends the packet's way through the
// hook (accept, drop, reject, queue).
func (v FwVerdict) Terminal() bool {
	switch v.Kind {
	case FwAccept, FwDrop, FwReject, FwQueue:
		return true
	}
	return false
}

// NAT kinds.
const (
	NATDnat       = "dnat"
	NATSnat       = "snat"
	NATMasquerade = "masquerade"
	NATRedirect   = "redirect"
)

// FwNAT is an address translation: the first packet of a connection that
// meets the rule gets it, and the connection's later packets (both ways)
// follow. A NAT rule also accepts the packet for its chain, as the kernel
// does: its Verdict is accept.
type FwNAT struct {
	// Kind is dnat, snat, masquerade (snat to the address of the way
	// out) or redirect (dnat to the namespace itself).
	Kind string
	// Addr and AddrLast bound the addresses mapped to (equal for one);
	// invalid for masquerade and redirect.
	Addr, AddrLast netip.Addr
	// Port and PortLast bound the ports mapped to; 0 keeps the port.
	Port, PortLast uint16
	// Flags are random, fully-random, persistent.
	Flags []string
}

// To is where the translation maps to: "10.0.0.6:8080",
// "172.24.4.2-172.24.4.9", ":8000"; empty when the address is the way
// out's (masquerade without ports).
func (n *FwNAT) To() string {
	var b strings.Builder
	if n.Addr.IsValid() {
		a := n.Addr.String()
		if n.Addr.Is6() && n.Port != 0 {
			a = "[" + a + "]"
		}
		b.WriteString(a)
		if n.AddrLast.IsValid() && n.AddrLast != n.Addr {
			b.WriteString("-" + n.AddrLast.String())
		}
	}
	if n.Port != 0 {
		b.WriteString(":" + strconv.Itoa(int(n.Port)))
		if n.PortLast != 0 && n.PortLast != n.Port {
			b.WriteString("-" + strconv.Itoa(int(n.PortLast)))
		}
	}
	return b.String()
}

// Maps says what the rule translates into what, from its matches and its
// NAT: "172.24.4.10 → 10.0.0.5", "10.0.1.0/24 out eth0 → masquerade",
// "tcp dport 80 → 10.0.0.6:8080". Empty for a rule without NAT.
func (r *FwRule) Maps() string {
	n := r.NAT
	if n == nil {
		return ""
	}
	var from []string
	addr, port := FwDaddr, FwDport
	if n.Kind == NATSnat || n.Kind == NATMasquerade {
		addr, port = FwSaddr, FwSport
	}
	for i := range r.Matches {
		m := &r.Matches[i]
		switch m.Kind {
		case addr:
			from = append(from, m.ValueText())
		case port:
			from = append(from, "port "+m.ValueText())
		case FwOifname:
			if n.Kind == NATSnat || n.Kind == NATMasquerade {
				from = append(from, "out "+m.ValueText())
			}
		case FwIifname:
			if n.Kind == NATDnat || n.Kind == NATRedirect {
				from = append(from, "in "+m.ValueText())
			}
		}
	}
	if len(from) == 0 {
		from = append(from, "any")
	}
	to := n.To()
	switch {
	case n.Kind == NATMasquerade && to == "":
		to = "masquerade"
	case n.Kind == NATMasquerade:
		to = "masquerade " + to
	case n.Kind == NATRedirect:
		to = "this namespace" + to
	}
	return strings.Join(from, " ") + " → " + to
}
