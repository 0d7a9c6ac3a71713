package pktgen

import (
	"encoding/binary"
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

const (
	macA  = "02:00:00:00:00:01"
	macB  = "02:00:00:00:00:02"
	macC  = "04:00:00:00:00:01" // macA's last four bytes, other first two
	bcast = "ff:ff:ff:ff:ff:ff"
	mcast = "33:33:00:00:00:01"

	ethertypeRARP layers.EthernetType = 0x8035 // gopacket names no constant for it
)

// ports sit on and around the boundaries the filter tests use.
var ports = []uint16{1, 52, 53, 54, 79, 80, 81, 1023, 1024, 4789, 33000, 65535}

// addrPairs are IPv4 source/destination pairs around the hosts and nets the
// filter tests name (10.0.0.1, 10.0.0.0/8, 192.168.1.0/24).
var addrPairs = [][2]string{
	{"10.0.0.1", "10.0.0.2"},
	{"10.0.0.2", "10.0.0.1"},
	{"192.168.1.5", "10.0.0.1"},
	{"10.255.255.255", "11.0.0.1"},
	{"9.255.255.255", "192.168.2.1"},
	{"192.168.1.255", "224.0.0.251"},
}

var addr6Pairs = [][2]string{
	{"2001:db8::1", "2001:db8::2"},
	{"2001:db8::2", "2001:db8:1::1"},
	{"fe80::1", "ff02::1"},
	{"::1", "::1"},
	{"2001:db9::1", "2001:db8::1"},
}

// FilterCorpus is the set of Ethernet frames every filter expression is run
// over: every protocol the grammar names, ports and addresses on both sides
// of each boundary, VLAN tags, IPv4 and IPv6 fragments, tunnels, frames that
// are not IP at all, and truncated frames.
func FilterCorpus() []Packet {
	var c []Packet
	add := func(name string, b []byte) { c = append(c, Packet{Name: name, Data: b}) }

	for _, m := range [][2]string{{macA, macB}, {macB, macA}, {macC, bcast}, {macA, mcast}} {
		for _, a := range [][2]string{{"10.0.0.1", "10.0.0.2"}, {"10.0.0.2", "10.0.0.1"}, {"192.168.1.1", "192.168.1.2"}} {
			for _, op := range []uint16{layers.ARPRequest, layers.ARPReply} {
				add(fmt.Sprintf("arp %d %s>%s %s>%s", op, m[0], m[1], a[0], a[1]),
					Build(Eth(m[0], m[1], layers.EthernetTypeARP), ARP(op, m[0], a[0], m[1], a[1])))
			}
			add("rarp "+a[0]+">"+a[1], Build(Eth(m[0], m[1], ethertypeRARP), ARP(3, m[0], a[0], m[1], a[1])))
		}
	}
	for _, a := range addrPairs {
		add("icmp echo "+a[0]+">"+a[1], Build(Eth(macA, macB, layers.EthernetTypeIPv4), IPv4(a[0], a[1], layers.IPProtocolICMPv4),
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 4, Seq: 1}, Payload(make([]byte, 56))))
		for _, p := range [][2]uint16{{33000, 53}, {53, 33000}, {80, 443}, {1023, 1024}, {1024, 1023}, {65535, 1}, {52, 54}} {
			add(fmt.Sprintf("tcp %s:%d>%s:%d", a[0], p[0], a[1], p[1]),
				Build(Eth(macA, macB, layers.EthernetTypeIPv4), IPv4(a[0], a[1], layers.IPProtocolTCP), TCP(p[0], p[1], "S")))
			add(fmt.Sprintf("udp %s:%d>%s:%d", a[0], p[0], a[1], p[1]),
				Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4(a[0], a[1], layers.IPProtocolUDP), UDP(p[0], p[1]), Payload([]byte("hello"))))
		}
	}
	for _, sp := range ports {
		for _, dp := range ports {
			if sp%2 == dp%2 { // half the pairs keep the corpus small
				add(fmt.Sprintf("tcp port %d>%d", sp, dp), Build(Eth(macA, macB, layers.EthernetTypeIPv4),
					IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolTCP), TCP(sp, dp, "PA"), Payload([]byte("x"))))
			}
		}
		add(fmt.Sprintf("udp port %d>%d", sp, sp), Build(Eth(macA, macB, layers.EthernetTypeIPv4),
			IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP), UDP(sp, sp)))
		add(fmt.Sprintf("udp6 port %d>53", sp), Build(Eth(macA, macB, layers.EthernetTypeIPv6),
			IPv6("2001:db8::1", "2001:db8::2", layers.IPProtocolUDP), UDP(sp, 53)))
		add(fmt.Sprintf("tcp6 port 80>%d", sp), Build(Eth(macA, macB, layers.EthernetTypeIPv6),
			IPv6("2001:db8::2", "2001:db8::1", layers.IPProtocolTCP), TCP(80, sp, "SA")))
	}
	add("sctp 53>80", Build(Eth(macA, macB, layers.EthernetTypeIPv4), IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolSCTP), SCTPHeader(53, 80)))
	add("sctp6 1024>53", Build(Eth(macA, macB, layers.EthernetTypeIPv6), IPv6("2001:db8::1", "2001:db8::2", layers.IPProtocolSCTP), SCTPHeader(1024, 53)))

	// An IPv4 header with options moves the ports: filters must read the
	// header length, not assume 20 bytes.
	opt := IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP)
	opt.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 1}, {OptionType: 1}, {OptionType: 0}}
	add("udp ip-options 1024>53", Build(Eth(macA, macB, layers.EthernetTypeIPv4), opt, UDP(1024, 53)))

	// Fragments: the first carries the ports; a later one carries data
	// that happens to read as port 53, which tcpdump's port test skips.
	first := IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP)
	first.Flags = layers.IPv4MoreFragments
	add("udp frag first 1024>53", Build(Eth(macA, macB, layers.EthernetTypeIPv4), first, UDP(1024, 53), Payload(make([]byte, 32))))
	later := IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP)
	later.FragOffset = 5
	add("udp frag later", Build(Eth(macA, macB, layers.EthernetTypeIPv4), later, Payload([]byte{0, 53, 0, 53, 0, 8, 0, 0})))
	df := IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolTCP)
	df.Flags = layers.IPv4DontFragment
	add("tcp df 33000>80", Build(Eth(macA, macB, layers.EthernetTypeIPv4), df, TCP(33000, 80, "S")))
	add("udp6 frag 1024>53", Build(Eth(macA, macB, layers.EthernetTypeIPv6), IPv6("2001:db8::1", "2001:db8::2", layers.IPProtocolIPv6Fragment),
		&layers.IPv6Fragment{NextHeader: layers.IPProtocolUDP, MoreFragments: true, Identification: 7}, UDP(1024, 53)))
	add("icmp6 frag", Build(Eth(macA, macB, layers.EthernetTypeIPv6), IPv6("2001:db8::1", "2001:db8::2", layers.IPProtocolIPv6Fragment),
		&layers.IPv6Fragment{NextHeader: layers.IPProtocolICMPv6, Identification: 8}, Payload([]byte{128, 0, 0, 0, 0, 1, 0, 1})))

	for _, a := range addr6Pairs {
		eth := func() *layers.Ethernet { return Eth(macA, macB, layers.EthernetTypeIPv6) }
		add("icmp6 echo "+a[0]+">"+a[1], Build(eth(), IPv6(a[0], a[1], layers.IPProtocolICMPv6), ICMPv6(128, 0), &layers.ICMPv6Echo{Identifier: 4, SeqNumber: 1}))
		add("tcp6 "+a[0]+">"+a[1], Build(eth(), IPv6(a[0], a[1], layers.IPProtocolTCP), TCP(33000, 22, "S")))
		add("udp6 "+a[0]+">"+a[1], Build(eth(), IPv6(a[0], a[1], layers.IPProtocolUDP), UDP(5353, 5353)))
	}
	for _, nd := range NeighbourDiscovery() {
		add(nd.Name, nd.Data)
	}
	// MLD behind a hop-by-hop header: icmp6 in tcpdump looks no further than
	// a fragment header, so this is not "icmp6" to it.
	add("mld hop-by-hop", Build(Eth(macA, mcast, layers.EthernetTypeIPv6), IPv6("fe80::1", "ff02::16", layers.IPProtocolIPv6HopByHop),
		Payload([]byte{58, 0, 5, 2, 0, 0, 1, 0, 143, 0, 0, 0, 0, 0, 0, 0})))
	add("ipv6 next 59", Build(Eth(macA, macB, layers.EthernetTypeIPv6), IPv6("2001:db8::1", "2001:db8::2", layers.IPProtocolNoNextHeader)))

	for _, v := range []struct {
		name  string
		tpid  layers.EthernetType
		id    uint16
		inner []gopacket.SerializableLayer
	}{
		{"icmp", layers.EthernetTypeDot1Q, 10, []gopacket.SerializableLayer{IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolICMPv4), ICMPv4(8, 0)}},
		{"icmp", layers.EthernetTypeDot1Q, 20, []gopacket.SerializableLayer{IPv4("10.0.0.2", "10.0.0.1", layers.IPProtocolICMPv4), ICMPv4(0, 0)}},
		{"tcp", layers.EthernetTypeDot1Q, 10, []gopacket.SerializableLayer{IPv4("10.0.0.1", "192.168.1.5", layers.IPProtocolTCP), TCP(33000, 80, "S")}},
		{"udp6", layers.EthernetTypeDot1Q, 4095, []gopacket.SerializableLayer{IPv6("2001:db8::1", "2001:db8::2", layers.IPProtocolUDP), UDP(1024, 53)}},
		{"arp", layers.EthernetTypeDot1Q, 10, []gopacket.SerializableLayer{ARP(layers.ARPRequest, macA, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")}},
		{"udp", layers.EthernetTypeQinQ, 100, []gopacket.SerializableLayer{IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP), UDP(53, 1024)}},
	} {
		typ := layers.EthernetTypeIPv4
		switch v.inner[0].(type) {
		case *layers.IPv6:
			typ = layers.EthernetTypeIPv6
		case *layers.ARP:
			typ = layers.EthernetTypeARP
		}
		ls := append([]gopacket.SerializableLayer{Eth(macA, macB, v.tpid), &layers.Dot1Q{VLANIdentifier: v.id, Type: typ}}, v.inner...)
		add(fmt.Sprintf("vlan %d %s", v.id, v.name), Build(ls...))
	}
	// 802.1ad outer tag 100, 802.1Q inner tag 10.
	add("qinq 100/10 icmp", Build(Eth(macA, macB, layers.EthernetTypeQinQ), &layers.Dot1Q{VLANIdentifier: 100, Type: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4}, IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolICMPv4), ICMPv4(8, 0)))
	oldQinQ := Build(Eth(macA, macB, layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4},
		IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP), UDP(53, 53))
	binary.BigEndian.PutUint16(oldQinQ[12:], 0x9100)
	add("vlan 0x9100 10 udp", oldQinQ)

	add("vxlan icmp", VXLANFrame())
	add("gre icmp", GREFrame())
	add("igmp", Build(Eth(macA, "01:00:5e:00:00:16", layers.EthernetTypeIPv4), IPv4("10.0.0.1", "224.0.0.22", layers.IPProtocolIGMP), Payload([]byte{0x22, 0, 0xfa, 0x02, 0, 0, 0, 0})))
	add("lldp", Build(Eth(macA, "01:80:c2:00:00:0e", layers.EthernetTypeLinkLayerDiscovery), Payload(make([]byte, 46))))
	add("802.3 llc", Build(&layers.Ethernet{SrcMAC: MAC(macA), DstMAC: MAC("01:80:c2:00:00:00"), EthernetType: layers.EthernetTypeLLC, Length: 38},
		&layers.LLC{DSAP: 0x42, SSAP: 0x42, Control: 3}, Payload(make([]byte, 35))))

	full := Build(Eth(macA, macB, layers.EthernetTypeIPv4), IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP), UDP(1024, 53))
	for _, n := range []int{6, 13, 14, 20, 24, 30, 33, 36, 40} {
		add(fmt.Sprintf("truncated udp %d", n), Truncate(full, n))
	}
	full6 := Build(Eth(macA, macB, layers.EthernetTypeIPv6), IPv6("2001:db8::1", "2001:db8::2", layers.IPProtocolTCP), TCP(80, 1024, "S"))
	for _, n := range []int{21, 40, 54, 56} {
		add(fmt.Sprintf("truncated tcp6 %d", n), Truncate(full6, n))
	}
	return c
}

