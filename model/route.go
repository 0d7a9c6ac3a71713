package model

import (
	"net"
	"strconv"
)

// Route is one entry of a routing table (RTM_NEWROUTE).
type Route struct {
	Family   int
	Type     uint8
	Dst      net.IP // nil for a default route
	DstLen   int
	Src      net.IP // the "from" prefix of source-specific IPv6 routes
	SrcLen   int
	Tos      uint8
	Table    uint32
	Protocol uint8
	Scope    uint8
	Flags    uint32
	Gateway  net.IP
	// Via is RTA_VIA: a gateway of another family.
	Via       net.IP
	DevIndex  int
	Dev       string
	Metric    uint32
	HasMetric bool
	PrefSrc   net.IP
	Pref      uint8
	HasPref   bool
	Expires   int
	MTU       uint32
	NextHops  []NextHop
}

// NextHop is one path of a multipath route.
type NextHop struct {
	Gateway  net.IP
	DevIndex int
	Dev      string
	Weight   int
	Flags    uint8
}

// Route types (RTN_*).
const (
	RTN_UNICAST     = 1
	RTN_LOCAL       = 2
	RTN_BROADCAST   = 3
	RTN_ANYCAST     = 4
	RTN_MULTICAST   = 5
	RTN_BLACKHOLE   = 6
	RTN_UNREACHABLE = 7
	RTN_PROHIBIT    = 8
	RTN_THROW       = 9
	RTN_NAT         = 10
)

// Well-known tables.
const (
	TableDefault = 253
	TableMain    = 254
	TableLocal   = 255
)

// IsDefault reports a route that matches every destination.
func (r *Route) IsDefault() bool { return r.DstLen == 0 }

// DstString is the destination as ip prints it: "default", a bare address
// for a host route, otherwise address/length.
func (r *Route) DstString() string {
	if r.DstLen == 0 || r.Dst == nil {
		return "default"
	}
	if r.DstLen == hostLen(r.Family) {
		return r.Dst.String()
	}
	return r.Dst.String() + "/" + strconv.Itoa(r.DstLen)
}

// Prefix is the destination as a network, nil for a default route.
func (r *Route) Prefix() *net.IPNet {
	if r.DstLen == 0 || r.Dst == nil {
		return nil
	}
	return network(r.Dst, r.DstLen, r.Family)
}

// network is the prefix of length ones that holds ip, of the family's size.
func network(ip net.IP, ones, family int) *net.IPNet {
	mask := net.CIDRMask(ones, hostLen(family))
	return &net.IPNet{IP: ip.Mask(mask), Mask: mask}
}

func hostLen(family int) int {
	if family == AF_INET6 {
		return 128
	}
	return 32
}

var routeTypes = []string{"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
	"blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"}

// RouteTypeName is ip's name for a route type.
func RouteTypeName(t uint8) string {
	if int(t) < len(routeTypes) {
		return routeTypes[t]
	}
	return strconv.Itoa(int(t))
}

