package pcapfilter

// qual is the qualifiers in front of an address ("tcp dst port 53"): a
// protocol, a direction and the kind of address. A bare address after
// "and"/"or" inherits the qualifiers of the primitive before it.
type qual struct {
	proto protoQual
	dir   dirQual
	addr  addrQual
	// For errors: the qualifiers as written, where they start, and the
	// protocol word among them.
	text      string
	pos       int
	protoText string
}

type protoQual int

const (
	pDefault protoQual = iota
	pLink
	pIP
	pIP6
	pARP
	pRARP
	pTCP
	pUDP
	pSCTP
	pICMP
	pICMP6
	pIGMP
	pIGRP
	pPIM
	pVRRP
	pAH
	pESP
)

var protoQuals = map[string]protoQual{
	"ether": pLink, "link": pLink, "ip": pIP, "ip6": pIP6, "arp": pARP, "rarp": pRARP,
	"tcp": pTCP, "udp": pUDP, "sctp": pSCTP, "icmp": pICMP, "icmp6": pICMP6,
	"igmp": pIGMP, "igrp": pIGRP, "pim": pPIM, "vrrp": pVRRP, "ah": pAH, "esp": pESP,
}

type dirQual int

const (
	dDefault dirQual = iota
	dSrc
	dDst
	dOr  // src or dst
	dAnd // src and dst
)

type addrQual int

const (
	aDefault addrQual = iota
	aHost
	aNet
	aPort
	aPortRange
	aProto
	aNone // after a primitive without qualifiers ("tcp"): a bare address there is an error
)

var addrQuals = map[string]addrQual{"host": aHost, "net": aNet, "port": aPort, "portrange": aPortRange}

// noQual is what a bare address inherits at the start of an expression or
// after a primitive that takes no address.
var noQual = qual{addr: aNone}

// IP protocol numbers and EtherTypes the generators test for.
const (
	ipprotoICMP     = 1
	ipprotoIGMP     = 2
	ipprotoTCP      = 6
	ipprotoIGRP     = 9
	ipprotoUDP      = 17
	ipprotoFragment = 44
	ipprotoESP      = 50
	ipprotoAH       = 51
	ipprotoICMPv6   = 58
	ipprotoPIM      = 103
	ipprotoVRRP     = 112
	ipprotoSCTP     = 132

	etherTypeIPv4    = 0x0800
	etherTypeARP     = 0x0806
	etherTypeRARP    = 0x8035
	etherTypeIPv6    = 0x86dd
	etherTypeVLAN    = 0x8100
	etherTypeQinQ    = 0x88a8
	etherTypeVLANOld = 0x9100
)

// protoNames are the names "proto" takes after a backslash ("ip proto
// \udp"); libpcap reads /etc/protocols, which a pure compiler cannot.
var protoNames = map[string]uint32{
	"icmp": ipprotoICMP, "igmp": ipprotoIGMP, "tcp": ipprotoTCP, "igrp": ipprotoIGRP,
	"udp": ipprotoUDP, "gre": 47, "esp": ipprotoESP, "ah": ipprotoAH,
	"icmp6": ipprotoICMPv6, "ipv6-icmp": ipprotoICMPv6, "pim": ipprotoPIM,
	"vrrp": ipprotoVRRP, "sctp": ipprotoSCTP,
}
