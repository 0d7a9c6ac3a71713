package packetline

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

var icmp4Unreach = [...]string{
	0: "net %s unreachable", 1: "host %s unreachable", 4: "%s unreachable - need to frag",
	5: "%s unreachable - source route failed", 6: "net %s unreachable - unknown",
	7: "host %s unreachable - unknown", 8: "%s unreachable - source host isolated",
	9: "net %s unreachable - admin prohibited", 10: "host %s unreachable - admin prohibited",
	11: "net %s unreachable - tos prohibited", 12: "host %s unreachable - tos prohibited",
	13: "host %s unreachable - admin prohibited filter", 14: "host %s unreachable - host precedence violation",
	15: "host %s unreachable - precedence cutoff",
}

var icmp4Names = map[uint8]string{
	0: "echo reply", 4: "source quench", 8: "echo request", 10: "router solicitation",
	13: "time stamp request", 14: "time stamp reply", 15: "information request",
	16: "information reply", 17: "address mask request",
}

// icmp4Print is tcpdump's icmp_print without -v.
func (d *decoder) icmp4Print(b []byte, data []byte, length int) []byte {
	ic := &d.icmp4
	if err := ic.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "icmp")
	}
	typ, code := ic.TypeCode.Type(), ic.TypeCode.Code()
	b = append(b, "ICMP "...)
	// The header of the datagram an error is about follows the ICMP header.
	inner := ic.Payload
	innerDst := func(b []byte) []byte {
		if len(inner) < 20 {
			return append(b, '?')
		}
		return appendIP(b, inner[16:20])
	}
	switch typ {
	case layers.ICMPv4TypeEchoRequest, layers.ICMPv4TypeEchoReply:
		b = append(b, "echo "...)
		if typ == layers.ICMPv4TypeEchoRequest {
			b = append(b, "request"...)
		} else {
			b = append(b, "reply"...)
		}
		b = append(b, ", id "...)
		b = appendUint(b, uint64(ic.Id))
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(ic.Seq))
	case layers.ICMPv4TypeDestinationUnreachable:
		switch {
		case code == 2:
			b = innerDst(b)
			b = append(b, " protocol "...)
			if len(inner) >= 20 {
				b = appendUint(b, uint64(inner[9]))
			}
			b = append(b, " unreachable"...)
		case code == 3:
			b = icmpPortUnreachable(b, inner)
		case code == 4 && ic.Seq != 0:
			b = innerDst(b)
			b = append(b, " unreachable - need to frag (mtu "...)
			b = appendUint(b, uint64(ic.Seq)) // the next-hop MTU sits where an echo's seq does
			b = append(b, ')')
		case int(code) < len(icmp4Unreach) && icmp4Unreach[code] != "":
			b = appendPattern(b, icmp4Unreach[code], innerDst)
		default:
			b = innerDst(b)
			b = append(b, " unreachable - #"...)
			b = appendUint(b, uint64(code))
		}
	case layers.ICMPv4TypeRedirect:
		b = append(b, "redirect "...)
		b = innerDst(b)
		switch code {
		case 0:
			b = append(b, " to net "...)
		case 1:
			b = append(b, " to host "...)
		default:
			b = append(b, " to "...)
		}
		gw := make4(ic.Id, ic.Seq)
		b = appendIP(b, gw[:])
	case layers.ICMPv4TypeTimeExceeded:
		switch code {
		case 0:
			b = append(b, "time exceeded in-transit"...)
		case 1:
			b = append(b, "ip reassembly time exceeded"...)
		default:
			b = append(b, "time exceeded-#"...)
			b = appendUint(b, uint64(code))
		}
	case layers.ICMPv4TypeTimestampRequest, layers.ICMPv4TypeTimestampReply:
		b = append(b, "time stamp "...)
		if typ == layers.ICMPv4TypeTimestampRequest {
			b = append(b, "query"...)
		} else {
			b = append(b, "reply"...)
		}
		b = append(b, " id "...)
		b = appendUint(b, uint64(ic.Id))
		b = append(b, " seq "...)
		b = appendUint(b, uint64(ic.Seq))
		if typ == layers.ICMPv4TypeTimestampReply {
			if len(inner) < 12 {
				return trunc(b, "icmp")
			}
			for i, what := range []string{": org ", ", recv ", ", xmit "} {
				b = append(b, what...)
				b = appendMillisOfDay(b, binary.BigEndian.Uint32(inner[4*i:]))
			}
		}
	case layers.ICMPv4TypeAddressMaskReply:
		if len(inner) < 4 {
			return trunc(b, "icmp")
		}
		b = append(b, "address mask is 0x"...)
		b = appendHex(b, uint64(binary.BigEndian.Uint32(inner)), 8)
	case layers.ICMPv4TypeParameterProblem:
		b = append(b, "parameter problem - "...)
		if code != 0 {
			b = append(b, "code "...)
			b = appendUint(b, uint64(code))
		} else {
			b = append(b, "octet "...)
			b = appendUint(b, uint64(ic.Id>>8))
		}
	default:
		if name, ok := icmp4Names[typ]; ok {
			b = append(b, name...)
		} else {
			b = append(b, "type-#"...)
			b = appendUint(b, uint64(typ))
		}
	}
	b = append(b, ", length "...)
	return appendUint(b, uint64(length))
}

