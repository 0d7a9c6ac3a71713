package pcapfilter

import (
	"fmt"
	"strconv"
	"strings"
)

// parser reads libpcap's grammar (grammar.y) by recursive descent and
// builds conditions through gen as it goes, in the order libpcap does,
// since "vlan" changes the offsets of everything after it.
type parser struct {
	src  string
	toks []token
	i    int
	g    *gen
}

// bailout carries an *Error up through the recursion.
type bailout struct{ err *Error }

func parse(expr string, g *gen) (c cond, err error) {
	p := &parser{src: expr, toks: lex(expr), g: g}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			c, err = nil, b.err
		}
	}()
	if p.peek().kind == tEOF {
		return constCond(true), nil
	}
	c, _ = p.expr(noQual)
	if t := p.peek(); t.kind != tEOF {
		p.fail(p.unexpected(t))
	}
	return c, nil
}

func (p *parser) peek() token        { return p.toks[p.i] }
func (p *parser) peekAt(n int) token { return p.toks[min(p.i+n, len(p.toks)-1)] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) fail(err error) {
	if e, ok := err.(*Error); ok {
		panic(bailout{e})
	}
	panic(bailout{&Error{Pos: len(p.src), Msg: err.Error()}})
}

func (p *parser) must(c cond, err error) cond {
	if err != nil {
		p.fail(err)
	}
	return c
}

func (p *parser) unexpected(t token) *Error {
	switch t.kind {
	case tEOF:
		return &Error{Pos: t.pos, Msg: "the expression ends too early"}
	case tUnsupported:
		return errAt(t, "%s is not supported", quote(t.text))
	case tPunct:
		return errAt(t, "%s is not supported (packet data and arithmetic, as in tcp[13] & 2 != 0)", quote(t.text))
	case tRParen:
		return errAt(t, "%s has no matching %s", quote(")"), quote("("))
	case tNum, tIPv4, tIPv6, tMAC, tName:
		return errAt(t, "%s needs a qualifier in front, such as host, net or port", quote(t.text))
	}
	return errAt(t, "unexpected %s", quote(t.text))
}

// expr: term { (and|or) (term | id) }. and and or have equal precedence
// and group from the left; a bare address after them inherits q, the
// qualifiers of what came before.
func (p *parser) expr(before qual) (cond, qual) {
	c, q := p.term(before)
	for {
		op := p.peek()
		if op.kind != tAnd && op.kind != tOr {
			return c, q
		}
		p.next()
		var r cond
		if p.startsID() {
			r, q = p.id(q)
		} else {
			r, q = p.term(q)
		}
		if op.kind == tAnd {
			c = and(c, r)
		} else {
			c = or(c, r)
		}
	}
}

// startsID says whether what follows is a bare address (perhaps negated or
// in parentheses) rather than a primitive.
func (p *parser) startsID() bool {
	for j := p.i; j < len(p.toks); j++ {
		switch p.toks[j].kind {
		case tNot, tLParen:
			continue
		case tNum, tIPv4, tIPv6, tMAC, tName:
			return true
		}
		return false
	}
	return false
}

// term: not term | ( expr ) | primitive. A parenthesised expression
// passes on the qualifiers from before it, as libpcap's grammar does
// ("port 80 or (tcp) or 443" is port 443 at the end).
func (p *parser) term(before qual) (cond, qual) {
	switch t := p.peek(); t.kind {
	case tNot:
		p.next()
		c, q := p.term(before)
		return not(c), q
	case tLParen:
		p.next()
		c, _ := p.expr(before)
		if p.peek().kind != tRParen {
			if p.peek().kind == tEOF {
				p.fail(errAt(t, "%s is not closed", quote("(")))
			}
			p.fail(p.unexpected(p.peek()))
		}
		p.next()
		return c, before
	}
	return p.primitive()
}

