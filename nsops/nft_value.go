package nsops

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// matchOf turns ranges of register values into a match on the selector;
// false when the selector is not one a trace can evaluate.
func (d *nftDecoder) matchOf(s *selector, ranges [][2][]byte) (model.FwMatch, bool) {
	var m model.FwMatch
	for _, r := range ranges {
		lo, hi := r[0], r[1]
		switch s.field {
		case fSaddr, fDaddr:
			m.Kind = model.FwSaddr
			if s.field == fDaddr {
				m.Kind = model.FwDaddr
			}
			first, ok1 := d.addr(s, lo, false)
			last, ok2 := d.addr(s, hi, true)
			if !ok1 || !ok2 {
				return m, false
			}
			if s.mask != nil {
				bits, ok := maskLen(s.mask[:min(len(s.mask), s.size)])
				if !ok || lo[0] != hi[0] || string(lo) != string(hi) {
					return m, false
				}
				p, err := first.Prefix(bits)
				if err != nil {
					return m, false
				}
				m.Prefixes = append(m.Prefixes, p)
				continue
			}
			m.Prefixes = append(m.Prefixes, model.RangePrefixes(first, last)...)
		case fSport, fDport:
			m.Kind = model.FwSport
			if s.field == fDport {
				m.Kind = model.FwDport
			}
			if len(lo) < 2 || len(hi) < 2 {
				return m, false
			}
			m.Ports = append(m.Ports, model.FwPortRange{First: binary.BigEndian.Uint16(lo), Last: binary.BigEndian.Uint16(hi)})
		case fL4proto:
			m.Kind = model.FwL4proto
			for p := int(lo[0]); p <= int(hi[0]); p++ {
				m.Protos = append(m.Protos, uint8(p))
			}
		case fICMPType:
			m.Kind, m.ICMPv6 = model.FwICMPType, s.icmp6
			for t := int(lo[0]); t <= int(hi[0]); t++ {
				m.ICMPTypes = append(m.ICMPTypes, uint8(t))
			}
		case fNfproto, fEthProto:
			fam := familyOf(s, lo)
			if fam == 0 || string(lo) != string(hi) {
				return m, false
			}
			m.Kind, m.Family = model.FwNfproto, fam
		case fIifname, fOifname:
			m.Kind = model.FwIifname
			if s.field == fOifname {
				m.Kind = model.FwOifname
			}
			name, ok := ifnameRange(lo, hi)
			if !ok {
				return m, false
			}
			m.Names = append(m.Names, name)
		case fIif, fOif:
			m.Kind = model.FwIifname
			if s.field == fOif {
				m.Kind = model.FwOifname
			}
			name, ok := d.scope.ifname(binary.NativeEndian.Uint32(pad4(lo)))
			if !ok || string(lo) != string(hi) {
				return m, false
			}
			m.Names = append(m.Names, name)
		case fMark:
			if string(lo) != string(hi) || len(ranges) > 1 {
				return m, false
			}
			m.Kind, m.Mark, m.MarkMask = model.FwMark, binary.NativeEndian.Uint32(pad4(lo)), ^uint32(0)
			if s.mask != nil {
				m.MarkMask = binary.NativeEndian.Uint32(pad4(s.mask))
			}
		default:
			return m, false
		}
	}
	return m, true
}

func familyOf(s *selector, b []byte) int {
	if s.field == fNfproto {
		switch b[0] {
		case unix.NFPROTO_IPV4:
			return model.AF_INET
		case unix.NFPROTO_IPV6:
			return model.AF_INET6
		}
		return 0
	}
	if len(b) < 2 {
		return 0
	}
	switch binary.BigEndian.Uint16(b) {
	case unix.ETH_P_IP:
		return model.AF_INET
	case unix.ETH_P_IPV6:
		return model.AF_INET6
	}
	return 0
}

// ifnamePattern reads an interface name compared in a register: up to its
// NUL, or, with no NUL, a prefix (nft's "eth*", iptables's "eth+").
func ifnamePattern(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		return string(b[:i])
	}
	return string(b) + "+"
}

// ifnameRange reads an interval of interface names: one name, or the
// range nft makes of a wildcard ("veth*": from "veth" and zeros to
// "veth" and 0xff bytes), which iptables writes "veth+".
func ifnameRange(lo, hi []byte) (string, bool) {
	if bytes.Equal(lo, hi) {
		return ifnamePattern(lo), true
	}
	prefix := bytes.TrimRight(lo, "\x00")
	if len(lo) != len(hi) || !bytes.HasPrefix(hi, prefix) || len(bytes.Trim(hi[len(prefix):], "\xff")) != 0 {
		return "", false
	}
	return string(prefix) + "+", true
}