// icmpPortUnreachable names the port an ICMP error refuses, from the
// headers it quotes.
func icmpPortUnreachable(b []byte, inner []byte) []byte {
	if len(inner) < 20 {
		return append(b, "? port unreachable"...)
	}
	hlen := 4 * int(inner[0]&0xf)
	var dport uint16
	if len(inner) >= hlen+4 {
		dport = binary.BigEndian.Uint16(inner[hlen+2:])
	}
	b, _ = appendQuotedPort(b, inner[16:20], inner[9], dport)
	return append(b, " unreachable"...)
}

// appendQuotedPort names where the datagram an ICMP error quotes was
// going: "10.0.1.2 udp port 33434", or "… protocol 132 port 5000"; named
// says it was TCP or UDP.
func appendQuotedPort(b []byte, dst []byte, proto byte, dport uint16) (out []byte, named bool) {
	b = appendIP(b, dst)
	switch proto {
	case 6:
		b = append(b, " tcp port "...)
	case 17:
		b = append(b, " udp port "...)
	default:
		b = append(b, " protocol "...)
		b = appendUint(b, uint64(proto))
		b = append(b, " port "...)
	}
	return appendUint(b, uint64(dport)), proto == 6 || proto == 17
}

// appendPattern writes a pattern whose single %s is filled by fill.
func appendPattern(b []byte, pattern string, fill func([]byte) []byte) []byte {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '%' && i+1 < len(pattern) && pattern[i+1] == 's' {
			b = fill(b)
			i++
			continue
		}
		b = append(b, pattern[i])
	}
	return b
}

// appendMillisOfDay writes an ICMP timestamp (milliseconds since
// midnight UTC) as tcpdump does: HH:MM:SS.mmm.
func appendMillisOfDay(b []byte, ms uint32) []byte {
	two := func(b []byte, v uint32) []byte {
		if v < 10 {
			b = append(b, '0')
		}
		return appendUint(b, uint64(v))
	}
	sec := ms / 1000
	b = two(b, sec/3600)
	b = append(b, ':')
	b = two(b, sec/60%60)
	b = append(b, ':')
	b = two(b, sec%60)
	b = append(b, '.')
	frac := ms % 1000
	if frac < 100 {
		b = append(b, '0')
	}
	return two(b, frac)
}

func make4(hi, lo uint16) [4]byte {
	return [4]byte{byte(hi >> 8), byte(hi), byte(lo >> 8), byte(lo)}
}

var icmp6Names = map[uint8]string{
	1: "destination unreachable", 2: "packet too big", 3: "time exceeded in-transit", 4: "parameter problem",
	128: "echo request", 129: "echo reply", 130: "multicast listener query", 131: "multicast listener report",
	132: "multicast listener done", 133: "router solicitation", 134: "router advertisement",
	135: "neighbor solicitation", 136: "neighbor advertisement", 137: "redirect", 138: "router renumbering",
	141: "inverse neighbor solicitation", 142: "inverse neighbor advertisement", 143: "multicast listener report v2",
	144: "ha discovery request", 145: "ha discovery reply", 146: "mobile router solicitation",
	147: "mobile router advertisement", 139: "node information query", 140: "node information reply",
	200: "mtrace message", 201: "mtrace response", 155: "RPL",
}

var icmp6Unreach = [...]string{0: "unreachable route", 1: " unreachable prohibited", 2: "beyond scope", 3: "unreachable address", 4: "unreachable port"}

