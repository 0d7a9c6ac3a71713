package packetline

import (
	"github.com/gopacket/gopacket/layers"
)

// rawIP prints a packet from a link without a link-layer header (tun,
// wireguard): IPv4 or IPv6 by its version.
func (d *decoder) rawIP(b []byte, data []byte, wire int) []byte {
	if len(data) == 0 {
		return trunc(b, "ip")
	}
	switch data[0] >> 4 {
	case 4:
		return d.ipv4(b, data, wire)
	case 6:
		return d.ipv6(b, data, wire)
	}
	b = append(b, "IP"...)
	b = appendUint(b, uint64(data[0]>>4))
	return append(b, " (invalid)"...)
}

// ipv4 is tcpdump's ip_print without -v; length is what the link says
// follows its header on the wire.
func (d *decoder) ipv4(b []byte, data []byte, length int) []byte {
	if len(data) > 0 && data[0]>>4 != 4 {
		b = append(b, "IP"...)
		b = appendUint(b, uint64(data[0]>>4))
		return append(b, " (invalid)"...)
	}
	b = append(b, "IP "...)
	ip := &d.ip4
	if err := ip.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "ip")
	}
	if int(ip.Length) > length {
		b = append(b, "truncated-ip - "...)
		b = appendUint(b, uint64(int(ip.Length)-length))
		b = append(b, " bytes missing! "...)
	}
	payloadLen := int(ip.Length) - 4*int(ip.IHL)
	if ip.FragOffset != 0 {
		b = appendIP(b, ip.SrcIP)
		b = append(b, " > "...)
		b = appendIP(b, ip.DstIP)
		b = append(b, ": ip-proto-"...)
		b = appendUint(b, uint64(ip.Protocol))
		return appendFrag(b, ip, payloadLen)
	}
	b = d.transport(b, ip.Protocol, ip.Payload, payloadLen, ip.SrcIP, ip.DstIP, true)
	if ip.Flags&layers.IPv4MoreFragments != 0 {
		b = appendFrag(b, ip, payloadLen)
	}
	return b
}

// appendFrag says which piece of a fragmented datagram this is, as
// tcpdump once did without -v: " (frag ID:LEN@OFFSET+)".
func appendFrag(b []byte, ip *layers.IPv4, payloadLen int) []byte {
	b = append(b, " (frag "...)
	b = appendUint(b, uint64(ip.Id))
	b = append(b, ':')
	b = appendUint(b, uint64(payloadLen))
	b = append(b, '@')
	b = appendUint(b, 8*uint64(ip.FragOffset))
	if ip.Flags&layers.IPv4MoreFragments != 0 {
		b = append(b, '+')
	}
	return append(b, ')')
}

// ipv6 is tcpdump's ip6_print without -v: extension headers named as they
// are crossed, then the payload.
func (d *decoder) ipv6(b []byte, data []byte, length int) []byte {
	ip := &d.ip6
	if err := ip.DecodeFromBytes(data, nodf); err != nil {
		if len(data) > 0 && data[0]>>4 != 6 {
			b = append(b, "IP6 version error: "...)
			b = appendUint(b, uint64(data[0]>>4))
			return append(b, " != 6"...)
		}
		return trunc(append(b, "IP6"...), "ip6")
	}
	b = append(b, "IP6 "...)
	total := 40 + int(ip.Length)
	if total > length {
		b = append(b, "truncated-ip6 - "...)
		b = appendUint(b, uint64(total-length))
		b = append(b, " bytes missing!"...)
	}
	next, payload := ip.NextHeader, ip.Payload
	remaining := int(ip.Length)
	if next != layers.IPProtocolTCP && next != layers.IPProtocolUDP {
		b = appendIP(b, ip.SrcIP)
		b = append(b, " > "...)
		b = appendIP(b, ip.DstIP)
		b = append(b, ": "...)
	}
	withAddrs := true
	if ip.HopByHop != nil {
		b = append(b, "HBH "...)
		next = ip.HopByHop.NextHeader
		remaining -= ip.HopByHop.ActualLength
		withAddrs = false
	}
	for next == layers.IPProtocolIPv6Destination || next == layers.IPProtocolIPv6Fragment {
		withAddrs = false
		if next == layers.IPProtocolIPv6Destination {
			if len(payload) < 2 {
				return trunc(b, "ip6")
			}
			n := 8 * (int(payload[1]) + 1)
			if len(payload) < n {
				return trunc(b, "ip6")
			}
			b = append(b, "DSTOPT "...)
			next, payload, remaining = layers.IPProtocol(payload[0]), payload[n:], remaining-n
			continue
		}
		if err := d.frag6.DecodeFromBytes(payload, nodf); err != nil {
			return trunc(b, "frag6")
		}
		remaining -= 8
		b = append(b, "frag ("...)
		b = appendUint(b, 8*uint64(d.frag6.FragmentOffset))
		b = append(b, '|')
		b = appendUint(b, uint64(max(remaining, 0)))
		b = append(b, ')')
		if d.frag6.FragmentOffset != 0 {
			return b
		}
		b = append(b, ' ')
		next, payload = d.frag6.NextHeader, d.frag6.Payload
	}
	if !withAddrs && (next == layers.IPProtocolTCP || next == layers.IPProtocolUDP) {
		return d.transport(b, next, payload, remaining, nil, nil, false)
	}
	return d.transport(b, next, payload, remaining, ip.SrcIP, ip.DstIP, false)
}

// transport prints what an IP header carries; length is the payload
// length the IP header gives. src and dst are printed with the ports of
// TCP and UDP, or without them (nil) after an IPv6 extension header, as
// tcpdump does.
func (d *decoder) transport(b []byte, proto layers.IPProtocol, payload []byte, length int, src, dst []byte, v4 bool) []byte {
	// IPv6 printed its addresses before its extension headers.
	addrs := func(b []byte) []byte {
		if v4 {
			return appendAddrs(b, src, dst)
		}
		return b
	}
	switch proto {
	case layers.IPProtocolTCP:
		return d.tcpPrint(b, payload, length, src, dst)
	case layers.IPProtocolUDP:
		return d.udpPrint(b, payload, length, src, dst)
	case layers.IPProtocolICMPv4:
		b = addrs(b)
		if !v4 {
			return append(b, "[ICMP requires IPv4] (invalid)"...)
		}
		return d.icmp4Print(b, payload, length)
	case layers.IPProtocolICMPv6:
		if v4 {
			return append(addrs(b), "[ICMP6 requires IPv6] (invalid)"...)
		}
		return d.icmp6Print(b, payload, length)
	case layers.IPProtocolIGMP:
		b = addrs(b)
		return igmpPrint(b, payload, length)
	case layers.IPProtocolGRE:
		return d.grePrint(addrs(b), payload, length)
	case layers.IPProtocolIPv4:
		if t := d.tunnel(); t != nil {
			return t.ipv4(addrs(b), payload, length)
		}
	case layers.IPProtocolIPv6:
		if t := d.tunnel(); t != nil {
			return t.ipv6(addrs(b), payload, length)
		}
	case layers.IPProtocolNoNextHeader:
		return append(addrs(b), "no next header"...)
	}
	b = addrs(b)
	b = append(b, " ip-proto-"...)
	b = appendUint(b, uint64(proto))
	b = append(b, ' ')
	return appendUint(b, uint64(length))
}
