package model

import (
	"net/netip"
	"strconv"
	"strings"
)

// FwMatchKind is what a match looks at.
type FwMatchKind string

const (
	// FwSaddr and FwDaddr: the source or destination address is in one of
	// Prefixes.
	FwSaddr FwMatchKind = "saddr"
	FwDaddr FwMatchKind = "daddr"
	// FwIifname and FwOifname: the packet came in or goes out through an
	// interface named in Names.
	FwIifname FwMatchKind = "iifname"
	FwOifname FwMatchKind = "oifname"
	// FwL4proto: the transport protocol is one of Protos.
	FwL4proto FwMatchKind = "l4proto"
	// FwSport and FwDport: the source or destination port is in one of
	// Ports (only packets with ports match: TCP, UDP, SCTP, DCCP, UDP-Lite).
	FwSport FwMatchKind = "sport"
	FwDport FwMatchKind = "dport"
	// FwICMPType: an ICMP (or, with ICMPv6, ICMPv6) message of one of
	// ICMPTypes.
	FwICMPType FwMatchKind = "icmp-type"
	// FwCtState: the packet's connection tracking state is one of CtStates.
	FwCtState FwMatchKind = "ct-state"
	// FwMark: the packet's mark, masked by MarkMask, equals Mark.
	FwMark FwMatchKind = "mark"
	// FwNfproto: the packet is of Family (an inet table holds both).
	FwNfproto FwMatchKind = "nfproto"
)

// FwCtStates is a set of connection tracking states, as nft numbers them.
type FwCtStates uint32

const (
	FwCtInvalid     FwCtStates = 1
	FwCtEstablished FwCtStates = 2
	FwCtRelated     FwCtStates = 4
	FwCtNew         FwCtStates = 8
	FwCtUntracked   FwCtStates = 64
)

var ctStateNames = []struct {
	bit  FwCtStates
	name string
}{
	{FwCtInvalid, "invalid"}, {FwCtEstablished, "established"}, {FwCtRelated, "related"},
	{FwCtNew, "new"}, {FwCtUntracked, "untracked"},
}

