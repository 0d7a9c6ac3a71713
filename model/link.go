package model

import (
	"net"
	"strconv"
)

// Interface flags (IFF_*), as in <linux/if.h>. Kept here so model stays free
// of system packages.
const (
	IFF_UP          = 0x1
	IFF_BROADCAST   = 0x2
	IFF_DEBUG       = 0x4
	IFF_LOOPBACK    = 0x8
	IFF_POINTOPOINT = 0x10
	IFF_NOTRAILERS  = 0x20
	IFF_RUNNING     = 0x40
	IFF_NOARP       = 0x80
	IFF_PROMISC     = 0x100
	IFF_ALLMULTI    = 0x200
	IFF_MASTER      = 0x400
	IFF_SLAVE       = 0x800
	IFF_MULTICAST   = 0x1000
	IFF_PORTSEL     = 0x2000
	IFF_AUTOMEDIA   = 0x4000
	IFF_DYNAMIC     = 0x8000
	IFF_LOWER_UP    = 0x10000
	IFF_DORMANT     = 0x20000
	IFF_ECHO        = 0x40000
)

// NoNsID is the kernel's "no namespace id": the other end is local.
const NoNsID = -1

// Link is one network interface.
type Link struct {
	Index int
	Name  string
	// Kind is the rtnetlink kind ("veth", "bridge", "vxlan", ...); empty for
	// devices without one, such as the loopback or a physical NIC.
	Kind      string
	SlaveKind string
	Flags     uint32
	MTU       int
	Qdisc     string
	// MasterIndex is the index of the bridge (or bond) this link is a port of.
	MasterIndex int
	OperState   uint8
	LinkMode    uint8
	Group       uint32
	TxQLen      int
	// HWType is the ARPHRD_* type of the device.
	HWType    uint16
	MAC       net.HardwareAddr
	Broadcast net.HardwareAddr
	// ParentIndex is IFLA_LINK: for a veth, the peer's index in the peer's
	// namespace. HasParent tells a present 0 from an absent attribute.
	ParentIndex int
	HasParent   bool
	// NetNsID is IFLA_LINK_NETNSID (the peer's namespace, relative to this
	// one), or NoNsID.
	NetNsID int
	Alias   string
	// AltNames are the link's alternative names (IFLA_ALT_IFNAME).
	AltNames []string
	// PermAddr is the hardware's own address (IFLA_PERM_ADDRESS), where the
	// driver knows one.
	PermAddr  net.HardwareAddr
	ProtoDown bool
	Addrs     []Addr
	// Stats are the link's counters, when they were read (nil otherwise:
	// a read leaves them out unless asked, as they cost the kernel time).
	Stats *LinkStats
	// Peer is the other end of a veth, once resolved.
	Peer *PeerRef
}

// PeerRef names the other end of a veth pair.
type PeerRef struct {
	Ns    NsKey
	Index int
	Name  string
	// NsName is the display name of the namespace holding it.
	NsName string
}

// Up reports whether the link is administratively up.
func (l *Link) Up() bool { return l.Flags&IFF_UP != 0 }

// IsVeth reports whether the link is one end of a veth pair.
func (l *Link) IsVeth() bool { return l.Kind == "veth" }

// KindLabel is the kind as a person reads it: loopback and plain devices
// have no rtnetlink kind, so their hardware type stands in.
func (l *Link) KindLabel() string {
	if l.Kind != "" {
		return l.Kind
	}
	if l.Flags&IFF_LOOPBACK != 0 {
		return "loopback"
	}
	return "device"
}

// Addr is one address on a link (IFA_*).
type Addr struct {
	Family    int // AF_INET or AF_INET6
	Local     net.IP
	Peer      net.IP // IFA_ADDRESS when it differs from IFA_LOCAL
	PrefixLen int
	Broadcast net.IP
	Anycast   net.IP
	Scope     uint8
	Label     string
	Flags     uint32
	// Lifetimes in seconds, 0xFFFFFFFF meaning forever; HasCacheInfo false
	// when the kernel sent none.
	ValidLft     uint32
	PreferredLft uint32
	HasCacheInfo bool
	Metric       uint32
	HasMetric    bool
}

// CIDR is the address with its prefix length, as people write it.
func (a *Addr) CIDR() string {
	return a.Local.String() + "/" + strconv.Itoa(a.PrefixLen)
}

// Network is the subnet the address is on: its prefix, host bits zero.
func (a *Addr) Network() *net.IPNet { return network(a.Local, a.PrefixLen, a.Family) }

var operStates = []string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

// OperStateName is the operational state as ip prints it.
func OperStateName(s uint8) string {
	if int(s) < len(operStates) {
		return operStates[s]
	}
	return strconv.Itoa(int(s))
}