// ARP is an Ethernet/IPv4 ARP message (op 3 and 4 are RARP).
func ARP(op uint16, sha, spa, tha, tpa string) *layers.ARP {
	return &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: op, SourceHwAddress: MAC(sha), SourceProtAddress: IP(spa), DstHwAddress: MAC(tha), DstProtAddress: IP(tpa)}
}

// ICMPv4 is an ICMP header of the given type and code (id 4, seq 1).
func ICMPv4(typ, code uint8) *layers.ICMPv4 {
	return &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: 4, Seq: 1}
}

// ICMPv6 is an ICMPv6 header of the given type and code.
func ICMPv6(typ, code uint8) *layers.ICMPv6 {
	return &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, code)}
}

// NeighbourDiscovery is router and neighbour solicitation and
// advertisement, as a host on fe80::1 and a router on fe80::2 send them.
func NeighbourDiscovery() []Packet {
	eth := func(dst string) *layers.Ethernet { return Eth(macA, dst, layers.EthernetTypeIPv6) }
	ip := func(src, dst string) *layers.IPv6 {
		i := IPv6(src, dst, layers.IPProtocolICMPv6)
		i.HopLimit = 255
		return i
	}
	lla := func(t layers.ICMPv6Opt) layers.ICMPv6Options {
		return layers.ICMPv6Options{{Type: t, Data: MAC(macA)}}
	}
	return []Packet{
		{"ndp ns", Build(eth("33:33:ff:00:00:02"), ip("fe80::1", "ff02::1:ff00:2"), ICMPv6(135, 0),
			&layers.ICMPv6NeighborSolicitation{TargetAddress: IP("fe80::2"), Options: lla(layers.ICMPv6OptSourceAddress)})},
		{"ndp na", Build(eth(macB), ip("fe80::2", "fe80::1"), ICMPv6(136, 0),
			&layers.ICMPv6NeighborAdvertisement{Flags: 0x60, TargetAddress: IP("fe80::2"), Options: lla(layers.ICMPv6OptTargetAddress)})},
		{"ndp rs", Build(eth("33:33:00:00:00:02"), ip("fe80::1", "ff02::2"), ICMPv6(133, 0),
			&layers.ICMPv6RouterSolicitation{Options: lla(layers.ICMPv6OptSourceAddress)})},
		{"ndp ra", Build(eth(mcast), ip("fe80::2", "ff02::1"), ICMPv6(134, 0),
			&layers.ICMPv6RouterAdvertisement{HopLimit: 64, RouterLifetime: 1800, Options: lla(layers.ICMPv6OptSourceAddress)})},
	}
}