// RouteFlagNames are the RTNH_F_* / RTM_F_* flags as ip -j lists them.
func RouteFlagNames(flags uint32) []string {
	out := []string{}
	names := []struct {
		bit  uint32
		name string
	}{
		{0x1, "dead"}, {0x2, "pervasive"}, {0x4, "onlink"}, {0x8, "offload"},
		{0x10, "linkdown"}, {0x20, "unresolved"}, {0x40, "trap"},
	}
	for _, n := range names {
		if flags&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// PrefName is the IPv6 router preference as ip prints it.
func PrefName(p uint8) string {
	switch p {
	case 0:
		return "medium"
	case 1:
		return "high"
	case 3:
		return "low"
	}
	return strconv.Itoa(int(p))
}

// Rule is one policy routing rule (FRA_*).
type Rule struct {
	Family   int
	Priority uint32
	Invert   bool
	Src      net.IP
	SrcLen   int
	Dst      net.IP
	DstLen   int
	Tos      uint8
	// Action is the FR_ACT_* action: 1 means "look up Table".
	Action  uint8
	Table   uint32
	Mark    uint32
	HasMark bool
	Mask    uint32
	HasMask bool
	Iif     string
	Oif     string
	// IifDetached and OifDetached: the rule names a device that is not in
	// the namespace (FIB_RULE_IIF_DETACHED, FIB_RULE_OIF_DETACHED).
	IifDetached bool
	OifDetached bool
	Goto        uint32
	// HasGoto tells goto 0 from a goto rule without a target; Unresolved
	// is a goto whose target rule does not exist (FIB_RULE_UNRESOLVED).
	HasGoto           bool
	Unresolved        bool
	SuppressPrefixlen int32
	SuppressIfgroup   int32
	L3mdev            bool
	Protocol          uint8
	IPProto           uint8
	HasIPProto        bool
	UIDStart, UIDEnd  uint32
	HasUID            bool
	SportStart        uint16
	SportEnd          uint16
	HasSport          bool
	DportStart        uint16
	DportEnd          uint16
	HasDport          bool
}

// FR_ACT_* rule actions.
const (
	FR_ACT_TO_TBL      = 1
	FR_ACT_GOTO        = 2
	FR_ACT_NOP         = 3
	FR_ACT_BLACKHOLE   = 6
	FR_ACT_UNREACHABLE = 7
	FR_ACT_PROHIBIT    = 8
)

// Neighbour is one ARP or NDP entry (RTM_NEWNEIGH).
type Neighbour struct {
	Family   int
	Dst      net.IP
	DevIndex int
	Dev      string
	LLAddr   net.HardwareAddr
	State    uint16
	Flags    uint8
	// Protocol is who made the entry (NDA_PROTOCOL), 0 when unsaid.
	Protocol uint8
}

// NeighStateNames lists NUD_* states as ip does.
func NeighStateNames(state uint16) []string {
	out := []string{}
	names := []struct {
		bit  uint16
		name string
	}{
		{0x01, "INCOMPLETE"}, {0x02, "REACHABLE"}, {0x04, "STALE"}, {0x08, "DELAY"},
		{0x10, "PROBE"}, {0x20, "FAILED"}, {0x40, "NOARP"}, {0x80, "PERMANENT"},
	}
	for _, n := range names {
		if state&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// Names holds the symbolic names iproute2 reads from /etc/iproute2, so our
// output matches ip's on hosts that name their tables (Neutron, for one).
type Names struct {
	Tables map[uint32]string
	Protos map[uint8]string
	// IPProtos are /etc/protocols' names (tcp, udp…), as ip rule prints
	// a rule's ipproto.
	IPProtos map[uint8]string
}

// DefaultNames are iproute2's built-in names.
func DefaultNames() *Names {
	return &Names{
		Tables: map[uint32]string{0: "unspec", TableDefault: "default", TableMain: "main", TableLocal: "local"},
		Protos: map[uint8]string{0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static",
			8: "gated", 9: "ra", 10: "mrt", 11: "zebra", 12: "bird", 13: "dnrouted", 14: "xorp",
			15: "ntk", 16: "dhcp", 18: "keepalived", 42: "babel", 99: "openr", 186: "bgp",
			187: "isis", 188: "ospf", 189: "rip", 192: "eigrp"},
	}
}

// Table is the table's name, or its number.
func (n *Names) Table(t uint32) string {
	if s, ok := n.Tables[t]; ok {
		return s
	}
	return strconv.FormatUint(uint64(t), 10)
}

// IPProto is an IP protocol's name, or ipproto-N as iproute2 writes one
// /etc/protocols does not name.
func (n *Names) IPProto(p uint8) string {
	if s, ok := n.IPProtos[p]; ok {
		return s
	}
	return "ipproto-" + strconv.Itoa(int(p))
}

// Proto is the route protocol's name, or its number.
func (n *Names) Proto(p uint8) string {
	if s, ok := n.Protos[p]; ok {
		return s
	}
	return strconv.Itoa(int(p))
}
