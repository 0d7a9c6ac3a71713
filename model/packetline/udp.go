package packetline

import (
	"github.com/gopacket/gopacket/layers"
)

// udpPrint is tcpdump's udp_print without -v, with the application
// printers a namespace lab needs: DNS and mDNS, DHCP, VXLAN.
func (d *decoder) udpPrint(b []byte, data []byte, length int, src, dst []byte) []byte {
	if len(data) < 8 {
		return trunc(appendAddrs(b, src, dst), "udp")
	}
	u := &d.udp
	if err := u.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "udp")
	}
	b = appendEndpoints(b, src, dst, uint16(u.SrcPort), uint16(u.DstPort))
	ulen := int(u.Length)
	if ulen < 8 {
		b = append(b, "UDP, bad length "...)
		b = appendUint(b, uint64(ulen))
		return append(b, " < 8"...)
	}
	if ulen > length {
		b = append(b, "UDP, bad length "...)
		b = appendUint(b, uint64(ulen))
		b = append(b, " > "...)
		return appendUint(b, uint64(length))
	}
	length = ulen - 8
	payload := u.Payload
	if len(payload) > length {
		payload = payload[:length]
	}
	switch port := func(p layers.UDPPort) bool { return u.SrcPort == p || u.DstPort == p }; {
	case port(53):
		return d.dnsPrint(b, payload, length, false)
	case port(5353):
		return d.dnsPrint(b, payload, length, true)
	case port(67) || port(68):
		return d.bootpPrint(b, payload, length)
	case u.DstPort == 4789 || u.DstPort == 8472:
		return d.vxlanPrint(b, payload, length)
	}
	b = append(b, "UDP, length "...)
	return appendUint(b, uint64(length))
}

var dhcpTypes = [...]string{1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NACK", 7: "Release", 8: "Inform"}

// bootpPrint is tcpdump's bootp_print without -v, naming the DHCP message
// type where tcpdump names the BOOTP operation (Request, Reply), and the
// address a server offers or grants.
func (d *decoder) bootpPrint(b []byte, data []byte, length int) []byte {
	b = append(b, "BOOTP/DHCP, "...)
	if len(data) < 1 {
		return trunc(b, "bootp")
	}
	dh := &d.dhcp
	if err := dh.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "bootp")
	}
	op := ""
	for _, o := range dh.Options {
		if o.Type == layers.DHCPOptMessageType && len(o.Data) == 1 && int(o.Data[0]) < len(dhcpTypes) {
			op = dhcpTypes[o.Data[0]]
		}
	}
	if op == "" {
		switch dh.Operation {
		case layers.DHCPOpRequest:
			op = "Request"
		case layers.DHCPOpReply:
			op = "Reply"
		}
	}
	if op == "" {
		b = append(b, "unknown (0x"...)
		b = appendHex(b, uint64(dh.Operation), 2)
		b = append(b, ')')
	} else {
		b = append(b, op...)
	}
	if dh.Operation == layers.DHCPOpRequest && dh.HardwareType == layers.LinkTypeEthernet && dh.HardwareLen == 6 {
		b = append(b, " from "...)
		b = appendMAC(b, dh.ClientHWAddr)
	}
	if dh.Operation == layers.DHCPOpReply && len(dh.YourClientIP) == 4 && !allZero(dh.YourClientIP) {
		b = append(b, ", Your-IP "...)
		b = appendIP(b, dh.YourClientIP)
	}
	b = append(b, ", length "...)
	return appendUint(b, uint64(length))
}

// vxlanPrint is tcpdump's vxlan_print, with the inner frame on the same
// line.
func (d *decoder) vxlanPrint(b []byte, data []byte, length int) []byte {
	b = append(b, "VXLAN"...)
	if len(data) < 8 {
		return trunc(b, "vxlan")
	}
	v := &d.vxlan
	if err := v.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "vxlan")
	}
	b = append(b, ", flags ["...)
	if data[0]&0x08 != 0 {
		b = append(b, 'I')
	} else {
		b = append(b, '.')
	}
	b = append(b, "] (0x"...)
	b = appendHex(b, uint64(data[0]), 2)
	b = append(b, "), vni "...)
	b = appendUint(b, uint64(v.VNI))
	t := d.tunnel()
	if t == nil {
		return trunc(b, "vxlan")
	}
	b = append(b, ": "...)
	return t.ethernet(b, v.Payload, length-8)
}

// grePrint is tcpdump's gre_print for version 0 without -v.
func (d *decoder) grePrint(b []byte, data []byte, length int) []byte {
	if len(data) < 4 {
		return trunc(append(b, "GRE"...), "gre")
	}
	version := data[1] & 0x7
	b = append(b, "GREv"...)
	b = appendUint(b, uint64(version))
	if version != 0 {
		return append(b, " ERROR: unknown-version"...)
	}
	g := &d.gre
	if err := g.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "gre")
	}
	if g.ChecksumPresent || g.RoutingPresent {
		b = append(b, ", off 0x"...)
		b = appendHexTrim(b, uint64(g.Offset))
	}
	if g.KeyPresent {
		b = append(b, ", key=0x"...)
		b = appendHexTrim(b, uint64(g.Key))
	}
	if g.SeqPresent {
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(g.Seq))
	}
	b = append(b, ", length "...)
	b = appendUint(b, uint64(length))
	b = append(b, ": "...)
	inner := g.Payload
	innerLen := length - len(g.Contents)
	t := d.tunnel()
	if t == nil {
		return trunc(b, "gre")
	}
	switch g.Protocol {
	case layers.EthernetTypeIPv4:
		return t.ipv4(b, inner, innerLen)
	case layers.EthernetTypeIPv6:
		return t.ipv6(b, inner, innerLen)
	case etherTypeTEB:
		return t.ethernet(b, inner, innerLen)
	}
	b = append(b, "gre-proto-0x"...)
	return appendHexTrim(b, uint64(g.Protocol))
}

// appendHexTrim writes v in hex without leading zeros, as %x does.
func appendHexTrim(b []byte, v uint64) []byte {
	n := 1
	for v>>(4*uint(n)) != 0 {
		n++
	}
	return appendHex(b, v, n)
}