// icmp6Print is tcpdump's icmp6_print without -v, for the messages a lab
// sees: echo, neighbour and router discovery, errors, MLD.
func (d *decoder) icmp6Print(b []byte, data []byte, length int) []byte {
	ic := &d.icmp6
	if err := ic.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "icmp6")
	}
	typ, code := ic.TypeCode.Type(), ic.TypeCode.Code()
	body := ic.Payload // after type, code and checksum
	b = append(b, "ICMP6, "...)
	if name, ok := icmp6Names[typ]; ok {
		b = append(b, name...)
	} else {
		b = append(b, "unknown icmp6 type ("...)
		b = appendUint(b, uint64(typ))
		b = append(b, ')')
	}
	// The quoted packet of an error starts after 4 unused bytes.
	var quoted []byte
	if len(body) > 4 {
		quoted = body[4:]
	}
	quotedAddr := func(b []byte, off int) []byte {
		if len(quoted) < off+16 {
			return append(b, '?')
		}
		return appendIP(b, quoted[off:off+16])
	}
	switch typ {
	case 1:
		b = append(b, ", "...)
		if int(code) < len(icmp6Unreach) {
			b = append(b, icmp6Unreach[code]...)
		} else {
			b = append(b, "unknown unreach code ("...)
			b = appendUint(b, uint64(code))
			b = append(b, ')')
		}
		switch code {
		case 0, 1, 3:
			b = append(b, ' ')
			b = quotedAddr(b, 24)
		case 2:
			b = append(b, ' ')
			b = quotedAddr(b, 24)
			b = append(b, ", source address "...)
			b = quotedAddr(b, 8)
		case 4:
			b = icmp6PortUnreachable(b, quoted)
		}
	case 2:
		b = append(b, ", mtu "...)
		if len(body) >= 4 {
			b = appendUint(b, uint64(binary.BigEndian.Uint32(body)))
		}
	case 3:
		switch code {
		case 0:
			b = append(b, " for "...)
			b = quotedAddr(b, 24)
		case 1:
			b = append(b, " (reassembly)"...)
		default:
			b = append(b, ", unknown code ("...)
			b = appendUint(b, uint64(code))
			b = append(b, ')')
		}
	case 128, 129:
		if err := d.echo6.DecodeFromBytes(body, nodf); err != nil {
			return trunc(b, "icmp6")
		}
		b = append(b, ", id "...)
		b = appendUint(b, uint64(d.echo6.Identifier))
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(d.echo6.SeqNumber))
	case 135, 136:
		// Neighbour solicitation and advertisement: 4 bytes of flags,
		// then the target address.
		if len(body) < 20 {
			return trunc(b, "icmp6")
		}
		if typ == 135 {
			b = append(b, ", who has "...)
		} else {
			b = append(b, ", tgt is "...)
		}
		b = appendIP(b, body[4:20])
	case 137:
		if len(body) < 36 {
			return trunc(b, "icmp6")
		}
		b = append(b, ", "...)
		b = appendIP(b, body[20:36])
		b = append(b, " to "...)
		b = appendIP(b, body[4:20])
	case 130, 131, 132:
		if len(body) >= 20 {
			b = append(b, "max resp delay: "...)
			b = appendUint(b, uint64(binary.BigEndian.Uint16(body)))
			b = append(b, " addr: "...)
			b = appendIP(b, body[4:20])
		}
	case 143:
		if len(body) >= 4 {
			b = append(b, ", "...)
			b = appendUint(b, uint64(binary.BigEndian.Uint16(body[2:])))
			b = append(b, " group record(s)"...)
		}
	}
	b = append(b, ", length "...)
	return appendUint(b, uint64(length))
}

// icmp6PortUnreachable names the port from the quoted IPv6 packet.
func icmp6PortUnreachable(b []byte, quoted []byte) []byte {
	if len(quoted) < 44 {
		return append(b, ", ? port"...)
	}
	b = append(b, ", "...)
	b, named := appendQuotedPort(b, quoted[24:40], quoted[6], binary.BigEndian.Uint16(quoted[42:]))
	if !named {
		b = append(b, " unreachable"...)
	}
	return b
}

// igmpPrint is tcpdump's igmp_print without -v, for the messages a host
// sends and a querier asks.
func igmpPrint(b []byte, data []byte, length int) []byte {
	if len(data) < 8 {
		return trunc(b, "igmp")
	}
	group := data[4:8]
	switch data[0] {
	case 0x11:
		b = append(b, "igmp query"...)
		if length >= 12 {
			b = append(b, " v3"...)
		} else if data[1] != 0 {
			b = append(b, " v2"...)
			if data[1] != 100 {
				b = append(b, " [max resp time "...)
				b = appendUint(b, uint64(data[1]))
				b = append(b, ']')
			}
		} else {
			b = append(b, " v1"...)
		}
		if !allZero(group) {
			b = append(b, " [gaddr "...)
			b = appendIP(b, group)
			b = append(b, ']')
		}
	case 0x12:
		b = append(b, "igmp v1 report "...)
		b = appendIP(b, group)
	case 0x16:
		b = append(b, "igmp v2 report "...)
		b = appendIP(b, group)
	case 0x17:
		b = append(b, "igmp leave "...)
		b = appendIP(b, group)
	case 0x22:
		b = append(b, "igmp v3 report, "...)
		b = appendUint(b, uint64(binary.BigEndian.Uint16(data[6:8])))
		b = append(b, " group record(s)"...)
	default:
		b = append(b, "igmp-"...)
		b = appendUint(b, uint64(data[0]))
	}
	return b
}
