package model

import (
	"net/netip"
	"strconv"
	"strings"
)

// Masquerade: packets from a subnet leaving a namespace through a link
// take that link's address as their source, so replies find their way
// back without the far side knowing the subnet.
//
// The tutorial writes it `iptables -t nat -A POSTROUTING -s 10.0.1.0/24
// -o eth0 -j MASQUERADE`. lazyns writes the same rule with nftables into
// a table of its own, `ip lazyns` (`ip6 lazyns` for IPv6), and echoes
// the nft commands that do exactly that: it never edits a table that
// iptables, a container runtime or a firewall manager owns (their tools
// would rewrite or refuse what another wrote), the commands are what an
// nft user types, and the history script replays them with nft. A
// masquerade in iptables's own nat table would also sit at the same
// priority (srcnat, 100), so the two kinds of rule work side by side.

// MasqTable and MasqChain are where lazyns keeps its masquerade rules:
// table MasqTable of family ip or ip6, base chain MasqChain on the
// postrouting hook at priority srcnat.
const (
	MasqTable = "lazyns"
	MasqChain = "postrouting"
)

// MasqueradeSpec masquerades packets from Src (a prefix, such as
// 10.0.1.0/24) that leave Ns through link Out.
type MasqueradeSpec struct {
	Ns  string
	Src string
	Out string
	// Host says the host's own namespace is meant: a masquerade there
	// changes what leaves the machine, so it must be chosen explicitly.
	Host bool `json:",omitempty"`
}

// Family is nft's family of the spec's table: ip, or ip6 for an IPv6
// prefix.
func (s MasqueradeSpec) Family() string {
	if p, err := netip.ParsePrefix(s.Src); err == nil && p.Addr().Is6() {
		return "ip6"
	}
	return "ip"
}

// RuleText is the rule as nft list ruleset prints it:
// `ip saddr 10.0.1.0/24 oifname "eth0" counter masquerade` (the counter
// shows in the Firewall view how many connections it translated).
func (s MasqueradeSpec) RuleText() string {
	return strings.Join(s.ruleWords(), " ")
}

func (s MasqueradeSpec) ruleWords() []string {
	// nft reads a quoted name as a name whatever it holds, where a bare
	// one could be a keyword or hold a '$'.
	return []string{s.Family(), "saddr", s.Src, "oifname", `"` + s.Out + `"`, "counter", "masquerade"}
}

// nft is the nft command argv inside the spec's namespace.
func (s MasqueradeSpec) nft(args ...string) Cmd {
	return inNs(s.Ns, append([]string{"nft"}, args...)...)
}

// AddCmds add the table and chain (nft's add leaves them be when they
// exist) and the rule.
func (s MasqueradeSpec) AddCmds() []Cmd {
	f := s.Family()
	return []Cmd{
		s.nft("add", "table", f, MasqTable),
		s.nft("add", "chain", f, MasqTable, MasqChain, "{ type nat hook postrouting priority srcnat; policy accept; }"),
		s.nft(append([]string{"add", "rule", f, MasqTable, MasqChain}, s.ruleWords()...)...),
	}
}

// DeleteCmds remove the rule of handle (nft deletes rules by handle
// alone; a history replayed from scratch makes the same handles, since a
// new table counts them from the start), and the table with it when
// dropTable says the rule was its last.
func (s MasqueradeSpec) DeleteCmds(handle uint64, dropTable bool) []Cmd {
	f := s.Family()
	cmds := []Cmd{s.nft("delete", "rule", f, MasqTable, MasqChain, "handle", strconv.FormatUint(handle, 10))}
	if dropTable {
		cmds = append(cmds, s.nft("delete", "table", f, MasqTable))
	}
	return cmds
}

// Validate checks the prefix, the link name, and that the host is meant
// when it is named.
func (s MasqueradeSpec) Validate() error {
	if s.Ns == "" && !s.Host {
		return fieldErr("namespace", "a masquerade in the host changes what leaves this machine: choose the host explicitly, or a namespace")
	}
	return firstErr(checkNs("namespace", s.Ns), checkMasqSrc(s.Src), checkMasqOut(s.Out))
}

