package pcapfilter

import (
	"net/netip"
	"strconv"
	"strings"
)

// kind is what a token is to the parser.
type kind int

const (
	tEOF kind = iota
	tAnd
	tOr
	tNot
	tLParen
	tRParen
	tSlash
	tDir         // src, dst
	tAddrQual    // host, net, port, portrange
	tProtoName   // ether, ip, ip6, arp, tcp, …
	tProto       // proto (as in "ip proto 6")
	tMask        // mask (as in "net X mask Y")
	tVLAN        // vlan
	tLen         // less, greater
	tCast        // broadcast, multicast
	tUnsupported // a word of tcpdump's language this package does not compile
	tNum         // 53, 0x35, 065
	tIPv4        // 10.0.0.1, and short forms 10.1
	tIPv6        // 2001:db8::1
	tMAC         // 02:00:00:00:00:01 and the other spellings libpcap takes
	tName        // any other word: a host, network or port name
	tPunct       // an operator character of packet data access: [ ] = < > …
)

type token struct {
	kind kind
	text string // as written
	pos  int    // byte offset in the expression
	num  uint32 // tNum
}

// keywords maps tcpdump's reserved words to their kinds. Words libpcap
// reserves but this package does not compile are listed too, so that they
// are refused by name instead of being taken for host names.
var keywords = map[string]kind{
	"and": tAnd, "&&": tAnd, "or": tOr, "||": tOr, "not": tNot, "!": tNot,
	"src": tDir, "dst": tDir,
	"host": tAddrQual, "net": tAddrQual, "port": tAddrQual, "portrange": tAddrQual,
	"ether": tProtoName, "link": tProtoName,
	"ip": tProtoName, "ip6": tProtoName, "arp": tProtoName, "rarp": tProtoName,
	"tcp": tProtoName, "udp": tProtoName, "sctp": tProtoName,
	"icmp": tProtoName, "icmp6": tProtoName, "igmp": tProtoName, "igrp": tProtoName,
	"pim": tProtoName, "vrrp": tProtoName, "ah": tProtoName, "esp": tProtoName,
	"proto": tProto, "mask": tMask, "vlan": tVLAN,
	"less": tLen, "greater": tLen, "broadcast": tCast, "multicast": tCast,
}

func init() {
	for _, w := range strings.Fields(`gateway protochain fddi tr wlan ppp slip carp radio
		atalk aarp decnet lat sca moprc mopdl iso esis es-is isis is-is l1 l2 iih lsp snp csnp psnp
		clnp stp ipx netbeui type subtype dir direction address1 address2 address3 address4
		addr1 addr2 addr3 addr4 ra ta byte len length inbound outbound ifindex mpls pppoed pppoes
		geneve lane llc metac bcc oam oamf4 oamf4ec oamf4sc sc ilmic vpi vci connectmsg metaconnect
		on ifname rset ruleset rnr rulenum srnr subrulenum reason action fisu lssu lsu msu hfisu
		hlssu hmsu sio opc dpc sls hsio hopc hdpc hsls`) {
		keywords[w] = tUnsupported
	}
}

// lex splits an expression into tokens. It never fails: what it cannot
// classify becomes tName or tPunct, and the parser says what is wrong.
func lex(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '(' || c == ')' || c == '/':
			k := map[byte]kind{'(': tLParen, ')': tRParen, '/': tSlash}[c]
			toks = append(toks, token{kind: k, text: s[i : i+1], pos: i})
			i++
			continue
		case strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||"):
			toks = append(toks, token{kind: keywords[s[i:i+2]], text: s[i : i+2], pos: i})
			i += 2
			continue
		case c == '!' && !strings.HasPrefix(s[i:], "!="):
			toks = append(toks, token{kind: tNot, text: "!", pos: i})
			i++
			continue
		case c == '\\':
			// "\tcp": a reserved word used as a name ("ip proto \tcp").
			j := i + 1
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			toks = append(toks, token{kind: tName, text: s[i:j], pos: i})
			i = j
			continue
		case !isWordByte(c) || c == '-':
			// Packet data access and arithmetic ("tcp[13] & 2 != 0"),
			// which this package does not compile; two-character
			// operators stay one token so the error shows them whole.
			j := i + 1
			if j < len(s) && strings.ContainsRune("=<>&|", rune(s[j])) && strings.ContainsRune("!=<>", rune(c)) {
				j++
			}
			toks = append(toks, token{kind: tPunct, text: s[i:j], pos: i})
			i = j
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		toks = append(toks, classify(s[i:j], i))
		i = j
	}
	return append(toks, token{kind: tEOF, pos: len(s)})
}

