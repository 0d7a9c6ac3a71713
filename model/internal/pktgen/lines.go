package pktgen

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// LineCorpus is one packet of each kind the capture pane prints, as a
// lab would see them: the golden test compares our lines with what
// tcpdump -n prints for the same packets.
func LineCorpus() []Packet {
	eth4 := func() *layers.Ethernet { return Eth(macA, macB, layers.EthernetTypeIPv4) }
	eth6 := func() *layers.Ethernet { return Eth(macA, macB, layers.EthernetTypeIPv6) }
	ip4 := func(p layers.IPProtocol) *layers.IPv4 { return IPv4("10.0.1.1", "10.0.1.2", p) }
	ip6 := func(p layers.IPProtocol) *layers.IPv6 { return IPv6("2001:db8::1", "2001:db8::2", p) }
	echo := func(typ uint8) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{eth4(), ip4(layers.IPProtocolICMPv4), ICMPv4(typ, 0), Payload(make([]byte, 56))}
	}
	var c []Packet
	add := func(name string, b []byte) { c = append(c, Packet{Name: name, Data: b}) }

	add("arp request", Build(Eth(macA, bcast, layers.EthernetTypeARP), ARP(layers.ARPRequest, macA, "10.0.1.1", "00:00:00:00:00:00", "10.0.1.2")))
	add("arp reply", Build(Eth(macB, macA, layers.EthernetTypeARP), ARP(layers.ARPReply, macB, "10.0.1.2", macA, "10.0.1.1")))
	add("arp gratuitous", Build(Eth(macA, bcast, layers.EthernetTypeARP), ARP(layers.ARPRequest, macA, "10.0.1.1", "00:00:00:00:00:00", "10.0.1.1")))
	add("icmp echo request", Build(echo(8)...))
	add("icmp echo reply", Build(echo(0)...))
	add("icmp port unreachable", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolICMPv4), ICMPv4(3, 3),
		Payload(Build(IPv4("10.0.1.1", "10.0.1.2", layers.IPProtocolUDP), UDP(33000, 33434)))))
	add("icmp time exceeded", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.254", "10.0.1.1", layers.IPProtocolICMPv4), ICMPv4(11, 0),
		Payload(Build(IPv4("10.0.1.1", "10.0.9.9", layers.IPProtocolUDP), UDP(33000, 33434)))))
	add("icmp6 echo request", Build(eth6(), ip6(layers.IPProtocolICMPv6), ICMPv6(128, 0), &layers.ICMPv6Echo{Identifier: 4, SeqNumber: 1}, Payload(make([]byte, 56))))
	add("icmp6 echo reply", Build(eth6(), IPv6("2001:db8::2", "2001:db8::1", layers.IPProtocolICMPv6), ICMPv6(129, 0), &layers.ICMPv6Echo{Identifier: 4, SeqNumber: 1}, Payload(make([]byte, 56))))
	c = append(c, NeighbourDiscovery()...)

	syn := TCP(33000, 80, "S")
	syn.Seq = 3000000000
	syn.Options = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{0, 0, 0, 1, 0, 0, 0, 0}},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}
	add("tcp syn", Build(eth4(), ip4(layers.IPProtocolTCP), syn))
	synack := TCP(80, 33000, "SA")
	synack.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}}}
	add("tcp syn-ack", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolTCP), synack))
	add("tcp ack", Build(eth4(), ip4(layers.IPProtocolTCP), TCP(33000, 80, "A")))
	add("tcp data", Build(eth4(), ip4(layers.IPProtocolTCP), TCP(33000, 80, "PA"), Payload([]byte("GET / HTTP/1.0\r\n\r\n"))))
	add("tcp fin", Build(eth4(), ip4(layers.IPProtocolTCP), TCP(33000, 80, "FA")))
	add("tcp rst", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolTCP), TCP(80, 33000, "R")))
	add("tcp6 syn", Build(eth6(), ip6(layers.IPProtocolTCP), TCP(33000, 22, "S")))
	add("udp", Build(eth4(), ip4(layers.IPProtocolUDP), UDP(33000, 9999), Payload([]byte("hello"))))
	add("udp6", Build(eth6(), ip6(layers.IPProtocolUDP), UDP(33000, 9999), Payload([]byte("hello"))))

	add("dns query A", Build(eth4(), ip4(layers.IPProtocolUDP), UDP(33000, 53), DNSQuery(0x1234, "example.com", layers.DNSTypeA)))
	add("dns query AAAA", Build(eth4(), ip4(layers.IPProtocolUDP), UDP(33001, 53), DNSQuery(0x1235, "lazyns.test", layers.DNSTypeAAAA)))
	add("dns response A", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolUDP), UDP(53, 33000),
		DNSAnswer(0x1234, "example.com", &layers.DNSResourceRecord{Name: []byte("example.com"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 300, IP: IP("93.184.216.34")})))
	add("dns response CNAME", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolUDP), UDP(53, 33000),
		DNSAnswer(0x2345, "www.example.com",
			&layers.DNSResourceRecord{Name: []byte("www.example.com"), Type: layers.DNSTypeCNAME, Class: layers.DNSClassIN, TTL: 300, CNAME: []byte("example.com")},
			&layers.DNSResourceRecord{Name: []byte("example.com"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 300, IP: IP("93.184.216.34")})))
	nx := DNSAnswer(0x3456, "nope.test")
	nx.ResponseCode = layers.DNSResponseCodeNXDomain
	add("dns response NXDomain", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolUDP), UDP(53, 33000), nx))
	add("dns6 query AAAA", Build(eth6(), ip6(layers.IPProtocolUDP), UDP(33002, 53), DNSQuery(0x4567, "ipv6.test", layers.DNSTypeAAAA)))
	add("dns query hostile name", Build(eth4(), ip4(layers.IPProtocolUDP), UDP(33003, 53), DNSQuery(0x5678, "ev\x1b[31mil.test", layers.DNSTypeA)))

	add("dhcp discover", Build(Eth(macA, bcast, layers.EthernetTypeIPv4), IPv4("0.0.0.0", "255.255.255.255", layers.IPProtocolUDP), UDP(68, 67),
		DHCP(layers.DHCPOpRequest, layers.DHCPMsgTypeDiscover, "0.0.0.0")))
	add("dhcp offer", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.254", "10.0.1.1", layers.IPProtocolUDP), UDP(67, 68),
		DHCP(layers.DHCPOpReply, layers.DHCPMsgTypeOffer, "10.0.1.1")))
	add("dhcp request", Build(Eth(macA, bcast, layers.EthernetTypeIPv4), IPv4("0.0.0.0", "255.255.255.255", layers.IPProtocolUDP), UDP(68, 67),
		DHCP(layers.DHCPOpRequest, layers.DHCPMsgTypeRequest, "0.0.0.0")))
	add("dhcp ack", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.254", "10.0.1.1", layers.IPProtocolUDP), UDP(67, 68),
		DHCP(layers.DHCPOpReply, layers.DHCPMsgTypeAck, "10.0.1.1")))

	add("vxlan", VXLANFrame())
	add("gre", GREFrame())

	first := ip4(layers.IPProtocolUDP)
	first.Flags, first.Id = layers.IPv4MoreFragments, 0x4321
	add("ipv4 first fragment", Build(eth4(), first, UDP(33000, 9999), Payload(make([]byte, 32))))
	later := ip4(layers.IPProtocolUDP)
	later.FragOffset, later.Id = 185, 0x4321
	add("ipv4 later fragment", Build(eth4(), later, Payload(make([]byte, 28))))
	add("ipv6 fragment", Build(eth6(), ip6(layers.IPProtocolIPv6Fragment),
		&layers.IPv6Fragment{NextHeader: layers.IPProtocolUDP, MoreFragments: true, Identification: 7}, UDP(33000, 9999), Payload(make([]byte, 16))))

	add("vlan icmp", Build(Eth(macA, macB, layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4},
		ip4(layers.IPProtocolICMPv4), ICMPv4(8, 0), Payload(make([]byte, 56))))
	add("igmp v2 report", Build(Eth(macA, "01:00:5e:00:00:fb", layers.EthernetTypeIPv4), IPv4("10.0.1.1", "224.0.0.251", layers.IPProtocolIGMP),
		Payload([]byte{0x16, 0, 0xfa, 0x04, 224, 0, 0, 251})))
	add("ip proto unknown", Build(eth4(), ip4(layers.IPProtocol(253)), Payload(make([]byte, 20))))
	add("ip6 next unknown", Build(eth6(), ip6(layers.IPProtocol(253)), Payload(make([]byte, 20))))
	add("ethertype unknown", Build(Eth(macA, macB, layers.EthernetType(0x88b5)), Payload(make([]byte, 46))))
	add("lldp", Build(Eth(macA, "01:80:c2:00:00:0e", layers.EthernetTypeLinkLayerDiscovery), Payload(lldpFrame())))
	add("arp who-has known mac", Build(Eth(macA, macB, layers.EthernetTypeARP), ARP(layers.ARPRequest, macA, "10.0.1.1", macB, "10.0.1.2")))
	add("rarp request", Build(Eth(macA, bcast, ethertypeRARP), ARP(3, macA, "0.0.0.0", macA, "0.0.0.0")))
	add("icmp host unreachable", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.254", "10.0.1.1", layers.IPProtocolICMPv4), ICMPv4(3, 1),
		Payload(Build(IPv4("10.0.1.1", "10.0.9.9", layers.IPProtocolTCP), TCP(33000, 80, "S")))))
	needFrag := ICMPv4(3, 4)
	needFrag.Id, needFrag.Seq = 0, 1400
	add("icmp need to frag", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.254", "10.0.1.1", layers.IPProtocolICMPv4), needFrag,
		Payload(Build(IPv4("10.0.1.1", "10.0.9.9", layers.IPProtocolTCP), TCP(33000, 80, "A")))))
	redirect := ICMPv4(5, 1)
	redirect.Id, redirect.Seq = 0x0a00, 0x01fe
	add("icmp redirect", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.254", "10.0.1.1", layers.IPProtocolICMPv4), redirect,
		Payload(Build(IPv4("10.0.1.1", "10.0.9.9", layers.IPProtocolUDP), UDP(33000, 53)))))
	add("icmp timestamp", Build(eth4(), ip4(layers.IPProtocolICMPv4), ICMPv4(13, 0), Payload(make([]byte, 12))))
	add("icmp timestamp reply", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolICMPv4), ICMPv4(14, 0),
		Payload([]byte{0x02, 0x93, 0x2e, 0x00, 0x02, 0x93, 0x2e, 0x05, 0x02, 0x93, 0x2e, 0x06})))
	add("icmp address mask reply", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolICMPv4), ICMPv4(18, 0),
		Payload([]byte{255, 255, 255, 0})))
	add("icmp type 42", Build(eth4(), ip4(layers.IPProtocolICMPv4), ICMPv4(42, 0)))
	add("icmp6 port unreachable", Build(Eth(macB, macA, layers.EthernetTypeIPv6), IPv6("2001:db8::2", "2001:db8::1", layers.IPProtocolICMPv6), ICMPv6(1, 4),
		Payload(append([]byte{0, 0, 0, 0}, Build(ip6(layers.IPProtocolUDP), UDP(33000, 33434))...))))
	add("icmp6 packet too big", Build(Eth(macB, macA, layers.EthernetTypeIPv6), IPv6("2001:db8::fe", "2001:db8::1", layers.IPProtocolICMPv6), ICMPv6(2, 0),
		Payload(append([]byte{0, 0, 5, 0}, Build(ip6(layers.IPProtocolTCP), TCP(33000, 80, "A"))...))))
	add("icmp6 time exceeded", Build(Eth(macB, macA, layers.EthernetTypeIPv6), IPv6("2001:db8::fe", "2001:db8::1", layers.IPProtocolICMPv6), ICMPv6(3, 0),
		Payload(append([]byte{0, 0, 0, 0}, Build(ip6(layers.IPProtocolUDP), UDP(33000, 33434))...))))
	add("mld report hop-by-hop", Build(Eth(macA, "33:33:00:00:00:16", layers.EthernetTypeIPv6), IPv6("fe80::1", "ff02::16", layers.IPProtocolIPv6HopByHop),
		Payload([]byte{58, 0, 5, 2, 0, 0, 1, 0, 143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb})))
	add("ipv6 dstopt udp", Build(eth6(), ip6(layers.IPProtocolIPv6Destination), Payload(append([]byte{17, 0, 1, 4, 0, 0, 0, 0}, Build(ip6(layers.IPProtocolUDP), UDP(33000, 9999))[40:]...))))
	sack := TCP(80, 33000, "A")
	sack.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindSACK, OptionLength: 10, OptionData: []byte{0, 0, 0x0b, 0xb8, 0, 0, 0x0f, 0xa0}}}
	add("tcp sack", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolTCP), sack))
	urg := TCP(33000, 23, "PAU")
	urg.Urgent = 1
	urg.Options = []layers.TCPOption{{OptionType: 99, OptionLength: 4, OptionData: []byte{1, 2}}}
	add("tcp urgent odd option", Build(eth4(), ip4(layers.IPProtocolTCP), urg, Payload([]byte{0xff})))
	add("tcp http response", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolTCP), TCP(8080, 33000, "PA"),
		Payload([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))))
	add("tcp http body", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolTCP), TCP(80, 33000, "PA"), Payload([]byte("<html>\n"))))
	add("tcp ssh data", Build(eth4(), ip4(layers.IPProtocolTCP), TCP(33000, 2222, "PA"), Payload([]byte("SSH-2.0-x\r\n"))))
	add("dns response MX PTR TXT AAAA", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolUDP), UDP(53, 33000),
		DNSAnswer(0x6789, "example.com",
			&layers.DNSResourceRecord{Name: []byte("example.com"), Type: layers.DNSTypeMX, Class: layers.DNSClassIN, TTL: 300, MX: layers.DNSMX{Preference: 10, Name: []byte("mail.example.com")}},
			&layers.DNSResourceRecord{Name: []byte("1.0.0.10.in-addr.arpa"), Type: layers.DNSTypePTR, Class: layers.DNSClassIN, TTL: 300, PTR: []byte("host.example.com")},
			&layers.DNSResourceRecord{Name: []byte("example.com"), Type: layers.DNSTypeTXT, Class: layers.DNSClassIN, TTL: 300, TXTs: [][]byte{[]byte("v=spf1 -all")}},
			&layers.DNSResourceRecord{Name: []byte("example.com"), Type: layers.DNSTypeAAAA, Class: layers.DNSClassIN, TTL: 300, IP: IP("2001:db8::53")})))
	servfail := DNSAnswer(0x789a, "broken.test")
	servfail.ResponseCode, servfail.RA = layers.DNSResponseCodeServFail, false
	add("dns response ServFail no RA", Build(Eth(macB, macA, layers.EthernetTypeIPv4), IPv4("10.0.1.2", "10.0.1.1", layers.IPProtocolUDP), UDP(53, 33000), servfail))
	mdns := DNSQuery(0, "printer.local", layers.DNSTypePTR)
	mdns.RD = false
	add("mdns query", Build(Eth(macA, "01:00:5e:00:00:fb", layers.EthernetTypeIPv4), IPv4("10.0.1.1", "224.0.0.251", layers.IPProtocolUDP), UDP(5353, 5353), mdns))
	add("dns truncated", Truncate(Build(eth4(), ip4(layers.IPProtocolUDP), UDP(33000, 53), DNSQuery(0x1234, "example.com", layers.DNSTypeA)), 50))
	add("igmp v3 report", Build(Eth(macA, "01:00:5e:00:00:16", layers.EthernetTypeIPv4), IPv4("10.0.1.1", "224.0.0.22", layers.IPProtocolIGMP),
		Payload([]byte{0x22, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 224, 0, 0, 251})))
	add("igmp v2 query", Build(Eth(macB, "01:00:5e:00:00:01", layers.EthernetTypeIPv4), IPv4("10.0.1.254", "224.0.0.1", layers.IPProtocolIGMP),
		Payload([]byte{0x11, 100, 0, 0, 0, 0, 0, 0})))
	add("gre key gretap", Build(Eth(macA, macB, layers.EthernetTypeIPv4), IPv4("192.168.1.1", "192.168.1.2", layers.IPProtocolGRE),
		&layers.GRE{KeyPresent: true, Key: 0x2a, Protocol: layers.EthernetType(0x6558)}, Eth("02:00:00:00:02:01", "02:00:00:00:02:02", layers.EthernetTypeARP),
		ARP(layers.ARPRequest, "02:00:00:00:02:01", "10.3.0.1", "00:00:00:00:00:00", "10.3.0.2")))
	add("ipip", Build(eth4(), IPv4("192.168.1.1", "192.168.1.2", layers.IPProtocolIPv4), IPv4("10.4.0.1", "10.4.0.2", layers.IPProtocolICMPv4), ICMPv4(8, 0)))
	add("ip6 in ip (sit)", Build(eth4(), IPv4("192.168.1.1", "192.168.1.2", layers.IPProtocolIPv6), ip6(layers.IPProtocolICMPv6), ICMPv6(128, 0), &layers.ICMPv6Echo{Identifier: 9, SeqNumber: 3}))
	add("qinq icmp", Build(Eth(macA, macB, layers.EthernetTypeQinQ), &layers.Dot1Q{VLANIdentifier: 100, Type: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4}, ip4(layers.IPProtocolICMPv4), ICMPv4(8, 0)))
	add("truncated udp", Truncate(Build(eth4(), ip4(layers.IPProtocolUDP), UDP(33000, 9999), Payload([]byte("hello"))), 36))
	add("truncated icmp", Truncate(Build(echo(8)...), 38))
	add("truncated tcp", Truncate(Build(eth4(), ip4(layers.IPProtocolTCP), TCP(33000, 80, "S")), 40))
	return c
}

