package packetline

import (
	"net/netip"
	"strconv"

	"github.com/lazyns/lazyns/model"
)

// Helpers that append to a line without allocating.

func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

func appendHex(b []byte, v uint64, width int) []byte {
	const digits = "0123456789abcdef"
	for i := width - 1; i >= 0; i-- {
		b = append(b, digits[(v>>(4*uint(i)))&0xf])
	}
	return b
}

// appendIP writes an address as tcpdump -n does: IPv4 dotted, IPv6 in
// its shortest form. gopacket hands IPv4 addresses over as 4 bytes and
// IPv6 ones as 16.
func appendIP(b []byte, ip []byte) []byte {
	switch len(ip) {
	case 4:
		return netip.AddrFrom4([4]byte(ip)).AppendTo(b)
	case 16:
		return netip.AddrFrom16([16]byte(ip)).AppendTo(b)
	}
	return append(b, '?')
}

// appendMAC writes a hardware address as tcpdump does: lower-case hex
// pairs joined by colons.
func appendMAC(b []byte, mac []byte) []byte {
	for i, c := range mac {
		if i > 0 {
			b = append(b, ':')
		}
		b = appendHex(b, uint64(c), 2)
	}
	return b
}

// appendText writes bytes that come from the packet (names, a request
// line) so that a terminal shows them and acts on none: the same escapes
// lazyns uses for names of namespaces and interfaces.
func appendText(b []byte, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c >= 0x7f {
			return append(b, model.Visible(string(s))...)
		}
	}
	return append(b, s...)
}
