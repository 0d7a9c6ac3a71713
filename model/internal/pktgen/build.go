// Package pktgen builds packets for the capture tests: well-formed frames
// from gopacket layers, with lengths and checksums filled in, and the few
// malformed ones (truncated, odd fragments) that a filter or a printer must
// also survive. Only tests import it.
package pktgen

import (
	"encoding/binary"
	"net"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Packet is one test packet: a name for failure messages and its bytes,
// starting at the Ethernet header.
type Packet struct {
	Name string
	Data []byte
}

// Build serializes layers into one frame, fixing lengths and checksums.
// A layer that cannot be serialized is a bug in the test corpus: panic.
func Build(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	// A transport checksum covers a pseudo-header of the network layer
	// just before it (the inner one, for a tunnelled packet).
	var last gopacket.NetworkLayer
	for _, l := range ls {
		if nl, ok := l.(gopacket.NetworkLayer); ok {
			last = nl
		}
		if c, ok := l.(interface {
			SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
		}); ok && last != nil {
			if err := c.SetNetworkLayerForChecksum(last); err != nil {
				panic(err)
			}
		}
	}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		panic(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// MAC parses a hardware address; a bad literal in a test panics.
func MAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// IP parses an address literal into the 4- or 16-byte form gopacket wants.
func IP(s string) net.IP {
	a := netip.MustParseAddr(s)
	return net.IP(a.AsSlice())
}

// Eth is an Ethernet header from src to dst carrying t.
func Eth(src, dst string, t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: MAC(src), DstMAC: MAC(dst), EthernetType: t}
}

// IPv4 is a plain IPv4 header (TTL 64, no options).
func IPv4(src, dst string, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: 0x1234, Protocol: proto, SrcIP: IP(src), DstIP: IP(dst)}
}

// IPv6 is a plain IPv6 header (hop limit 64).
func IPv6(src, dst string, next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next, SrcIP: IP(src), DstIP: IP(dst)}
}

// TCP is a TCP header with the given flags ("S", "SA", "PA", "F", "R").
func TCP(sport, dport uint16, flags string) *layers.TCP {
	t := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: 1000, Window: 64240, DataOffset: 5}
	for _, f := range flags {
		switch f {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK = true
			t.Ack = 2000
		case 'P':
			t.PSH = true
		case 'F':
			t.FIN = true
		case 'R':
			t.RST = true
		case 'U':
			t.URG = true
		}
	}
	return t
}

// UDP is a UDP header.
func UDP(sport, dport uint16) *layers.UDP {
	return &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
}

// Payload is raw bytes after the last header.
func Payload(b []byte) gopacket.Payload { return gopacket.Payload(b) }

// SCTPHeader is the 12-byte SCTP common header (gopacket serializes only
// its chunks), enough for port filters.
func SCTPHeader(sport, dport uint16) gopacket.Payload {
	b := make([]byte, 12)
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint32(b[4:], 0xdeadbeef)
	return b
}

// Truncate returns the first n bytes of a frame, as a capture with a short
// snap length or a broken sender would hand over.
func Truncate(b []byte, n int) []byte {
	if n > len(b) {
		n = len(b)
	}
	return append([]byte(nil), b[:n]...)
}

// StripEthernet turns an Ethernet frame into what a raw-IP link (a tun
// device, DLT_RAW) carries: the same bytes without the 14-byte header.
func StripEthernet(b []byte) []byte {
	if len(b) < 14 {
		return nil
	}
	return append([]byte(nil), b[14:]...)
}