var flagOrder = []struct {
	bit  uint32
	name string
}{
	{IFF_LOOPBACK, "LOOPBACK"}, {IFF_BROADCAST, "BROADCAST"}, {IFF_POINTOPOINT, "POINTOPOINT"},
	{IFF_MULTICAST, "MULTICAST"}, {IFF_NOARP, "NOARP"}, {IFF_ALLMULTI, "ALLMULTI"},
	{IFF_PROMISC, "PROMISC"}, {IFF_MASTER, "MASTER"}, {IFF_SLAVE, "SLAVE"},
	{IFF_DEBUG, "DEBUG"}, {IFF_DYNAMIC, "DYNAMIC"}, {IFF_AUTOMEDIA, "AUTOMEDIA"},
	{IFF_PORTSEL, "PORTSEL"}, {IFF_NOTRAILERS, "NOTRAILERS"}, {IFF_UP, "UP"},
	{IFF_LOWER_UP, "LOWER_UP"}, {IFF_DORMANT, "DORMANT"}, {IFF_ECHO, "ECHO"},
}

// FlagNames lists interface flags in the order and spelling of iproute2,
// including its NO-CARRIER for a link that is up without a carrier.
func FlagNames(flags uint32) []string {
	names := make([]string, 0, 6)
	if flags&IFF_UP != 0 && flags&IFF_RUNNING == 0 {
		names = append(names, "NO-CARRIER")
	}
	flags &^= IFF_RUNNING
	for _, f := range flagOrder {
		if flags&f.bit != 0 {
			names = append(names, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		names = append(names, strconv.FormatUint(uint64(flags), 16))
	}
	return names
}

// HWTypeName is ip's name for an ARPHRD_* type (ll_type_n2a).
func HWTypeName(t uint16) string {
	switch t {
	case 1:
		return "ether"
	case 772:
		return "loopback"
	case 65534:
		return "none"
	case 768:
		return "ipip"
	case 776:
		return "sit"
	case 778:
		return "gre"
	case 823:
		return "ip6gre"
	case 769:
		return "tunnel6"
	case 65535:
		return "void"
	case 512:
		return "ppp"
	case 801:
		return "ieee802.11"
	case 32:
		return "infiniband"
	}
	return "[" + strconv.Itoa(int(t)) + "]"
}

// Address flags (IFA_F_*).
const (
	IFA_F_SECONDARY      = 0x01
	IFA_F_NODAD          = 0x02
	IFA_F_OPTIMISTIC     = 0x04
	IFA_F_DADFAILED      = 0x08
	IFA_F_HOMEADDRESS    = 0x10
	IFA_F_DEPRECATED     = 0x20
	IFA_F_TENTATIVE      = 0x40
	IFA_F_PERMANENT      = 0x80
	IFA_F_MANAGETEMPADDR = 0x100
	IFA_F_NOPREFIXROUTE  = 0x200
	IFA_F_MCAUTOJOIN     = 0x400
	IFA_F_STABLE_PRIVACY = 0x800
)

// AddrFlagNames lists the address flags as ip -j names its boolean keys,
// in ip's order: a missing PERMANENT reads "dynamic" (where PERMANENT
// would be), SECONDARY on IPv6 reads "temporary".
func AddrFlagNames(family int, flags uint32) []string {
	var out []string
	names := []struct {
		bit  uint32
		name string
	}{
		{IFA_F_SECONDARY, "secondary"}, {IFA_F_NODAD, "nodad"}, {IFA_F_OPTIMISTIC, "optimistic"},
		{IFA_F_DADFAILED, "dadfailed"}, {IFA_F_HOMEADDRESS, "home"}, {IFA_F_DEPRECATED, "deprecated"},
		{IFA_F_TENTATIVE, "tentative"}, {IFA_F_PERMANENT, "dynamic"}, {IFA_F_MANAGETEMPADDR, "mngtmpaddr"},
		{IFA_F_NOPREFIXROUTE, "noprefixroute"}, {IFA_F_MCAUTOJOIN, "autojoin"},
		{IFA_F_STABLE_PRIVACY, "stable-privacy"},
	}
	for _, n := range names {
		switch {
		case n.bit == IFA_F_PERMANENT:
			if flags&n.bit == 0 {
				out = append(out, n.name)
			}
		case flags&n.bit == 0:
		case n.bit == IFA_F_SECONDARY && family == AF_INET6:
			out = append(out, "temporary")
		default:
			out = append(out, n.name)
		}
	}
	return out
}

// addrFlagsKnown are the bits AddrFlagNames names; ip writes any others
// as "ifa_flags" in hex.
const addrFlagsKnown = 0xfff

// Address families, as in <sys/socket.h>.
const (
	AF_INET  = 2
	AF_INET6 = 10
)

// FamilyName is "inet" or "inet6", as ip -j spells it.
func FamilyName(f int) string {
	switch f {
	case AF_INET:
		return "inet"
	case AF_INET6:
		return "inet6"
	}
	return strconv.Itoa(f)
}

// ScopeName is ip's name for a route or address scope.
func ScopeName(s uint8) string {
	switch s {
	case 0:
		return "global"
	case 200:
		return "site"
	case 253:
		return "link"
	case 254:
		return "host"
	case 255:
		return "nowhere"
	}
	return strconv.Itoa(int(s))
}
