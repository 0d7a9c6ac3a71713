package pcapfilter

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
)

// gen turns primitives into conditions for one link type and target, as
// libpcap's gencode.c does. It is called while parsing, because "vlan"
// changes where every later primitive looks.
type gen struct {
	link      layers.LinkType
	target    Target
	vlans     int  // "vlan" primitives parsed so far
	usesShift bool // a test reads through scratch register shiftReg
}

// offset is a position in the frame: k bytes, plus the shift a VLAN tag
// found in the frame adds at run time when variable is set.
type offset struct {
	k        uint32
	variable bool
}

func (g *gen) ethernet() bool { return g.link == layers.LinkTypeEthernet }

// shift is how far the VLAN tags parsed so far move the network layer.
func (g *gen) shift() offset {
	if g.target == Socket && g.vlans > 0 {
		g.usesShift = true
		return offset{k: 4 * uint32(g.vlans-1), variable: true}
	}
	return offset{k: 4 * uint32(g.vlans)}
}

// network is where the network-layer header starts.
func (g *gen) network() offset {
	o := g.shift()
	if g.ethernet() {
		o.k += 14
	}
	return o
}

func load(o offset, rel uint32, size int) []bpf.Instruction {
	if o.variable {
		return []bpf.Instruction{bpf.LoadScratch{Dst: bpf.RegX, N: shiftReg}, bpf.LoadIndirect{Off: o.k + rel, Size: size}}
	}
	return []bpf.Instruction{bpf.LoadAbsolute{Off: o.k + rel, Size: size}}
}

func cmp(o offset, rel uint32, size int, v uint32) cond {
	return atom{load(o, rel, size), bpf.JumpEqual, v}
}

// mcmp compares the bits of mask: an address within a network. With no
// bits to compare it holds without reading the packet, as in libpcap's
// optimised programs ("net 0.0.0.0/0" matches an IPv4 packet cut short
// before its addresses).
func mcmp(o offset, rel uint32, size int, v, mask uint32) cond {
	if mask == 0 {
		return constCond(true)
	}
	if mask == 0xffffffff || (size == 2 && mask == 0xffff) || (size == 1 && mask == 0xff) {
		return cmp(o, rel, size, v)
	}
	return atom{append(load(o, rel, size), bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask}), bpf.JumpEqual, v & mask}
}

// linkType tests the EtherType; a raw IP link has none, but the version
// nibble tells IPv4 from IPv6, and nothing else can be on it.
func (g *gen) linkType(t uint32) cond {
	if g.ethernet() {
		o := g.shift()
		return cmp(offset{o.k + 12, o.variable}, 0, 2, t)
	}
	switch t {
	case etherTypeIPv4:
		return mcmp(offset{}, 0, 1, 0x40, 0xf0)
	case etherTypeIPv6:
		return mcmp(offset{}, 0, 1, 0x60, 0xf0)
	}
	return constCond(false)
}

// transport4 loads a 16-bit field of the header after an IPv4 header,
// whose length is in the header itself.
func (g *gen) transport4(rel uint32) []bpf.Instruction {
	nl := g.network()
	if nl.variable {
		return []bpf.Instruction{
			bpf.LoadScratch{Dst: bpf.RegX, N: shiftReg},
			bpf.LoadIndirect{Off: nl.k, Size: 1},
			bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0xf},
			bpf.ALUOpConstant{Op: bpf.ALUOpShiftLeft, Val: 2},
			bpf.ALUOpX{Op: bpf.ALUOpAdd},
			bpf.TAX{},
			bpf.LoadIndirect{Off: nl.k + rel, Size: 2},
		}
	}
	return []bpf.Instruction{bpf.LoadMemShift{Off: nl.k}, bpf.LoadIndirect{Off: nl.k + rel, Size: 2}}
}

// byDir applies a test at the source and destination offsets as the
// direction qualifier asks.
func byDir(d dirQual, at func(src bool) cond) cond {
	switch d {
	case dSrc:
		return at(true)
	case dDst:
		return at(false)
	case dAnd:
		return and(at(true), at(false))
	}
	return or(at(true), at(false))
}

// host4 is libpcap's gen_host: an IPv4 address or network, in IPv4
// packets and, unless a protocol is named, in ARP and RARP ones.
func (g *gen) host4(addr, mask uint32, q qual, at token) (cond, error) {
	kind := "host"
	if q.addr == aNet {
		kind = "net"
	}
	op := func(etherType, srcOff, dstOff uint32) cond {
		nl := g.network()
		return and(g.linkType(etherType), byDir(q.dir, func(src bool) cond {
			if src {
				return mcmp(nl, srcOff, 4, addr, mask)
			}
			return mcmp(nl, dstOff, 4, addr, mask)
		}))
	}
	switch q.proto {
	case pDefault:
		return anyOf(op(etherTypeIPv4, 12, 16), op(etherTypeARP, 14, 24), op(etherTypeRARP, 14, 24)), nil
	case pIP:
		return op(etherTypeIPv4, 12, 16), nil
	case pARP:
		return op(etherTypeARP, 14, 24), nil
	case pRARP:
		return op(etherTypeRARP, 14, 24), nil
	case pLink:
		return nil, errAt(at, "%s needs an Ethernet address, not %s", quote(q.text), quote(at.text))
	case pIP6:
		return nil, errAt(at, "%s cannot match the IPv4 address %s", quote(q.text), quote(at.text))
	}
	return nil, &Error{Pos: q.pos, Word: q.text, Msg: fmt.Sprintf("%s: %s does not qualify a %s; write %s", quote(q.text), q.protoText, kind, quote(q.protoText+" and "+kind+" …"))}
}