// DNSQuery is a recursive query for one name.
func DNSQuery(id uint16, name string, t layers.DNSType) *layers.DNS {
	return &layers.DNS{ID: id, RD: true, QDCount: 1, Questions: []layers.DNSQuestion{{Name: []byte(name), Type: t, Class: layers.DNSClassIN}}}
}

// DNSAnswer is the response to an A query for name with the given records.
func DNSAnswer(id uint16, name string, rrs ...*layers.DNSResourceRecord) *layers.DNS {
	d := DNSQuery(id, name, layers.DNSTypeA)
	d.QR, d.RA = true, true
	for _, rr := range rrs {
		d.Answers = append(d.Answers, *rr)
	}
	d.ANCount = uint16(len(rrs))
	return d
}

// DHCP is a DHCPv4 message of the given type from or to macA.
func DHCP(op layers.DHCPOp, t layers.DHCPMsgType, yiaddr string) *layers.DHCPv4 {
	return &layers.DHCPv4{Operation: op, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6, Xid: 0xcafe,
		ClientIP: IP("0.0.0.0"), YourClientIP: IP(yiaddr), NextServerIP: IP("0.0.0.0"), RelayAgentIP: IP("0.0.0.0"),
		ClientHWAddr: MAC(macA), Options: layers.DHCPOptions{layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(t)})}}
}

// lldpFrame is a minimal LLDPDU: chassis id, port id, TTL, end.
func lldpFrame() []byte {
	tlv := func(t int, v []byte) []byte {
		h := make([]byte, 2)
		binary.BigEndian.PutUint16(h, uint16(t<<9|len(v)))
		return append(h, v...)
	}
	var b []byte
	b = append(b, tlv(1, append([]byte{4}, MAC(macA)...))...)
	b = append(b, tlv(2, append([]byte{5}, "eth0"...))...)
	b = append(b, tlv(3, []byte{0, 120})...)
	return append(b, tlv(0, nil)...)
}
