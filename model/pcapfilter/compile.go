package pcapfilter

import (
	"fmt"
	"strings"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
)

// Target says where a program will run, which decides where a VLAN tag is.
type Target int

const (
	// Socket is a Linux packet socket (AF_PACKET). The kernel takes the
	// outer VLAN tag off a frame it receives (and off one it sends, on a
	// device that offloads tagging, such as a veth) and keeps it beside
	// the frame; "vlan" then reads it there, as libpcap does on a live
	// capture.
	Socket Target = iota
	// Savefile is a frame as a capture file holds it, any VLAN tag in its
	// bytes: what tcpdump -r filters.
	Savefile
)

// Compile compiles a filter expression in tcpdump's syntax for packets of
// the given link type (layers.LinkTypeEthernet or layers.LinkTypeRaw; see
// LinkTypeOf) as target sees them. The empty expression accepts every
// packet. The program accepts a packet by returning 262144 (the bytes to
// keep) and drops it by returning 0. A mistake in the expression is an
// *Error; a link type other than the two is a plain error.
func Compile(expr string, link layers.LinkType, target Target) ([]bpf.RawInstruction, error) {
	if link != layers.LinkTypeEthernet && link != layers.LinkTypeRaw {
		return nil, fmt.Errorf("filter: link type %v is not supported (only Ethernet and raw IP)", link)
	}
	g := &gen{link: link, target: target}
	c, err := parse(expr, g)
	if err != nil {
		return nil, err
	}
	if c == constCond(false) {
		return nil, &Error{Pos: 0, Word: expr, Msg: fmt.Sprintf("%s rejects every packet on %s", quote(strings.TrimSpace(expr)), linkName(link))}
	}
	var prelude []bpf.Instruction
	if g.usesShift {
		prelude = []bpf.Instruction{bpf.LoadConstant{Dst: bpf.RegA, Val: 0}, bpf.StoreScratch{Src: bpf.RegA, N: shiftReg}}
	}
	return program(c, prelude)
}

// Validate says whether expr compiles for an Ethernet link, so that a
// command can refuse a bad filter before it opens anything.
func Validate(expr string) error {
	_, err := Compile(expr, layers.LinkTypeEthernet, Socket)
	return err
}

// Linux hardware types (ARPHRD_*, linux/if_arp.h) that packet sockets
// report in sll_hatype and netlink in ifi_type.
const (
	arphrdEther    = 1
	arphrdLoopback = 772
	arphrdTunnel   = 768
	arphrdTunnel6  = 769
	arphrdSit      = 776
	arphrdNone     = 0xfffe
)

// LinkTypeOf is the link type of packets read with a raw packet socket
// (SOCK_RAW) from a device of the given hardware type, as libpcap maps
// it: Ethernet for Ethernet-like devices (veth, bridge, macvlan, vxlan,
// bond, dummy) and for loopback, whose frames carry a zeroed Ethernet
// header; raw IP for devices without a link-layer header (tun, wireguard,
// ipip, sit, ip6tnl). ok is false for anything else; on such a device a
// datagram socket (SOCK_DGRAM) hands over packets from their network
// header, which are raw IP when they are IP at all.
func LinkTypeOf(hatype uint16) (link layers.LinkType, ok bool) {
	switch hatype {
	case arphrdEther, arphrdLoopback:
		return layers.LinkTypeEthernet, true
	case arphrdNone, arphrdTunnel, arphrdTunnel6, arphrdSit:
		return layers.LinkTypeRaw, true
	}
	return 0, false
}

func linkName(link layers.LinkType) string {
	if link == layers.LinkTypeRaw {
		return "a raw IP link"
	}
	return "an Ethernet link"
}