// host6 is libpcap's gen_host6: an IPv6 address or network.
func (g *gen) host6(addr netip.Addr, bits int, q qual, at token) (cond, error) {
	switch q.proto {
	case pDefault, pIP6:
	case pIP:
		return nil, errAt(at, "%s cannot match the IPv6 address %s", quote(q.text), quote(at.text))
	default:
		return nil, errAt(at, "%s cannot match the IPv6 address %s", quote(q.text), quote(at.text))
	}
	a := addr.As16()
	nl := g.network()
	return and(g.linkType(etherTypeIPv6), byDir(q.dir, func(src bool) cond {
		base := uint32(8)
		if !src {
			base = 24
		}
		c := cond(constCond(true))
		for w := 0; w < 4; w++ {
			c = and(c, mcmp(nl, base+4*uint32(w), 4, binary.BigEndian.Uint32(a[4*w:]), prefixWord(bits, w)))
		}
		return c
	})), nil
}

// prefixWord is word w (0–3) of an IPv6 mask of the given length.
func prefixWord(bits, w int) uint32 {
	n := bits - 32*w
	switch {
	case n <= 0:
		return 0
	case n >= 32:
		return 0xffffffff
	}
	return ^uint32(0) << (32 - n)
}

// ether is libpcap's gen_ehostop: a MAC address in the Ethernet header,
// compared as its last four bytes and then its first two.
func (g *gen) ether(mac [6]byte, d dirQual, at token) (cond, error) {
	if !g.ethernet() {
		return nil, errAt(at, "%s is an Ethernet address, and %s has no Ethernet header", quote(at.text), linkName(g.link))
	}
	return byDir(d, func(src bool) cond {
		base := uint32(0)
		if src {
			base = 6
		}
		return and(cmp(offset{}, base+2, 4, binary.BigEndian.Uint32(mac[2:])),
			cmp(offset{}, base, 2, uint32(binary.BigEndian.Uint16(mac[:2]))))
	}), nil
}

// ipProto is libpcap's gen_proto: the protocol carried by IPv4 or IPv6
// (looking past one IPv6 fragment header, no further).
func (g *gen) ipProto(v uint32, p protoQual) cond {
	nl := g.network()
	v4 := func() cond { return and(g.linkType(etherTypeIPv4), cmp(nl, 9, 1, v)) }
	v6 := func() cond {
		return and(g.linkType(etherTypeIPv6), or(cmp(nl, 6, 1, v), and(cmp(nl, 6, 1, ipprotoFragment), cmp(nl, 40, 1, v))))
	}
	switch p {
	case pIP:
		return v4()
	case pIP6:
		return v6()
	}
	return or(v4(), v6())
}

// protoAbbrev is a protocol named alone: "tcp", "arp", "icmp6".
func (g *gen) protoAbbrev(t token) (cond, error) {
	switch protoQuals[t.text] {
	case pIP:
		return g.linkType(etherTypeIPv4), nil
	case pIP6:
		return g.linkType(etherTypeIPv6), nil
	case pARP:
		return g.linkType(etherTypeARP), nil
	case pRARP:
		return g.linkType(etherTypeRARP), nil
	case pTCP:
		return g.ipProto(ipprotoTCP, pDefault), nil
	case pUDP:
		return g.ipProto(ipprotoUDP, pDefault), nil
	case pSCTP:
		return g.ipProto(ipprotoSCTP, pDefault), nil
	case pICMP:
		return g.ipProto(ipprotoICMP, pIP), nil
	case pICMP6:
		return g.ipProto(ipprotoICMPv6, pIP6), nil
	case pIGMP:
		return g.ipProto(ipprotoIGMP, pIP), nil
	case pIGRP:
		return g.ipProto(ipprotoIGRP, pIP), nil
	case pPIM:
		return g.ipProto(ipprotoPIM, pDefault), nil
	case pVRRP:
		return g.ipProto(ipprotoVRRP, pIP), nil
	case pAH:
		return g.ipProto(ipprotoAH, pDefault), nil
	case pESP:
		return g.ipProto(ipprotoESP, pDefault), nil
	}
	return nil, errAt(t, "%s alone matches nothing: write %s or %s", quote(t.text), quote("ether host …"), quote("ether src …"))
}

// proto is "ip proto N", "ip6 proto N" or "proto N".
func (g *gen) proto(v uint32, q qual, at token) (cond, error) {
	switch q.proto {
	case pDefault, pIP, pIP6:
		return g.ipProto(v, q.proto), nil
	}
	return nil, &Error{Pos: q.pos, Word: q.text + " proto", Msg: fmt.Sprintf("%s is not supported", quote(q.text+" proto"))}
}