// VXLANFrame is an ICMP echo between two guests (10.1.0.1 > 10.1.0.2)
// carried in VXLAN (VNI 42) between two hosts (192.168.1.1 > 192.168.1.2).
func VXLANFrame() []byte {
	return Build(Eth(macA, macB, layers.EthernetTypeIPv4), IPv4("192.168.1.1", "192.168.1.2", layers.IPProtocolUDP), UDP(33000, 4789),
		&layers.VXLAN{ValidIDFlag: true, VNI: 42}, Eth("02:00:00:00:01:01", "02:00:00:00:01:02", layers.EthernetTypeIPv4),
		IPv4("10.1.0.1", "10.1.0.2", layers.IPProtocolICMPv4), ICMPv4(8, 0), Payload(make([]byte, 56)))
}

// GREFrame is an ICMP echo (10.2.0.1 > 10.2.0.2) in GRE between
// 192.168.1.1 and 192.168.1.2.
func GREFrame() []byte {
	return Build(Eth(macA, macB, layers.EthernetTypeIPv4), IPv4("192.168.1.1", "192.168.1.2", layers.IPProtocolGRE),
		&layers.GRE{Protocol: layers.EthernetTypeIPv4}, IPv4("10.2.0.1", "10.2.0.2", layers.IPProtocolICMPv4), ICMPv4(8, 0), Payload(make([]byte, 56)))
}
