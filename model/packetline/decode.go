package packetline

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// decoder holds one of each gopacket layer the printers decode into,
// allocated once. A tunnelled packet (VXLAN, GRE, IP in IP) is printed by
// an inner decoder with layers of its own, so the outer headers stay
// intact while the inner ones are read.
type decoder struct {
	eth   layers.Ethernet
	dot1q layers.Dot1Q
	arp   layers.ARP
	ip4   layers.IPv4
	ip6   layers.IPv6
	frag6 layers.IPv6Fragment
	icmp4 layers.ICMPv4
	icmp6 layers.ICMPv6
	echo6 layers.ICMPv6Echo
	tcp   layers.TCP
	udp   layers.UDP
	dns   layers.DNS
	dhcp  layers.DHCPv4
	vxlan layers.VXLAN
	gre   layers.GRE

	depth int
	inner *decoder
}

// maxDepth bounds tunnels in tunnels: a crafted packet of nested VXLAN
// headers must not make the printer recurse without end.
const maxDepth = 4

var nodf = gopacket.NilDecodeFeedback

func newDecoder(depth int) *decoder { return &decoder{depth: depth} }

// tunnel is the decoder for the packet inside this one, or nil when the
// nesting is too deep to follow.
func (d *decoder) tunnel() *decoder {
	if d.depth+1 >= maxDepth {
		return nil
	}
	if d.inner == nil {
		d.inner = newDecoder(d.depth + 1)
	}
	return d.inner
}

// trunc marks where the captured bytes ran out, as tcpdump does: " [|udp]".
func trunc(b []byte, proto string) []byte {
	b = append(b, " [|"...)
	b = append(b, proto...)
	return append(b, ']')
}
