package trace

import (
	"fmt"
	"net"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// Probe is the packet a trace follows: the echo request ping sends (the
// zero Probe), or the first packet of a TCP or UDP exchange with a port.
// Firewall rules look at it; routes do not.
type Probe struct {
	// Proto is IPPROTO_TCP or IPPROTO_UDP; 0 is an ICMP (or ICMPv6) echo.
	Proto uint8
	// Port is the destination port of TCP and UDP.
	Port uint16
}

// Transport protocol numbers a Probe takes.
const (
	ProtoTCP = 6
	ProtoUDP = 17
)

// ParseProbe reads --proto and --port: proto is icmp, tcp or udp ("" is
// icmp, or tcp when a port is given); port is 1-65535 for tcp and udp and
// 0 (not given) for icmp.
func ParseProbe(proto string, port int) (Probe, error) {
	switch strings.ToLower(strings.TrimSpace(proto)) {
	case "", "icmp", "ping":
		if proto == "" && port != 0 {
			return ParseProbe("tcp", port)
		}
		if port != 0 {
			return Probe{}, fmt.Errorf("--port goes with tcp or udp: an ICMP echo has no port")
		}
		return Probe{}, nil
	case "tcp":
		if port < 1 || port > 65535 {
			return Probe{}, fmt.Errorf("tcp needs a --port from 1 to 65535")
		}
		return Probe{Proto: ProtoTCP, Port: uint16(port)}, nil
	case "udp":
		if port < 1 || port > 65535 {
			return Probe{}, fmt.Errorf("udp needs a --port from 1 to 65535")
		}
		return Probe{Proto: ProtoUDP, Port: uint16(port)}, nil
	}
	return Probe{}, fmt.Errorf("--proto %q: give icmp, tcp or udp", model.Visible(proto))
}

// Echo reports whether the probe is an ICMP echo.
func (p Probe) Echo() bool { return p.Proto != ProtoTCP && p.Proto != ProtoUDP }

// String names the probe as the heading and JSON do: "icmp", "tcp port
// 80", "udp port 53".
func (p Probe) String() string {
	if p.Echo() {
		return "icmp"
	}
	return fmt.Sprintf("%s port %d", model.ProtoName(p.Proto), p.Port)
}

// ProtoWord is "icmp", "tcp" or "udp".
func (p Probe) ProtoWord() string {
	if p.Echo() {
		return "icmp"
	}
	return model.ProtoName(p.Proto)
}

// packet is the probe as it travels: its addresses and ports change as
// NAT rewrites them.
type packet struct {
	src, dst     net.IP
	sport, dport uint16
}

// icmpProto is the protocol number of an echo to dst: ICMP or ICMPv6.
func icmpProto(dst net.IP) uint8 {
	if model.FamilyOf(dst) == model.AF_INET6 {
		return 58
	}
	return 1
}

// ICMP echo types, per family.
const (
	icmpEchoRequest  = 8
	icmpEchoReply    = 0
	icmp6EchoRequest = 128
	icmp6EchoReply   = 129
)