// port is libpcap's gen_port and gen_port6 for a range (lo == hi for one
// port): TCP, UDP or SCTP over IPv6 or IPv4, in an IPv4 packet only when it
// is not a fragment other than the first (later ones carry no ports).
func (g *gen) port(lo, hi uint32, q qual) (cond, error) {
	if lo > hi {
		lo, hi = hi, lo
	}
	var protos []uint32
	switch q.proto {
	case pDefault:
		protos = []uint32{ipprotoSCTP, ipprotoTCP, ipprotoUDP}
	case pTCP:
		protos = []uint32{ipprotoTCP}
	case pUDP:
		protos = []uint32{ipprotoUDP}
	case pSCTP:
		protos = []uint32{ipprotoSCTP}
	default:
		return nil, &Error{Pos: q.pos, Word: q.text, Msg: fmt.Sprintf("%s: only tcp, udp and sctp have ports", quote(q.text))}
	}
	nl := g.network()
	oneOf := func(rel uint32) cond {
		var cs []cond
		for _, p := range protos {
			cs = append(cs, cmp(nl, rel, 1, p))
		}
		return anyOf(cs...)
	}
	inRange := func(load []bpf.Instruction) cond {
		if lo == hi {
			return atom{load, bpf.JumpEqual, lo}
		}
		return and(atom{load, bpf.JumpGreaterOrEqual, lo}, not(atom{load, bpf.JumpGreaterThan, hi}))
	}
	v6 := and(g.linkType(etherTypeIPv6), and(oneOf(6), byDir(q.dir, func(src bool) cond {
		if src {
			return inRange(load(nl, 40, 2))
		}
		return inRange(load(nl, 42, 2))
	})))
	firstFragment := not(atom{load(nl, 6, 2), bpf.JumpBitsSet, 0x1fff})
	v4 := and(g.linkType(etherTypeIPv4), and(oneOf(9), and(firstFragment, byDir(q.dir, func(src bool) cond {
		if src {
			return inRange(g.transport4(0))
		}
		return inRange(g.transport4(2))
	}))))
	return or(v6, v4), nil
}

// vlan is libpcap's gen_vlan: a VLAN tag (802.1Q, 802.1ad or the old
// 0x9100), with the given id if hasID; every later test then reads four
// bytes further. On a packet socket the first one also looks for the tag
// the kernel keeps beside the frame.
func (g *gen) vlan(word token, id uint32, hasID bool, idTok token) (cond, error) {
	if !g.ethernet() {
		return nil, errAt(word, "%s needs an Ethernet header, and %s has none", quote(word.text), linkName(g.link))
	}
	if hasID && id > 0xfff {
		return nil, errAt(idTok, "VLAN id %d is out of range (0-4095)", id)
	}
	defer func() { g.vlans++ }()
	if g.target == Socket && g.vlans == 0 {
		g.usesShift = true
		return vlanMeta{id: id, hasID: hasID}, nil
	}
	o := g.shift()
	tpid := offset{o.k + 12, o.variable}
	c := anyOf(cmp(tpid, 0, 2, etherTypeVLAN), cmp(tpid, 0, 2, etherTypeQinQ), cmp(tpid, 0, 2, etherTypeVLANOld))
	if hasID {
		c = and(c, mcmp(g.network(), 0, 2, id, 0xfff))
	}
	return c, nil
}

// length is "less N" (length ≤ N) or "greater N" (length ≥ N).
func length(less bool, n uint32) cond {
	ld := []bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtLen}}
	if less {
		return not(atom{ld, bpf.JumpGreaterThan, n})
	}
	return atom{ld, bpf.JumpGreaterOrEqual, n}
}

// cast is "broadcast" or "multicast", with an optional ether, ip or ip6.
func (g *gen) cast(broadcast bool, q qual, at token) (cond, error) {
	word := q.text
	if word != "" {
		word += " "
	}
	word += at.text
	switch q.proto {
	case pDefault, pLink:
		if !g.ethernet() {
			return nil, errAt(at, "%s needs an Ethernet header, and %s has none", quote(word), linkName(g.link))
		}
		if broadcast {
			return g.ether([6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, dDst, at)
		}
		return atom{[]bpf.Instruction{bpf.LoadAbsolute{Off: 0, Size: 1}}, bpf.JumpBitsSet, 1}, nil
	case pIP:
		if broadcast {
			return nil, &Error{Pos: q.pos, Word: word, Msg: fmt.Sprintf("%s needs the network's mask, which a capture does not know: write %s", quote(word), quote("dst host X.X.X.255"))}
		}
		return and(g.linkType(etherTypeIPv4), atom{load(g.network(), 16, 1), bpf.JumpGreaterOrEqual, 224}), nil
	case pIP6:
		if !broadcast {
			return and(g.linkType(etherTypeIPv6), cmp(g.network(), 24, 1, 255)), nil
		}
	}
	return nil, &Error{Pos: q.pos, Word: word, Msg: fmt.Sprintf("%s is not supported", quote(word))}
}
