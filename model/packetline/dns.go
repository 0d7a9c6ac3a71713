package packetline

import (
	"github.com/gopacket/gopacket/layers"
)

var dnsOps = [...]string{"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
	" op8", " updateA", " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"}

var dnsRcodes = [...]string{"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
	" YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone", " Resp11", " Resp12", " Resp13",
	" Resp14", " NoChange", " BadVers"}

// dnsPrint is tcpdump's domain_print without -v: a query's id, flags and
// question, or a response's id, code, counts and answers, then the
// message length. Names come from the network and are printed inertly.
func (d *decoder) dnsPrint(b []byte, data []byte, length int, mdns bool) []byte {
	if length < 12 {
		b = append(b, "domain [length "...)
		b = appendUint(b, uint64(length))
		return append(b, " < 12] (invalid)"...)
	}
	if len(data) < 12 {
		return trunc(b, "domain")
	}
	m := &d.dns
	flags := uint16(data[2])<<8 | uint16(data[3])
	id := uint16(data[0])<<8 | uint16(data[1])
	qd, an, ns, ar := be16(data[4:]), be16(data[6:]), be16(data[8:]), be16(data[10:])
	decodeErr := m.DecodeFromBytes(data, nodf)
	b = appendUint(b, uint64(id))
	b = append(b, dnsOps[(flags>>11)&0xf]...)
	if flags&0x8000 != 0 { // response
		rcode := int(flags & 0xf)
		if decodeErr == nil {
			for _, rr := range m.Additionals {
				if rr.Type == layers.DNSTypeOPT {
					rcode |= int(rr.TTL>>24) << 4
				}
			}
		}
		if rcode < len(dnsRcodes) {
			b = append(b, dnsRcodes[rcode]...)
		} else {
			b = append(b, " Resp"...)
			b = appendUint(b, uint64(rcode&0xfff))
		}
		if flags&0x0400 != 0 {
			b = append(b, '*')
		}
		if flags&0x0080 == 0 {
			b = append(b, '-')
		}
		if flags&0x0200 != 0 {
			b = append(b, '|')
		}
		if flags&0x0020 != 0 {
			b = append(b, '$')
		}
		if qd != 1 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(qd))
			b = append(b, "q]"...)
		}
		b = append(b, ' ')
		b = appendUint(b, uint64(an))
		b = append(b, '/')
		b = appendUint(b, uint64(ns))
		b = append(b, '/')
		b = appendUint(b, uint64(ar))
		if decodeErr != nil {
			return trunc(b, "domain")
		}
		for i := range m.Answers {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendRR(b, &m.Answers[i], mdns)
		}
	} else {
		if flags&0x0100 != 0 {
			b = append(b, '+')
		}
		if flags&0x0010 != 0 {
			b = append(b, '%')
		}
		if flags&0x6cf != 0 {
			b = append(b, " [b2&3=0x"...)
			b = appendHexTrim(b, uint64(flags&0x6cf))
			b = append(b, ']')
		}
		if an != 0 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(an))
			b = append(b, "a]"...)
		}
		if qd != 1 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(qd))
			b = append(b, "q]"...)
		}
		if ns != 0 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(ns))
			b = append(b, "n]"...)
		}
		if ar != 0 {
			b = append(b, " ["...)
			b = appendUint(b, uint64(ar))
			b = append(b, "au]"...)
		}
		if decodeErr != nil {
			return trunc(b, "domain")
		}
		for _, q := range m.Questions {
			b = append(b, ' ')
			b = appendDNSType(b, q.Type)
			class := uint16(q.Class)
			if mdns {
				class &^= 0x8000
			}
			if class != uint16(layers.DNSClassIN) {
				b = append(b, ' ')
				b = appendDNSClass(b, class)
			}
			if mdns {
				if uint16(q.Class)&0x8000 != 0 {
					b = append(b, " (QU)"...)
				} else {
					b = append(b, " (QM)"...)
				}
			}
			b = append(b, "? "...)
			b = appendName(b, q.Name)
		}
	}
	b = append(b, " ("...)
	b = appendUint(b, uint64(length))
	return append(b, ')')
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

// appendRR is tcpdump's ns_rprint without -v: the type and what it
// points to, for the types a lab sees.
func appendRR(b []byte, rr *layers.DNSResourceRecord, mdns bool) []byte {
	class := uint16(rr.Class)
	if mdns {
		class &^= 0x8000
	}
	if class != uint16(layers.DNSClassIN) && rr.Type != layers.DNSTypeOPT {
		b = append(b, ' ')
		b = appendDNSClass(b, class)
	}
	if mdns && uint16(rr.Class)&0x8000 != 0 {
		b = append(b, " (Cache flush)"...)
	}
	b = append(b, ' ')
	b = appendDNSType(b, rr.Type)
	switch rr.Type {
	case layers.DNSTypeA, layers.DNSTypeAAAA:
		b = append(b, ' ')
		b = appendIP(b, rr.IP)
	case layers.DNSTypeNS:
		b = append(b, ' ')
		b = appendName(b, rr.NS)
	case layers.DNSTypeCNAME:
		b = append(b, ' ')
		b = appendName(b, rr.CNAME)
	case layers.DNSTypePTR:
		b = append(b, ' ')
		b = appendName(b, rr.PTR)
	case layers.DNSTypeMX:
		b = append(b, ' ')
		b = appendName(b, rr.MX.Name)
		b = append(b, ' ')
		b = appendUint(b, uint64(rr.MX.Preference))
	case layers.DNSTypeSRV:
		b = append(b, ' ')
		b = appendName(b, rr.SRV.Name)
		b = append(b, ':')
		b = appendUint(b, uint64(rr.SRV.Port))
		b = append(b, ' ')
		b = appendUint(b, uint64(rr.SRV.Priority))
		b = append(b, ' ')
		b = appendUint(b, uint64(rr.SRV.Weight))
	case layers.DNSTypeTXT:
		for _, t := range rr.TXTs {
			b = append(b, " \""...)
			b = appendText(b, t)
			b = append(b, '"')
		}
	}
	return b
}

// appendName writes a DNS name with its final dot, inertly.
func appendName(b []byte, name []byte) []byte {
	if len(name) == 0 {
		return append(b, '.')
	}
	b = appendText(b, name)
	return append(b, '.')
}

var dnsTypeNames = map[layers.DNSType]string{
	1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL",
	11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB",
	19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAP_PTR", 24: "SIG", 25: "KEY", 26: "PX",
	27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 31: "EID", 32: "NIMLOC", 33: "SRV", 34: "ATMA",
	35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6", 39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL",
	43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 99: "SPF",
	100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC", 104: "UNSPECA", 249: "TKEY", 250: "TSIG",
	251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "ANY", 256: "URI",
}

func appendDNSType(b []byte, t layers.DNSType) []byte {
	if name, ok := dnsTypeNames[t]; ok {
		return append(b, name...)
	}
	b = append(b, "Type"...)
	return appendUint(b, uint64(t))
}

func appendDNSClass(b []byte, class uint16) []byte {
	switch class {
	case 1:
		return append(b, "IN"...)
	case 3:
		return append(b, "CHAOS"...)
	case 4:
		return append(b, "HS"...)
	case 255:
		return append(b, "ANY"...)
	}
	b = append(b, "(Class "...)
	b = appendUint(b, uint64(class))
	return append(b, ')')
}