// isWordByte says what may appear in a word: names, numbers, IPv4, IPv6
// and MAC addresses, and port ranges ("1-1023").
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == ':' || c == '-' || c == '_' || c >= 0x80
}

func classify(w string, pos int) token {
	t := token{kind: tName, text: w, pos: pos}
	if k, ok := keywords[w]; ok {
		t.kind = k
		return t
	}
	if isMAC(w) {
		t.kind = tMAC
		return t
	}
	if strings.Contains(w, ":") {
		if a, err := netip.ParseAddr(w); err == nil && a.Is6() && a.Zone() == "" {
			t.kind = tIPv6
		}
		return t
	}
	if n, ok := parseNum(w); ok {
		t.kind, t.num = tNum, n
		return t
	}
	if _, _, ok := parseDotted(w); ok {
		t.kind = tIPv4
	}
	return t
}

// parseNum reads a number as libpcap does: 0x… is hexadecimal, a leading 0
// octal, anything else decimal; it must fit in 32 bits.
func parseNum(w string) (uint32, bool) {
	if w == "" || w[0] < '0' || w[0] > '9' {
		return 0, false
	}
	base, digits := 10, w
	switch {
	case strings.HasPrefix(w, "0x") || strings.HasPrefix(w, "0X"):
		base, digits = 16, w[2:]
	case len(w) > 1 && w[0] == '0':
		base, digits = 8, w[1:]
	}
	n, err := strconv.ParseUint(digits, base, 32)
	return uint32(n), err == nil
}

// parseDotted reads an IPv4 address in one to four decimal parts, as
// libpcap does for "net 10" and "net 192.168.1": the value of the parts
// given, left-aligned, and how many bits they cover.
func parseDotted(w string) (addr uint32, bits int, ok bool) {
	parts := strings.Split(w, ".")
	if len(parts) > 4 {
		return 0, 0, false
	}
	for _, p := range parts {
		n, err := strconv.ParseUint(p, 10, 8)
		if err != nil {
			return 0, 0, false
		}
		addr = addr<<8 | uint32(n)
	}
	bits = 8 * len(parts)
	return addr << (32 - bits), bits, true
}

// isMAC accepts the spellings of libpcap's scanner: six groups of one or two
// hex digits separated by ':', '-' or '.', three groups of four separated
// by '.', or twelve hex digits.
func isMAC(w string) bool {
	for _, sep := range []string{":", "-", "."} {
		if parts := strings.Split(w, sep); len(parts) == 6 && allHex(parts, 1, 2) {
			return true
		}
	}
	if parts := strings.Split(w, "."); len(parts) == 3 && allHex(parts, 4, 4) {
		return true
	}
	return len(w) == 12 && allHex([]string{w}, 12, 12)
}

func allHex(parts []string, min, max int) bool {
	for _, p := range parts {
		if len(p) < min || len(p) > max {
			return false
		}
		for i := 0; i < len(p); i++ {
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(p[i])) {
				return false
			}
		}
	}
	return true
}

// parseMAC reads an address isMAC accepted.
func parseMAC(w string) [6]byte {
	var hex string
	switch {
	case len(w) == 12:
		hex = w
	case strings.Count(w, ".") == 2:
		hex = strings.ReplaceAll(w, ".", "")
	default:
		for _, p := range strings.FieldsFunc(w, func(r rune) bool { return r == ':' || r == '-' || r == '.' }) {
			if len(p) == 1 {
				p = "0" + p
			}
			hex += p
		}
	}
	var m [6]byte
	for i := range m {
		n, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		m[i] = byte(n)
	}
	return m
}

func mustParseIPv6(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		panic("pcapfilter: " + s + " was lexed as IPv6")
	}
	return a
}