// primitive: [proto] [dir] [addr] id, or a protocol alone, or vlan, less,
// greater, broadcast, multicast.
func (p *parser) primitive() (cond, qual) {
	start := p.peek()
	q := qual{pos: start.pos}
	hasProto, hasDir, hasAddr := false, false, false
	if t := p.peek(); t.kind == tProtoName {
		p.next()
		q.proto, q.protoText, hasProto = protoQuals[t.text], t.text, true
	}
	if t := p.peek(); t.kind == tDir {
		p.next()
		q.dir, hasDir = dSrc, true
		if t.text == "dst" {
			q.dir = dDst
		}
		if a, b := p.peek(), p.peekAt(1); (a.kind == tOr || a.kind == tAnd) && b.kind == tDir && b.text != t.text {
			p.next()
			p.next()
			q.dir = dOr
			if a.kind == tAnd {
				q.dir = dAnd
			}
		}
	}
	if t := p.peek(); t.kind == tAddrQual {
		p.next()
		q.addr, hasAddr = addrQuals[t.text], true
	}
	q.text = p.since(start)
	if hasDir || hasAddr {
		return p.id(q)
	}
	t := p.peek()
	switch {
	case hasProto && t.kind == tProto:
		p.next()
		q.addr = aProto
		q.text = p.since(start)
		if q.proto != pDefault && q.proto != pIP && q.proto != pIP6 {
			p.fail(&Error{Pos: start.pos, Word: q.text, Msg: fmt.Sprintf("%s is not supported", quote(q.text))})
		}
		return p.id(q)
	case t.kind == tCast:
		p.next()
		return p.must(p.g.cast(t.text == "broadcast", q, t)), noQual
	case hasProto && t.kind == tUnsupported:
		p.next()
		w := p.since(start)
		p.fail(&Error{Pos: start.pos, Word: w, Msg: fmt.Sprintf("%s is not supported", quote(w))})
	case hasProto:
		return p.must(p.g.protoAbbrev(start)), noQual
	case t.kind == tProto:
		p.next()
		q.addr, q.text = aProto, t.text
		return p.id(q)
	case t.kind == tVLAN:
		p.next()
		if n := p.peek(); n.kind == tNum {
			p.next()
			return p.must(p.g.vlan(t, n.num, true, n)), noQual
		}
		return p.must(p.g.vlan(t, 0, false, t)), noQual
	case t.kind == tLen:
		p.next()
		n := p.next()
		if n.kind != tNum {
			p.fail(errAt(n, "%s needs a length in bytes after it", quote(t.text)))
		}
		return length(t.text == "less", n.num), noQual
	}
	p.fail(p.unexpected(t))
	return nil, noQual
}

// since is the expression as written from token start to the last one read.
func (p *parser) since(start token) string {
	if p.i == 0 {
		return ""
	}
	last := p.toks[p.i-1]
	if last.pos < start.pos {
		return ""
	}
	return p.src[start.pos : last.pos+len(last.text)]
}

// id: an address, number or name under qualifiers q; not id; or
// ( id { (and|or) id } ), each inheriting q ("host (10.0.0.1 or 10.0.0.2)").
func (p *parser) id(q qual) (cond, qual) {
	t := p.next()
	switch t.kind {
	case tNot:
		c, q2 := p.id(q)
		return not(c), q2
	case tLParen:
		c, _ := p.id(q)
		for op := p.peek(); op.kind == tAnd || op.kind == tOr; op = p.peek() {
			p.next()
			r, _ := p.id(q)
			if op.kind == tAnd {
				c = and(c, r)
			} else {
				c = or(c, r)
			}
		}
		switch p.peek().kind {
		case tRParen:
			p.next()
		case tEOF:
			p.fail(errAt(t, "%s is not closed", quote("(")))
		default:
			p.fail(p.unexpected(p.peek()))
		}
		return c, q
	case tNum:
		return p.number(t, q), q
	case tIPv4:
		return p.ipv4(t, q), q
	case tIPv6:
		return p.ipv6(t, q), q
	case tMAC:
		if q.proto != pLink || (q.addr != aDefault && q.addr != aHost) {
			p.fail(errAt(t, "the Ethernet address %s needs %s, %s or %s in front", quote(t.text), quote("ether host"), quote("ether src"), quote("ether dst")))
		}
		return p.must(p.g.ether(parseMAC(t.text), q.dir, t)), q
	case tName:
		return p.name(t, q), q
	}
	p.fail(p.unexpected(t))
	return nil, q
}

// number is a bare number: a host (0.0.0.N) or a network ("net 10" is
// 10.0.0.0/8), a port, a protocol.
func (p *parser) number(t token, q qual) cond {
	v := t.num
	switch q.addr {
	case aDefault, aHost, aNet:
		if q.proto == pLink {
			p.fail(errAt(t, "%s needs an Ethernet address, not %s", quote(q.text), quote(t.text)))
		}
		mask := uint32(0xffffffff)
		if q.addr == aNet {
			for v != 0 && v&0xff000000 == 0 {
				v <<= 8
				mask <<= 8
			}
		}
		return p.must(p.g.host4(v, mask, q, t))
	case aPort, aPortRange:
		if v > 65535 {
			p.fail(errAt(t, "port %s is out of range (0-65535)", t.text))
		}
		return p.must(p.g.port(v, v, q))
	case aProto:
		return p.must(p.g.proto(v, q, t))
	}
	p.fail(p.unexpected(t))
	return nil
}