// String lists the states as nft does: "established,related".
func (s FwCtStates) String() string {
	var names []string
	for _, n := range ctStateNames {
		if s&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	if rest := s &^ (FwCtInvalid | FwCtEstablished | FwCtRelated | FwCtNew | FwCtUntracked); rest != 0 {
		names = append(names, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(names, ",")
}

// FwPortRange is First through Last, both included.
type FwPortRange struct {
	First, Last uint16
}

func (r FwPortRange) String() string {
	if r.First == r.Last {
		return strconv.Itoa(int(r.First))
	}
	return strconv.Itoa(int(r.First)) + "-" + strconv.Itoa(int(r.Last))
}

// FwMatch is one condition of a rule. Only the fields of its Kind are set.
type FwMatch struct {
	Kind FwMatchKind
	// Not inverts the match: the packet must meet none of the values.
	Not bool
	// Prefixes of FwSaddr and FwDaddr; a range of addresses is given as
	// the prefixes that cover exactly it.
	Prefixes []netip.Prefix
	// Names of FwIifname and FwOifname, as iptables writes them: a name
	// ending in "+" stands for every name that begins with the rest.
	Names []string
	// Protos of FwL4proto (IPPROTO_*).
	Protos []uint8
	// Ports of FwSport and FwDport.
	Ports []FwPortRange
	// ICMPTypes of FwICMPType; ICMPv6 says they are ICMPv6 types.
	ICMPTypes []uint8
	ICMPv6    bool
	// CtStates of FwCtState.
	CtStates FwCtStates
	// Mark and MarkMask of FwMark.
	Mark, MarkMask uint32
	// Family of FwNfproto: AF_INET or AF_INET6.
	Family int
}

// FwPacket is what a trace knows of a packet as it reaches a chain.
type FwPacket struct {
	// Family is AF_INET or AF_INET6.
	Family   int
	Src, Dst netip.Addr
	// Iif and Oif name the interfaces it came in and goes out through;
	// empty where the hook has none (no Iif in output, no Oif before
	// routing).
	Iif, Oif string
	Proto    uint8
	// Sport and Dport, for protocols with ports.
	Sport, Dport uint16
	// ICMPType, for ICMP and ICMPv6.
	ICMPType uint8
	// CtState is the packet's state, one bit: FwCtNew for the first packet
	// of a connection.
	CtState FwCtStates
	Mark    uint32
	// Unknown are what a trace does not know of the packet: the source
	// port the kernel will pick, a mark a rule it cannot evaluate may have
	// set. A match on one of them neither holds nor fails: Eval says
	// FwEvalMaybe rather than guess.
	Unknown []FwMatchKind
}

// unknown reports whether p's value for what match kind k looks at is
// not known.
func (p *FwPacket) unknown(k FwMatchKind) bool {
	for _, u := range p.Unknown {
		if u == k {
			return true
		}
	}
	return false
}

// Transport protocols whose headers begin with the two ports.
var portProtos = map[uint8]bool{6: true, 17: true, 33: true, 132: true, 136: true}

// Matches reports whether p meets m.
func (m *FwMatch) Matches(p *FwPacket) bool {
	return m.meets(p) != m.Not
}

func (m *FwMatch) meets(p *FwPacket) bool {
	switch m.Kind {
	case FwSaddr:
		return inPrefixes(m.Prefixes, p.Src)
	case FwDaddr:
		return inPrefixes(m.Prefixes, p.Dst)
	case FwIifname:
		return ifnameIn(m.Names, p.Iif)
	case FwOifname:
		return ifnameIn(m.Names, p.Oif)
	case FwL4proto:
		for _, pr := range m.Protos {
			if pr == p.Proto {
				return true
			}
		}
	case FwSport, FwDport:
		if !portProtos[p.Proto] {
			return false
		}
		port := p.Sport
		if m.Kind == FwDport {
			port = p.Dport
		}
		for _, r := range m.Ports {
			if port >= r.First && port <= r.Last {
				return true
			}
		}
	case FwICMPType:
		want := uint8(1)
		if m.ICMPv6 {
			want = 58
		}
		if p.Proto != want {
			return false
		}
		for _, t := range m.ICMPTypes {
			if t == p.ICMPType {
				return true
			}
		}
	case FwCtState:
		return m.CtStates&p.CtState != 0
	case FwMark:
		return p.Mark&m.MarkMask == m.Mark
	case FwNfproto:
		return p.Family == m.Family
	}
	return false
}

func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// IfnameMatches reports whether an interface name meets a pattern as
// iptables writes it: "eth+" is every name beginning with "eth".
func IfnameMatches(pattern, name string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "+"); ok {
		return strings.HasPrefix(name, prefix)
	}
	return pattern == name
}

func ifnameIn(patterns []string, name string) bool {
	for _, p := range patterns {
		if IfnameMatches(p, name) {
			return true
		}
	}
	return false
}

// FwEval is how a rule relates to a packet.
type FwEval int

const (
	// FwEvalNo: a match the trace can evaluate fails.
	FwEvalNo FwEval = iota
	// FwEvalYes: every match holds, and nothing in the rule is unsure.
	FwEvalYes
	// FwEvalMaybe: every match the trace can evaluate holds, but the rule
	// holds something it cannot (Unsure).
	FwEvalMaybe
)

// Eval tells whether r applies to p. A match on what p does not know
// (p.Unknown) makes it FwEvalMaybe, as does anything in the rule a trace
// cannot evaluate; a match that fails makes it FwEvalNo whatever else.
func (r *FwRule) Eval(p *FwPacket) FwEval {
	maybe := len(r.Unsure) > 0
	for i := range r.Matches {
		m := &r.Matches[i]
		if p.unknown(m.Kind) && m.knowable(p) {
			maybe = true
			continue
		}
		if !m.Matches(p) {
			return FwEvalNo
		}
	}
	if maybe {
		return FwEvalMaybe
	}
	return FwEvalYes
}

// knowable reports whether a match on an unknown value can still hold:
// a port match fails on a packet that has no ports, whatever its ports
// would be.
func (m *FwMatch) knowable(p *FwPacket) bool {
	if m.Kind == FwSport || m.Kind == FwDport {
		return portProtos[p.Proto]
	}
	return true
}

// ValueText is the match's values as a person reads them, with "!= "
// before inverted ones: "10.0.0.0/8", "!= eth0", "{ 22, 80 }",
// "established,related".
func (m *FwMatch) ValueText() string {
	var vals []string
	switch m.Kind {
	case FwSaddr, FwDaddr:
		for _, p := range m.Prefixes {
			vals = append(vals, PrefixText(p))
		}
	case FwIifname, FwOifname:
		vals = append(vals, m.Names...)
	case FwL4proto:
		for _, p := range m.Protos {
			vals = append(vals, ProtoName(p))
		}
	case FwSport, FwDport:
		for _, r := range m.Ports {
			vals = append(vals, r.String())
		}
	case FwICMPType:
		for _, t := range m.ICMPTypes {
			vals = append(vals, ICMPTypeName(t, m.ICMPv6))
		}
	case FwCtState:
		vals = append(vals, m.CtStates.String())
	case FwMark:
		v := "0x" + strconv.FormatUint(uint64(m.Mark), 16)
		if m.MarkMask != ^uint32(0) {
			v += "/0x" + strconv.FormatUint(uint64(m.MarkMask), 16)
		}
		vals = append(vals, v)
	case FwNfproto:
		vals = append(vals, NfprotoName(m.Family))
	}
	s := strings.Join(vals, ", ")
	if len(vals) > 1 {
		s = "{ " + s + " }"
	}
	if m.Not {
		s = "!= " + s
	}
	return s
}

// String is the match as a person reads it: "saddr 10.0.0.0/8",
// "dport { 22, 80 }", "iifname != eth+".
func (m *FwMatch) String() string {
	return string(m.Kind) + " " + m.ValueText()
}

// PrefixText writes a prefix as iptables and nft do: a host without its
// length.
func PrefixText(p netip.Prefix) string {
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr().String()
	}
	return p.String()
}

// NfprotoName is nft's name for an address family: ipv4, ipv6.
func NfprotoName(family int) string {
	switch family {
	case AF_INET:
		return "ipv4"
	case AF_INET6:
		return "ipv6"
	}
	return strconv.Itoa(family)
}

var protoNames = map[uint8]string{
	1: "icmp", 2: "igmp", 4: "ipencap", 6: "tcp", 17: "udp", 33: "dccp", 41: "ipv6",
	47: "gre", 50: "esp", 51: "ah", 58: "ipv6-icmp", 112: "vrrp", 132: "sctp", 136: "udplite",
}

// ProtoName is the name /etc/protocols gives a transport protocol (as nft
// and iptables print it), or its number.
func ProtoName(p uint8) string {
	if n, ok := protoNames[p]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}

// ProtoNumber reads a protocol as iptables -p takes it: a name or a number.
func ProtoNumber(s string) (uint8, bool) {
	if n, err := strconv.ParseUint(s, 10, 8); err == nil {
		return uint8(n), true
	}
	s = strings.ToLower(s)
	switch s {
	case "icmpv6", "ipv6-icmp":
		return 58, true
	}
	for n, name := range protoNames {
		if name == s {
			return n, true
		}
	}
	return 0, false
}

var icmpTypeNames = map[uint8]string{
	0: "echo-reply", 3: "destination-unreachable", 4: "source-quench", 5: "redirect",
	8: "echo-request", 9: "router-advertisement", 10: "router-solicitation", 11: "time-exceeded",
	12: "parameter-problem", 13: "timestamp-request", 14: "timestamp-reply", 15: "info-request",
	16: "info-reply", 17: "address-mask-request", 18: "address-mask-reply",
}

var icmp6TypeNames = map[uint8]string{
	1: "destination-unreachable", 2: "packet-too-big", 3: "time-exceeded", 4: "parameter-problem",
	128: "echo-request", 129: "echo-reply", 130: "mld-listener-query", 131: "mld-listener-report",
	132: "mld-listener-done", 133: "nd-router-solicit", 134: "nd-router-advert",
	135: "nd-neighbor-solicit", 136: "nd-neighbor-advert", 137: "nd-redirect",
	138: "router-renumbering", 143: "mld2-listener-report",
}

// ICMPTypeName is nft's name for an ICMP (or ICMPv6) type, or its number.
func ICMPTypeName(t uint8, v6 bool) string {
	names := icmpTypeNames
	if v6 {
		names = icmp6TypeNames
	}
	if n, ok := names[t]; ok {
		return n
	}
	return strconv.Itoa(int(t))
}

// ICMPTypeNumber reads an ICMP type by nft's name, iptables's name or its
// number.
func ICMPTypeNumber(s string, v6 bool) (uint8, bool) {
	if n, err := strconv.ParseUint(s, 10, 8); err == nil {
		return uint8(n), true
	}
	names := icmpTypeNames
	if v6 {
		names = icmp6TypeNames
	}
	for n, name := range names {
		if name == s {
			return n, true
		}
	}
	switch s {
	case "echo-request", "ping":
		if v6 {
			return 128, true
		}
		return 8, true
	case "echo-reply", "pong":
		if v6 {
			return 129, true
		}
		return 0, true
	}
	return 0, false
}

// RangePrefixes returns the prefixes that together hold exactly the
// addresses from first to last (of one family, first ≤ last).
func RangePrefixes(first, last netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	for first.IsValid() && first.Compare(last) <= 0 {
		bits := first.BitLen()
		// The largest block that starts at first and ends at or before last.
		size := bits
		for size > 0 {
			p, err := first.Prefix(size - 1)
			if err != nil || p.Addr() != first || lastOf(p).Compare(last) > 0 {
				break
			}
			size--
		}
		p := netip.PrefixFrom(first, size)
		out = append(out, p)
		end := lastOf(p)
		if end == last {
			break
		}
		first = end.Next()
	}
	return out
}

// lastOf is the last address of a prefix.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	if p.Addr().Is4() {
		return a.Unmap()
	}
	return a
}