// addr reads a loaded address (of s.size bytes), filling the bytes not
// loaded with zeros, or with ones for the last address of a range.
func (d *nftDecoder) addr(s *selector, b []byte, last bool) (netip.Addr, bool) {
	full := 4
	if s.family == model.AF_INET6 {
		full = 16
	}
	if len(b) < s.size || s.size > full {
		return netip.Addr{}, false
	}
	buf := make([]byte, full)
	copy(buf, b[:s.size])
	if last {
		for i := s.size; i < full; i++ {
			buf[i] = 0xff
		}
	}
	a, ok := netip.AddrFromSlice(buf)
	return a, ok
}

// maskLen is the length of a contiguous mask, in bits.
func maskLen(mask []byte) (int, bool) {
	n := 0
	for n < len(mask)*8 && mask[n/8]&(0x80>>(n%8)) != 0 {
		n++
	}
	for i := n; i < len(mask)*8; i++ {
		if mask[i/8]&(0x80>>(i%8)) != 0 {
			return 0, false
		}
	}
	return n, true
}

// addrText writes a loaded address as nft does: a prefix when less than
// the whole address was loaded or a mask applies.
func (d *nftDecoder) addrText(s *selector, b []byte) string {
	a, ok := d.addr(s, b, false)
	if !ok {
		return fmt.Sprintf("0x%x", b)
	}
	bits := s.size * 8
	if s.mask != nil {
		if n, ok := maskLen(s.mask[:min(len(s.mask), s.size)]); ok {
			bits = n
		} else {
			return a.String() + fmt.Sprintf(" & 0x%x", s.mask)
		}
	}
	if bits == a.BitLen() {
		return a.String()
	}
	return netip.PrefixFrom(a, bits).String()
}

// valueText writes a compared value the way nft writes values of the
// selector's type.
func (d *nftDecoder) valueText(s *selector, b []byte) string {
	if len(b) == 0 {
		return "0x"
	}
	switch s.field {
	case fSaddr, fDaddr:
		return d.addrText(s, b)
	case fSport, fDport:
		if len(b) >= 2 {
			return strconv.Itoa(int(binary.BigEndian.Uint16(b)))
		}
	case fL4proto:
		return model.ProtoName(b[0])
	case fICMPType:
		return model.ICMPTypeName(b[0], s.icmp6)
	case fNfproto, fEthProto:
		switch familyOf(s, b) {
		case model.AF_INET:
			if s.field == fEthProto {
				return "ip"
			}
			return "ipv4"
		case model.AF_INET6:
			if s.field == fEthProto {
				return "ip6"
			}
			return "ipv6"
		}
	case fIifname, fOifname:
		p := ifnamePattern(b)
		if name, ok := strings.CutSuffix(p, "+"); ok && !strings.Contains(string(b), "\x00") {
			return `"` + name + `*"`
		}
		return `"` + p + `"`
	case fIif, fOif:
		i := binary.NativeEndian.Uint32(pad4(b))
		if name, ok := d.scope.ifname(i); ok {
			return `"` + name + `"`
		}
		return strconv.FormatUint(uint64(i), 10)
	case fMark:
		return fmt.Sprintf("0x%08x", binary.NativeEndian.Uint32(pad4(b)))
	}
	return fmt.Sprintf("0x%x", b)
}

// rangeText writes one element of a set: a value, a prefix, or "a-b".
func (d *nftDecoder) rangeText(s *selector, lo, hi []byte) string {
	if bytes.Equal(lo, hi) {
		return d.valueText(s, lo)
	}
	if s.field == fIifname || s.field == fOifname {
		if name, ok := ifnameRange(lo, hi); ok {
			return `"` + strings.TrimSuffix(name, "+") + `*"`
		}
	}
	if s.field == fSaddr || s.field == fDaddr {
		first, ok1 := d.addr(s, lo, false)
		last, ok2 := d.addr(s, hi, false)
		if ok1 && ok2 {
			if ps := model.RangePrefixes(first, last); len(ps) == 1 {
				return model.PrefixText(ps[0])
			}
			return first.String() + "-" + last.String()
		}
	}
	return d.valueText(s, lo) + "-" + d.valueText(s, hi)
}
