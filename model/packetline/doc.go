// Package packetline prints a captured packet as one line, the way
// tcpdump -n does, for the capture pane and `lazyns capture`:
//
//	12:04:05.123456 qr-1234@qrouter-7f Out IP 10.0.1.1 > 10.0.1.2: ICMP echo request, id 4, seq 1, length 64
//
// A Formatter decodes with gopacket's layers into layers it allocates once,
// and appends to a caller's buffer, so that a flood of packets costs no
// allocation per packet for the common protocols. Each printer decodes the
// layer it prints (DecodeFromBytes on its preallocated layer) and hands the
// payload on, as tcpdump's printers do; unlike a DecodingLayerParser, which
// keeps one layer per type, this lets an outer and an inner header of the
// same type coexist (QinQ tags, VXLAN and GRE, the first fragment's
// transport header, the IP header inside an ICMP error).
//
// Where the line deliberately differs from tcpdump 4.99's (the golden test
// normalises exactly these):
//   - TCP sequence numbers are absolute, as with tcpdump -S: relative ones
//     need per-connection state.
//   - A VLAN tag shows as "vlan N, " before the rest; tcpdump shows tags
//     only with -e.
//   - An IPv4 fragment ends with "(frag ID:LEN@OFFSET+)", as older tcpdumps
//     printed it; tcpdump 4.99 says nothing without -v.
//   - DHCP names its message type ("BOOTP/DHCP, Discover from …"; "Offer,
//     Your-IP 10.0.1.1") where tcpdump without -v says Request or Reply.
//   - A VXLAN packet and the packet inside it share the line (": "), as
//     for GRE; tcpdump starts a new line.
//   - An unknown EtherType prints its header without tcpdump's hex dump.
//   - Bytes from the packet that a terminal would act on (DNS names, an
//     HTTP request line) are escaped as lazyns escapes names (\x1b);
//     tcpdump writes ^[.
//   - Of tcpdump's many application printers only DNS (and mDNS), DHCP,
//     VXLAN and the HTTP request or status line are here; other payloads
//     print as their transport with a length.
package packetline