// ipv4 is a dotted address, a CIDR network or "X mask Y".
func (p *parser) ipv4(t token, q qual) cond {
	addr, bits, _ := parseDotted(t.text)
	mask := ^uint32(0) << (32 - bits)
	word := t.text
	switch p.peek().kind {
	case tSlash:
		var n uint32
		n, word = p.prefixLen(t, 32)
		mask = 0
		if n > 0 {
			mask = ^uint32(0) << (32 - n)
		}
		if addr&^mask != 0 {
			p.fail(&Error{Pos: t.pos, Word: word, Msg: fmt.Sprintf("%s has bits set beyond its prefix length", quote(word))})
		}
		p.requireNet(t, word, q)
	case tMask:
		p.next()
		m := p.next()
		mv, _, ok := parseDotted(m.text)
		if m.kind != tIPv4 || !ok {
			p.fail(errAt(m, "%s needs a dotted mask such as 255.255.255.0 after it", quote("mask")))
		}
		mask, word = mv, p.src[t.pos:m.pos+len(m.text)]
		if addr&^mask != 0 {
			p.fail(&Error{Pos: t.pos, Word: word, Msg: fmt.Sprintf("%s has bits set beyond its mask", quote(word))})
		}
		p.requireNet(t, word, q)
	}
	p.requireAddress(t, word, q)
	return p.must(p.g.host4(addr, mask, q, t))
}

// ipv6 is an IPv6 address or prefix.
func (p *parser) ipv6(t token, q qual) cond {
	addr := mustParseIPv6(t.text)
	bits, word := 128, t.text
	switch p.peek().kind {
	case tSlash:
		var n uint32
		n, word = p.prefixLen(t, 128)
		bits = int(n)
		if pfx, _ := addr.Prefix(bits); pfx.Addr() != addr {
			p.fail(&Error{Pos: t.pos, Word: word, Msg: fmt.Sprintf("%s has bits set beyond its prefix length", quote(word))})
		}
		p.requireNet(t, word, q)
	case tMask:
		p.fail(errAt(p.peek(), "an IPv6 network takes a prefix length (%s), not a mask", quote(t.text+"/64")))
	}
	p.requireAddress(t, word, q)
	return p.must(p.g.host6(addr, bits, q, t))
}

// prefixLen reads "/N" after address t, at most max; word is the whole
// network as written.
func (p *parser) prefixLen(t token, max uint32) (n uint32, word string) {
	p.next()
	nt := p.next()
	if nt.kind != tNum {
		p.fail(errAt(nt, "%s needs a prefix length after %s", quote(t.text), quote("/")))
	}
	if nt.num > max {
		p.fail(errAt(nt, "prefix length %d is more than %d", nt.num, max))
	}
	return nt.num, p.src[t.pos : nt.pos+len(nt.text)]
}

func (p *parser) requireNet(t token, word string, q qual) {
	if q.addr != aNet {
		p.fail(errAt(t, "%s is a network: write %s", quote(word), quote("net "+word)))
	}
}

// requireAddress refuses an address where a number belongs ("port
// 10.0.0.1") or where no qualifier says what it is.
func (p *parser) requireAddress(t token, word string, q qual) {
	switch q.addr {
	case aPort, aPortRange, aProto:
		p.fail(errAt(t, "%s needs a number, not the address %s", quote(q.text), quote(word)))
	case aNone:
		p.fail(p.unexpected(t))
	}
}

// name is a word that is not an address: a port range, a protocol after a
// backslash, or a name libpcap would look up (hosts, networks, ports),
// which a compiler without I/O cannot.
func (p *parser) name(t token, q qual) cond {
	switch q.addr {
	case aPortRange:
		lo, hi, ok := portRange(t.text)
		if !ok {
			p.fail(errAt(t, "%s is not a port range such as 1024-65535 (port names are not looked up)", quote(t.text)))
		}
		if lo > 65535 || hi > 65535 {
			p.fail(errAt(t, "port range %s is out of range (0-65535)", quote(t.text)))
		}
		return p.must(p.g.port(lo, hi, q))
	case aPort:
		p.fail(errAt(t, "%s is not a port number (port names are not looked up)", quote(t.text)))
	case aProto:
		v, ok := protoNames[strings.TrimPrefix(t.text, `\`)]
		if !ok {
			p.fail(errAt(t, "unknown protocol %s", quote(t.text)))
		}
		return p.must(p.g.proto(v, q, t))
	case aNone:
		p.fail(p.unexpected(t))
	}
	what := "an address"
	if q.addr == aNet {
		what = "a network such as 10.0.0.0/8"
	}
	p.fail(errAt(t, "%s is not %s (names are not looked up)", quote(t.text), what))
	return nil
}

// portRange reads "lo-hi".
func portRange(s string) (lo, hi uint32, ok bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	x, err1 := strconv.ParseUint(a, 10, 32)
	y, err2 := strconv.ParseUint(b, 10, 32)
	return uint32(x), uint32(y), err1 == nil && err2 == nil
}