func checkMasqSrc(src string) *FieldError {
	p, ferr := ParseCIDR("source", src)
	if ferr != nil {
		return ferr
	}
	if p.Masked() != p {
		return fieldErr("source", "%s has host bits set: the subnet is %s", Visible(src), p.Masked())
	}
	if p.Bits() == 0 {
		return fieldErr("source", "%s is every address: give the subnet to masquerade, such as 10.0.1.0/24", Visible(src))
	}
	return nil
}

func checkMasqOut(out string) *FieldError {
	if ferr := CheckIfName("out", out); ferr != nil {
		return ferr
	}
	// nft has no escape inside a quoted name.
	if strings.ContainsRune(out, '"') {
		return fieldErr("out", "nft cannot name a link whose name holds a double quote (%s)", Visible(out))
	}
	return nil
}

// CheckMasquerade checks a masquerade against a snapshot: the namespace
// exists and has the link.
func CheckMasquerade(snap *Snapshot, s MasqueradeSpec) *FieldError {
	ns, ferr := nsOf(snap, "namespace", s.Ns)
	if ferr != nil {
		return ferr
	}
	if ns.LinkByName(s.Out) == nil {
		return fieldErr("out", "no link %s in %s", Visible(s.Out), NsLabel(s.Ns))
	}
	return nil
}

// Masquerades lists the masquerades lazyns made in a namespace's
// firewall (its own table's chain), as specs that delete them, with each
// rule's handle; rules in that chain of any other form are left out.
func Masquerades(ns string, fw *Firewall) []MasqueradeRule {
	if fw == nil {
		return nil
	}
	var out []MasqueradeRule
	for i := range fw.Tables {
		t := &fw.Tables[i]
		if t.Name != MasqTable || t.Source != FwNftables || (t.Family != "ip" && t.Family != "ip6") {
			continue
		}
		for j := range t.Chains {
			c := &t.Chains[j]
			if c.Name != MasqChain {
				continue
			}
			for k := range c.Rules {
				if spec, ok := masqueradeOf(ns, &c.Rules[k]); ok {
					out = append(out, MasqueradeRule{Spec: spec, Handle: c.Rules[k].Handle, Rule: &c.Rules[k]})
				}
			}
		}
	}
	return out
}

// MasqueradeRule is a masquerade rule found in lazyns's table.
type MasqueradeRule struct {
	Spec   MasqueradeSpec
	Handle uint64
	Rule   *FwRule
}

// masqueradeOf reads a rule as a masquerade of one source prefix out of
// one link, the form AddCmds writes.
func masqueradeOf(ns string, r *FwRule) (MasqueradeSpec, bool) {
	if r.NAT == nil || r.NAT.Kind != NATMasquerade || len(r.Unsure) > 0 || r.NAT.Port != 0 || len(r.NAT.Flags) > 0 {
		return MasqueradeSpec{}, false
	}
	var src, out string
	for _, m := range r.Matches {
		switch {
		case m.Not:
			return MasqueradeSpec{}, false
		case m.Kind == FwSaddr && len(m.Prefixes) == 1 && src == "":
			src = m.Prefixes[0].String()
		case m.Kind == FwOifname && len(m.Names) == 1 && out == "":
			out = m.Names[0]
		case m.Kind == FwNfproto:
		default:
			return MasqueradeSpec{}, false
		}
	}
	if src == "" || out == "" {
		return MasqueradeSpec{}, false
	}
	return MasqueradeSpec{Ns: ns, Src: src, Out: out, Host: ns == ""}, true
}

// Same reports whether two specs masquerade the same traffic in the same
// namespace.
func (s MasqueradeSpec) Same(o MasqueradeSpec) bool {
	ps, errS := netip.ParsePrefix(s.Src)
	po, errO := netip.ParsePrefix(o.Src)
	return s.Ns == o.Ns && s.Out == o.Out && errS == nil && errO == nil && ps.Masked() == po.Masked()
}
