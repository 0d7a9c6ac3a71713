package packetline

import (
	"github.com/gopacket/gopacket/layers"
)

const (
	etherTypeRARP     = layers.EthernetType(0x8035)
	etherTypeVLANOld  = layers.EthernetType(0x9100)
	etherTypeTEB      = layers.EthernetType(0x6558)
	ethernetHeaderLen = 14
)

// ethernet prints a frame as tcpdump does without -e: the link header
// only when nothing above it is understood.
func (d *decoder) ethernet(b []byte, data []byte, wire int) []byte {
	if err := d.eth.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "ether")
	}
	et, payload, rest := d.eth.EthernetType, d.eth.Payload, wire-ethernetHeaderLen
	for et == layers.EthernetTypeDot1Q || et == layers.EthernetTypeQinQ || et == etherTypeVLANOld {
		if err := d.dot1q.DecodeFromBytes(payload, nodf); err != nil {
			return trunc(b, "vlan")
		}
		b = append(b, "vlan "...)
		b = appendUint(b, uint64(d.dot1q.VLANIdentifier))
		b = append(b, ", "...)
		et, payload, rest = d.dot1q.Type, d.dot1q.Payload, rest-4
	}
	switch et {
	case layers.EthernetTypeIPv4:
		return d.ipv4(b, payload, rest)
	case layers.EthernetTypeIPv6:
		return d.ipv6(b, payload, rest)
	case layers.EthernetTypeARP, etherTypeRARP:
		return d.arpPrint(b, payload, rest)
	case layers.EthernetTypeLinkLayerDiscovery:
		b = append(b, "LLDP, length "...)
		return appendUint(b, uint64(rest))
	}
	b = appendMAC(b, d.eth.SrcMAC)
	b = append(b, " > "...)
	b = appendMAC(b, d.eth.DstMAC)
	if et == layers.EthernetTypeLLC {
		b = append(b, ", 802.3"...)
	} else {
		b = append(b, ", ethertype "...)
		b = append(b, etherTypeName(et)...)
		b = append(b, " (0x"...)
		b = appendHex(b, uint64(et), 4)
		b = append(b, ')')
	}
	b = append(b, ", length "...)
	return appendUint(b, uint64(wire))
}

// etherTypeName is tcpdump's name for an EtherType it does not decode here.
func etherTypeName(et layers.EthernetType) string {
	switch et {
	case layers.EthernetTypeIPv4:
		return "IPv4"
	case layers.EthernetTypeIPv6:
		return "IPv6"
	case layers.EthernetTypeARP:
		return "ARP"
	case etherTypeRARP:
		return "Reverse ARP"
	case layers.EthernetTypeEAPOL:
		return "EAPOL"
	case layers.EthernetTypeMPLSUnicast:
		return "MPLS unicast"
	case layers.EthernetTypeMPLSMulticast:
		return "MPLS multicast"
	case layers.EthernetTypePPPoEDiscovery:
		return "PPPoE D"
	case layers.EthernetTypePPPoESession:
		return "PPPoE S"
	case layers.EthernetTypeEthernetCTP:
		return "Loopback"
	case etherTypeTEB:
		return "Transparent Ethernet bridging"
	case 0x8809:
		return "Slow Protocols"
	case 0x88f7:
		return "PTP"
	}
	return "Unknown"
}

var arpOps = [...]string{1: "Request", 2: "Reply", 3: "Reverse Request", 4: "Reverse Reply", 8: "Inverse Request", 9: "Inverse Reply"}

// arpPrint is tcpdump's arp_print without -v.
func (d *decoder) arpPrint(b []byte, data []byte, length int) []byte {
	if err := d.arp.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "arp")
	}
	a := &d.arp
	b = append(b, "ARP, "...)
	if a.Protocol != layers.EthernetTypeIPv4 || a.ProtAddressSize != 4 || a.HwAddressSize == 0 {
		if a.AddrType == layers.LinkTypeEthernet {
			b = append(b, "Ethernet"...)
		} else {
			b = append(b, "Unknown Hardware ("...)
			b = appendUint(b, uint64(a.AddrType))
			b = append(b, ')')
		}
		b = append(b, " (len "...)
		b = appendUint(b, uint64(a.HwAddressSize))
		b = append(b, "), "...)
		if name := etherTypeName(a.Protocol); name != "Unknown" {
			b = append(b, name...)
		} else {
			b = append(b, "Unknown Protocol (0x"...)
			b = appendHex(b, uint64(a.Protocol), 4)
			b = append(b, ')')
		}
		b = append(b, " (len "...)
		b = appendUint(b, uint64(a.ProtAddressSize))
		b = append(b, ')')
	} else {
		op := ""
		if int(a.Operation) < len(arpOps) {
			op = arpOps[a.Operation]
		}
		if op == "" {
			b = append(b, "Unknown ("...)
			b = appendUint(b, uint64(a.Operation))
			b = append(b, ')')
		} else {
			b = append(b, op...)
		}
		switch a.Operation {
		case 1:
			b = append(b, " who-has "...)
			b = appendIP(b, a.DstProtAddress)
			if !allZero(a.DstHwAddress) {
				b = append(b, " ("...)
				b = appendMAC(b, a.DstHwAddress)
				b = append(b, ')')
			}
			b = append(b, " tell "...)
			b = appendIP(b, a.SourceProtAddress)
		case 2:
			b = append(b, ' ')
			b = appendIP(b, a.SourceProtAddress)
			b = append(b, " is-at "...)
			b = appendMAC(b, a.SourceHwAddress)
		case 3, 8:
			b = append(b, " who-is "...)
			b = appendMAC(b, a.DstHwAddress)
			b = append(b, " tell "...)
			b = appendMAC(b, a.SourceHwAddress)
		case 4:
			b = append(b, ' ')
			b = appendMAC(b, a.DstHwAddress)
			b = append(b, " at "...)
			b = appendIP(b, a.DstProtAddress)
		case 9:
			b = append(b, ' ')
			b = appendMAC(b, a.SourceHwAddress)
			b = append(b, " at "...)
			b = appendIP(b, a.SourceProtAddress)
		}
	}
	b = append(b, ", length "...)
	return appendUint(b, uint64(length))
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
