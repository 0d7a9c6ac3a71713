package nsops

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/nftables/expr"
	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// nftScope is what a rule's expressions refer to outside themselves.
type nftScope struct {
	// family is the table's family, as nft names it (ip, ip6, inet, …).
	family string
	// sets are the sets of the rule's table, by name.
	sets map[string]*nftSet
	// ifname names an interface index (iif, oif); false when unknown.
	ifname func(index uint32) (string, bool)
}

// field is what a register holds, as far as matching goes.
type field int

const (
	fOther field = iota // loaded, but nothing a trace can evaluate
	fImmediate
	fSaddr
	fDaddr
	fL4proto
	fNfproto
	fEthProto
	fSport
	fDport
	fICMPType
	fIifname
	fOifname
	fIif
	fOif
	fMark
	fCtState
)

// selector is the content of a register: what was loaded into it and how
// nft names it.
type selector struct {
	field field
	name  string
	// size is how many bytes were loaded.
	size int
	// family of an address (AF_INET, AF_INET6); icmp6 for ICMP types.
	family int
	icmp6  bool
	// mask is a bitwise AND applied after the load; bad says the value
	// was changed some other way (xor, byte order), so nothing compares
	// cleanly.
	mask []byte
	bad  bool
	// data of an immediate.
	data []byte
	// l3 and l4 say which dependency word the selector implies, so that
	// it can be left out of the text as nft leaves it out.
	hidesL3, hidesL4 bool
}

// word is a piece of a rule's text; dep marks a dependency that a later
// match implied and nft does not print.
type word struct {
	text string
	dep  bool
}

// nftDecoder walks one rule's expressions in order, as the kernel runs
// them.
type nftDecoder struct {
	scope *nftScope
	regs  map[uint32]*selector
	// l3 is the address family packets reaching this point have: from the
	// table's family or a match on it; 0 when not known.
	l3    int
	l3Dep int
	// l4 is the transport protocol, once a match settled it.
	l4      uint8
	l4Known bool
	l4Dep   int
	words   []word
	r       model.FwRule
	// last remembers the previous port comparison, so that ">= a" and
	// "<= b" on one register print as nft prints them: "a-b".
	last struct {
		reg  uint32
		word int
		gte  uint16
		ok   bool
	}
}

// decodeNftRule turns a rule's expressions into what it matches and does,
// and writes it as nft list ruleset does.
func decodeNftRule(scope *nftScope, m *nftRuleMsg) model.FwRule {
	d := &nftDecoder{scope: scope, regs: map[uint32]*selector{}, l3Dep: -1, l4Dep: -1}
	switch scope.family {
	case "ip":
		d.l3 = model.AF_INET
	case "ip6":
		d.l3 = model.AF_INET6
	}
	d.r.Handle = m.handle
	d.r.Comment = m.comment
	for i := range m.exprs {
		d.expr(&m.exprs[i])
	}
	var text []string
	for _, w := range d.words {
		if !w.dep && w.text != "" {
			text = append(text, w.text)
		}
	}
	if m.comment != "" {
		text = append(text, `comment "`+m.comment+`"`)
	}
	d.r.Text = strings.Join(text, " ")
	return d.r
}

func (d *nftDecoder) say(format string, args ...any) int {
	d.words = append(d.words, word{text: fmt.Sprintf(format, args...)})
	return len(d.words) - 1
}

func (d *nftDecoder) unsure(what string) {
	for _, u := range d.r.Unsure {
		if u == what {
			return
		}
	}
	d.r.Unsure = append(d.r.Unsure, what)
}

// opaque records an expression the decoder does not follow: its kind is
// shown, and since it may have written registers, nothing loaded before
// it is trusted afterwards.
func (d *nftDecoder) opaque(kind string) {
	d.say("%s", kind)
	d.unsure(kind)
	clear(d.regs)
}

func (d *nftDecoder) expr(x *nftExpr) {
	switch e := x.e.(type) {
	case nil:
		d.opaque(x.name)
	case *expr.Meta:
		d.meta(e)
	case *expr.Payload:
		if e.OperationType == expr.PayloadWrite {
			d.say("@%s,%d,%d set %s", baseName(e.Base), e.Offset*8, e.Len*8, d.regText(e.SourceRegister))
			d.unsure("payload set")
			return
		}
		d.regs[e.DestRegister] = d.payload(e)
	case *expr.Ct:
		d.ct(e)
	case *expr.Bitwise:
		src := d.regs[e.SourceRegister]
		if src == nil {
			d.regs[e.DestRegister] = &selector{name: "?", bad: true}
			return
		}
		s := *src
		s.mask = e.Mask
		for _, b := range e.Xor {
			if b != 0 {
				s.bad = true
			}
		}
		d.regs[e.DestRegister] = &s
	case *expr.Byteorder:
		s := selector{name: "?", bad: true}
		if src := d.regs[e.SourceRegister]; src != nil {
			s = *src
			s.bad = true
		}
		d.regs[e.DestRegister] = &s
	case *expr.Immediate:
		d.regs[e.Register] = &selector{field: fImmediate, data: e.Data, name: "0x" + fmt.Sprintf("%x", e.Data)}
	case *expr.Cmp:
		d.cmp(e)
	case *expr.Range:
		d.rangeCmp(e)
	case *expr.Lookup:
		d.lookup(e)
	case *expr.Counter:
		d.r.Counters = &model.FwCounters{Packets: e.Packets, Bytes: e.Bytes}
		d.say("counter packets %d bytes %d", e.Packets, e.Bytes)
	case *expr.Verdict:
		d.verdict(e)
	case *expr.NAT:
		d.nat(e)
	case *expr.Masq:
		d.masq(e)
	case *expr.Redir:
		d.redir(e)
	case *expr.Reject:
		d.reject(e)
	case *expr.Log:
		d.log(e)
	case *expr.Limit:
		d.limit(e)
	case *expr.Quota:
		over := ""
		if e.Over {
			over = "over "
		}
		d.say("quota %s%d bytes", over, e.Bytes)
		d.unsure("quota")
	case *expr.Connlimit:
		over := ""
		if e.Flags&expr.NFT_CONNLIMIT_F_INV != 0 {
			over = "over "
		}
		d.say("ct count %s%d", over, e.Count)
		d.unsure("ct count")
	case *expr.Queue:
		d.say("queue num %d", e.Num)
		d.r.Verdict = model.FwVerdict{Kind: model.FwQueue}
	case *expr.Notrack:
		d.say("notrack")
		d.unsure("notrack")
	case *expr.Objref:
		d.objref(e)
	case *expr.Dynset:
		d.dynset(e)
	case *expr.Match:
		d.xtMatch(e)
	case *expr.Target:
		d.xtTarget(e)
	case *expr.Exthdr:
		if e.SourceRegister != 0 {
			d.say("exthdr set %s", d.regText(e.SourceRegister))
			d.unsure("exthdr set")
			return
		}
		d.regs[e.DestRegister] = &selector{name: "exthdr"}
	case *expr.Fib:
		d.regs[e.Register] = &selector{name: "fib"}
	case *expr.Rt:
		d.regs[e.Register] = &selector{name: "rt"}
	case *expr.Hash:
		d.regs[e.DestRegister] = &selector{name: "jhash"}
	case *expr.Numgen:
		d.regs[e.Register] = &selector{name: "numgen"}
	case *expr.Dup:
		d.say("dup")
		d.unsure("dup")
	default:
		d.opaque(x.name)
	}
}

func baseName(b expr.PayloadBase) string {
	switch b {
	case expr.PayloadBaseLLHeader:
		return "ll"
	case expr.PayloadBaseNetworkHeader:
		return "nh"
	case expr.PayloadBaseTransportHeader:
		return "th"
	}
	return "ih"
}

// regText is what a register holds, for statements that write it
// somewhere ("meta mark set 0x1").
func (d *nftDecoder) regText(r uint32) string {
	s := d.regs[r]
	switch {
	case s == nil:
		return "?"
	case s.field == fImmediate && len(s.data) == 4:
		return fmt.Sprintf("0x%08x", binary.NativeEndian.Uint32(s.data))
	}
	return s.name
}

var metaNames = map[expr.MetaKey]string{
	expr.MetaKeyLEN: "meta length", expr.MetaKeyPROTOCOL: "meta protocol", expr.MetaKeyPRIORITY: "meta priority",
	expr.MetaKeyMARK: "meta mark", expr.MetaKeyIIF: "iif", expr.MetaKeyOIF: "oif", expr.MetaKeyIIFNAME: "iifname",
	expr.MetaKeyOIFNAME: "oifname", expr.MetaKeyIIFTYPE: "iiftype", expr.MetaKeyOIFTYPE: "oiftype",
	expr.MetaKeySKUID: "meta skuid", expr.MetaKeySKGID: "meta skgid", expr.MetaKeyNFTRACE: "meta nftrace",
	expr.MetaKeyRTCLASSID: "meta rtclassid", expr.MetaKeySECMARK: "meta secmark", expr.MetaKeyNFPROTO: "meta nfproto",
	expr.MetaKeyL4PROTO: "meta l4proto", expr.MetaKeyBRIIIFNAME: "meta ibrname", expr.MetaKeyBRIOIFNAME: "meta obrname",
	expr.MetaKeyPKTTYPE: "meta pkttype", expr.MetaKeyCPU: "meta cpu", expr.MetaKeyIIFGROUP: "iifgroup",
	expr.MetaKeyOIFGROUP: "oifgroup", expr.MetaKeyCGROUP: "meta cgroup", expr.MetaKeyPRANDOM: "meta random",
}

func metaName(k expr.MetaKey) string {
	if n, ok := metaNames[k]; ok {
		return n
	}
	return "meta " + strconv.Itoa(int(k))
}

func (d *nftDecoder) meta(e *expr.Meta) {
	name := metaName(e.Key)
	if e.SourceRegister {
		d.say("%s set %s", name, d.regText(e.Register))
		d.unsure(name + " set")
		return
	}
	s := &selector{name: name}
	switch e.Key {
	case expr.MetaKeyL4PROTO:
		s.field, s.size = fL4proto, 1
	case expr.MetaKeyNFPROTO:
		s.field, s.size = fNfproto, 1
	case expr.MetaKeyPROTOCOL:
		s.field, s.size = fEthProto, 2
	case expr.MetaKeyIIFNAME:
		s.field, s.size = fIifname, 16
	case expr.MetaKeyOIFNAME:
		s.field, s.size = fOifname, 16
	case expr.MetaKeyIIF:
		s.field, s.size = fIif, 4
	case expr.MetaKeyOIF:
		s.field, s.size = fOif, 4
	case expr.MetaKeyMARK:
		s.field, s.size = fMark, 4
	}
	d.regs[e.Register] = s
}

var ctNames = map[expr.CtKey]string{
	expr.CtKeySTATE: "ct state", expr.CtKeyDIRECTION: "ct direction", expr.CtKeySTATUS: "ct status",
	expr.CtKeyMARK: "ct mark", expr.CtKeyEXPIRATION: "ct expiration", expr.CtKeyHELPER: "ct helper",
	expr.CtKeyL3PROTOCOL: "ct l3proto", expr.CtKeySRC: "ct saddr", expr.CtKeyDST: "ct daddr",
	expr.CtKeyPROTOCOL: "ct protocol", expr.CtKeyPROTOSRC: "ct proto-src", expr.CtKeyPROTODST: "ct proto-dst",
	expr.CtKeyLABELS: "ct label", expr.CtKeyPKTS: "ct packets", expr.CtKeyBYTES: "ct bytes",
	expr.CtKeyZONE: "ct zone",
}

func (d *nftDecoder) ct(e *expr.Ct) {
	name, ok := ctNames[e.Key]
	if !ok {
		name = "ct " + strconv.Itoa(int(e.Key))
	}
	if e.SourceRegister {
		d.say("%s set %s", name, d.regText(e.Register))
		d.unsure(name + " set")
		return
	}
	s := &selector{name: name}
	if e.Key == expr.CtKeySTATE {
		s.field, s.size = fCtState, 4
	}
	d.regs[e.Register] = s
}

// payload names a load from a packet header, in the context of what the
// rule established so far (which family, which transport protocol).
func (d *nftDecoder) payload(e *expr.Payload) *selector {
	raw := &selector{name: fmt.Sprintf("@%s,%d,%d", baseName(e.Base), e.Offset*8, e.Len*8), size: int(e.Len)}
	switch e.Base {
	case expr.PayloadBaseNetworkHeader:
		return d.networkField(e, raw)
	case expr.PayloadBaseTransportHeader:
		return d.transportField(e, raw)
	}
	return raw
}

func (d *nftDecoder) networkField(e *expr.Payload, raw *selector) *selector {
	off, n := int(e.Offset), int(e.Len)
	switch d.l3 {
	case model.AF_INET:
		switch {
		case off == 12 && n <= 4:
			return &selector{field: fSaddr, name: "ip saddr", size: n, family: model.AF_INET, hidesL3: true}
		case off == 16 && n <= 4:
			return &selector{field: fDaddr, name: "ip daddr", size: n, family: model.AF_INET, hidesL3: true}
		case off == 9 && n == 1:
			return &selector{field: fL4proto, name: "ip protocol", size: 1, hidesL3: true}
		}
	case model.AF_INET6:
		switch {
		case off == 8 && n <= 16:
			return &selector{field: fSaddr, name: "ip6 saddr", size: n, family: model.AF_INET6, hidesL3: true}
		case off == 24 && n <= 16:
			return &selector{field: fDaddr, name: "ip6 daddr", size: n, family: model.AF_INET6, hidesL3: true}
		case off == 6 && n == 1:
			return &selector{field: fL4proto, name: "ip6 nexthdr", size: 1, hidesL3: true}
		}
	}
	return raw
}

func (d *nftDecoder) transportField(e *expr.Payload, raw *selector) *selector {
	off, n := int(e.Offset), int(e.Len)
	proto := "th"
	if d.l4Known {
		proto = model.ProtoName(d.l4)
	}
	switch {
	case d.l4Known && (d.l4 == 1 || d.l4 == 58) && off == 0 && n == 1:
		name := "icmp type"
		if d.l4 == 58 {
			name = "icmpv6 type"
		}
		return &selector{field: fICMPType, name: name, size: 1, icmp6: d.l4 == 58, hidesL3: true, hidesL4: true}
	case (!d.l4Known || portProto(d.l4)) && off == 0 && n == 2:
		return &selector{field: fSport, name: proto + " sport", size: 2, hidesL4: d.l4Known}
	case (!d.l4Known || portProto(d.l4)) && off == 2 && n == 2:
		return &selector{field: fDport, name: proto + " dport", size: 2, hidesL4: d.l4Known}
	case d.l4Known && d.l4 == 6 && off == 13 && n == 1:
		return &selector{name: "tcp flags", size: 1, hidesL4: true}
	}
	return raw
}

func portProto(p uint8) bool {
	switch p {
	case 6, 17, 33, 132, 136:
		return true
	}
	return false
}

// use hides the dependencies a selector implies, as nft does when it
// prints "tcp dport 22" rather than "meta l4proto tcp tcp dport 22".
func (d *nftDecoder) use(s *selector) {
	if s.hidesL3 && d.l3Dep >= 0 {
		d.words[d.l3Dep].dep = true
	}
	if s.hidesL4 && d.l4Dep >= 0 {
		d.words[d.l4Dep].dep = true
	}
}

var cmpOps = map[expr.CmpOp]string{
	expr.CmpOpEq: "", expr.CmpOpNeq: "!= ", expr.CmpOpLt: "< ", expr.CmpOpLte: "<= ",
	expr.CmpOpGt: "> ", expr.CmpOpGte: ">= ",
}

func (d *nftDecoder) cmp(e *expr.Cmp) {
	s := d.regs[e.Register]
	if s == nil {
		d.say("? %s0x%x", cmpOps[e.Op], e.Data)
		d.unsure("comparison of an unknown value")
		return
	}
	not := e.Op == expr.CmpOpNeq
	if s.bad {
		d.say("%s %s0x%x", s.name, cmpOps[e.Op], e.Data)
		d.unsure(s.name)
		return
	}
	if s.field == fCtState {
		d.ctState(s, e)
		return
	}
	if s.mask != nil && s.field != fSaddr && s.field != fDaddr && s.field != fMark {
		d.say("%s & 0x%x %s0x%x", s.name, s.mask, opOrEq(e.Op), e.Data)
		d.unsure(s.name)
		d.use(s)
		return
	}
	if e.Op != expr.CmpOpEq && e.Op != expr.CmpOpNeq {
		if s.field == fSport || s.field == fDport {
			d.portBound(s, e)
			return
		}
		d.say("%s %s%s", s.name, cmpOps[e.Op], d.valueText(s, e.Data))
		d.unsure(s.name + " " + strings.TrimSpace(cmpOps[e.Op]))
		return
	}
	m, ok := d.matchOf(s, [][2][]byte{{e.Data, e.Data}})
	text := d.valueText(s, e.Data)
	if s.field == fMark && s.mask != nil {
		text = fmt.Sprintf("& 0x%08x == %s", binary.NativeEndian.Uint32(pad4(s.mask)), text)
		if not {
			text = strings.Replace(text, "==", "!=", 1)
		}
	} else if not {
		text = "!= " + text
	}
	at := d.say("%s %s", s.name, text)
	if !ok {
		d.unsure(s.name)
		return
	}
	m.Not = not
	d.r.Matches = append(d.r.Matches, m)
	d.use(s)
	if not {
		return
	}
	switch m.Kind {
	case model.FwNfproto:
		d.l3, d.l3Dep = m.Family, at
	case model.FwL4proto:
		d.l4, d.l4Known, d.l4Dep = m.Protos[0], true, at
	}
}

func opOrEq(op expr.CmpOp) string {
	if op == expr.CmpOpEq {
		return "== "
	}
	return cmpOps[op]
}

func pad4(b []byte) []byte {
	if len(b) >= 4 {
		return b[:4]
	}
	return append(append([]byte{}, b...), make([]byte, 4-len(b))...)
}

// ctState reads the forms nft gives "ct state established,related": the
// state masked, compared with zero.
func (d *nftDecoder) ctState(s *selector, e *expr.Cmp) {
	var states uint32
	not := false
	zero := binary.NativeEndian.Uint32(pad4(e.Data)) == 0
	switch {
	case s.mask != nil && zero && e.Op == expr.CmpOpNeq:
		states = binary.NativeEndian.Uint32(pad4(s.mask))
	case s.mask != nil && zero && e.Op == expr.CmpOpEq:
		states, not = binary.NativeEndian.Uint32(pad4(s.mask)), true
	case s.mask == nil && (e.Op == expr.CmpOpEq || e.Op == expr.CmpOpNeq):
		states, not = binary.NativeEndian.Uint32(pad4(e.Data)), e.Op == expr.CmpOpNeq
	default:
		d.say("ct state %s0x%x", cmpOps[e.Op], e.Data)
		d.unsure("ct state")
		return
	}
	st := model.FwCtStates(states)
	text := st.String()
	if not {
		text = "!= " + text
	}
	d.say("ct state %s", text)
	d.r.Matches = append(d.r.Matches, model.FwMatch{Kind: model.FwCtState, CtStates: st, Not: not})
}

// portBound reads "tcp dport >= 1000" and joins it with a following
// "<= 2000" into "tcp dport 1000-2000", as nft prints the pair.
func (d *nftDecoder) portBound(s *selector, e *expr.Cmp) {
	if len(e.Data) < 2 {
		d.say("%s %s0x%x", s.name, cmpOps[e.Op], e.Data)
		d.unsure(s.name)
		return
	}
	v := binary.BigEndian.Uint16(e.Data)
	r := model.FwPortRange{First: 0, Last: 65535}
	switch e.Op {
	case expr.CmpOpLt:
		if v == 0 {
			d.say("%s < 0", s.name)
			d.unsure(s.name)
			return
		}
		r.Last = v - 1
	case expr.CmpOpLte:
		r.Last = v
	case expr.CmpOpGt:
		if v == 65535 {
			d.say("%s > 65535", s.name)
			d.unsure(s.name)
			return
		}
		r.First = v + 1
	case expr.CmpOpGte:
		r.First = v
	}
	kind := model.FwSport
	if s.field == fDport {
		kind = model.FwDport
	}
	d.use(s)
	if e.Op == expr.CmpOpLte && d.last.ok && d.last.word == len(d.words)-1 && d.last.reg == e.Register {
		// The pair is one range: one match, one word.
		r.First = d.last.gte
		d.r.Matches[len(d.r.Matches)-1] = model.FwMatch{Kind: kind, Ports: []model.FwPortRange{r}}
		d.words[d.last.word].text = fmt.Sprintf("%s %s", s.name, r)
		d.last.ok = false
		return
	}
	d.r.Matches = append(d.r.Matches, model.FwMatch{Kind: kind, Ports: []model.FwPortRange{r}})
	at := d.say("%s %s%d", s.name, cmpOps[e.Op], v)
	d.last.ok = e.Op == expr.CmpOpGte
	d.last.reg, d.last.word, d.last.gte = e.Register, at, v
}

func (d *nftDecoder) rangeCmp(e *expr.Range) {
	s := d.regs[e.Register]
	if s == nil || s.bad || (s.mask != nil && s.field != fSaddr && s.field != fDaddr) {
		d.say("? 0x%x-0x%x", e.FromData, e.ToData)
		d.unsure("range")
		return
	}
	not := e.Op == expr.CmpOpNeq
	text := d.valueText(s, e.FromData) + "-" + d.valueText(s, e.ToData)
	if s.field == fSaddr || s.field == fDaddr {
		text = d.addrText(s, e.FromData) + "-" + d.addrText(s, e.ToData)
	}
	if not {
		text = "!= " + text
	}
	d.say("%s %s", s.name, text)
	m, ok := d.matchOf(s, [][2][]byte{{e.FromData, e.ToData}})
	if !ok || (e.Op != expr.CmpOpEq && e.Op != expr.CmpOpNeq) {
		d.unsure(s.name)
		return
	}
	m.Not = not
	d.r.Matches = append(d.r.Matches, m)
	d.use(s)
}

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

func (d *nftDecoder) lookup(e *expr.Lookup) {
	s := d.regs[e.SourceRegister]
	if s == nil {
		s = &selector{name: "?", bad: true}
	}
	set := d.scope.sets[e.SetName]
	ref := "@" + e.SetName
	if set != nil && set.anonymous && set.err == nil && !s.bad {
		ref = set.text(s.size, func(lo, hi []byte) string { return d.rangeText(s, lo, hi) })
	}
	if e.IsDestRegSet {
		if e.DestRegister == unix.NFT_REG_VERDICT {
			d.say("%s vmap %s", s.name, ref)
			d.unsure("vmap")
		} else {
			d.regs[e.DestRegister] = &selector{name: s.name + " map " + ref, bad: true}
		}
		return
	}
	not := ""
	if e.Invert {
		not = "!= "
	}
	d.say("%s %s%s", s.name, not, ref)
	if set == nil || set.err != nil || s.bad {
		d.unsure(s.name + " " + ref)
		return
	}
	ranges, ok := set.ranges(s.size)
	if !ok {
		d.unsure(s.name + " " + ref)
		return
	}
	m, ok := d.matchOf(s, ranges)
	if !ok {
		d.unsure(s.name + " " + ref)
		return
	}
	m.Not = e.Invert
	d.r.Matches = append(d.r.Matches, m)
	d.use(s)
}

func (d *nftDecoder) verdict(e *expr.Verdict) {
	switch e.Kind {
	case expr.VerdictAccept:
		d.r.Verdict.Kind = model.FwAccept
		d.say("accept")
	case expr.VerdictDrop:
		d.r.Verdict.Kind = model.FwDrop
		d.say("drop")
	case expr.VerdictReturn:
		d.r.Verdict.Kind = model.FwReturn
		d.say("return")
	case expr.VerdictJump:
		d.r.Verdict = model.FwVerdict{Kind: model.FwJump, Chain: e.Chain}
		d.say("jump %s", e.Chain)
	case expr.VerdictGoto:
		d.r.Verdict = model.FwVerdict{Kind: model.FwGoto, Chain: e.Chain}
		d.say("goto %s", e.Chain)
	case expr.VerdictContinue:
		d.say("continue")
	case expr.VerdictQueue:
		d.r.Verdict.Kind = model.FwQueue
		d.say("queue")
	default:
		d.say("verdict %d", e.Kind)
		d.unsure("verdict " + strconv.Itoa(int(e.Kind)))
	}
}

// immediate is the data a register got from an immediate, or nil.
func (d *nftDecoder) immediate(r uint32) []byte {
	if s := d.regs[r]; s != nil && s.field == fImmediate {
		return s.data
	}
	return nil
}

func (d *nftDecoder) natFamilyWord(family uint32) string {
	if d.scope.family != "inet" {
		return ""
	}
	if family == unix.NFPROTO_IPV6 {
		return " ip6"
	}
	return " ip"
}

func (d *nftDecoder) nat(e *expr.NAT) {
	n := &model.FwNAT{Kind: model.NATSnat}
	if e.Type == expr.NATTypeDestNAT {
		n.Kind = model.NATDnat
	}
	ok := true
	if e.RegAddrMin != 0 {
		n.Addr, ok = natAddr(d.immediate(e.RegAddrMin))
		n.AddrLast = n.Addr
		if e.RegAddrMax != 0 && e.RegAddrMax != e.RegAddrMin {
			var ok2 bool
			n.AddrLast, ok2 = natAddr(d.immediate(e.RegAddrMax))
			ok = ok && ok2
		}
	}
	if e.RegProtoMin != 0 {
		var ok2 bool
		n.Port, ok2 = natPort(d.immediate(e.RegProtoMin))
		n.PortLast = n.Port
		ok = ok && ok2
		if e.RegProtoMax != 0 && e.RegProtoMax != e.RegProtoMin {
			n.PortLast, ok2 = natPort(d.immediate(e.RegProtoMax))
			ok = ok && ok2
		}
	}
	n.Flags = natFlags(e.Random, e.FullyRandom, e.Persistent)
	prefix := ""
	if e.Prefix {
		prefix = " prefix"
		d.unsure(n.Kind + " prefix")
	}
	to := n.To()
	if !ok {
		to = "(from a map)"
		d.unsure(n.Kind + " from a map")
	}
	d.say("%s%s%s to %s%s", n.Kind, d.natFamilyWord(e.Family), prefix, to, flagsText(n.Flags))
	d.r.NAT = n
	d.r.Verdict.Kind = model.FwAccept
}

func natAddr(b []byte) (netip.Addr, bool) {
	if len(b) != 4 && len(b) != 16 {
		return netip.Addr{}, false
	}
	return netip.AddrFromSlice(b)
}

func natPort(b []byte) (uint16, bool) {
	if len(b) < 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(b), true
}

func natFlags(random, fully, persistent bool) []string {
	var f []string
	if random {
		f = append(f, "random")
	}
	if fully {
		f = append(f, "fully-random")
	}
	if persistent {
		f = append(f, "persistent")
	}
	return f
}

func flagsText(flags []string) string {
	if len(flags) == 0 {
		return ""
	}
	return " " + strings.Join(flags, ",")
}

func (d *nftDecoder) masq(e *expr.Masq) {
	n := &model.FwNAT{Kind: model.NATMasquerade, Flags: natFlags(e.Random, e.FullyRandom, e.Persistent)}
	text := "masquerade"
	if e.ToPorts {
		p, ok1 := natPort(d.immediate(e.RegProtoMin))
		q, ok2 := natPort(d.immediate(e.RegProtoMax))
		if !ok2 {
			q, ok2 = p, ok1
		}
		if ok1 && ok2 {
			n.Port, n.PortLast = p, q
			text += " to " + n.To()
		} else {
			text += " to (from a map)"
			d.unsure("masquerade from a map")
		}
	}
	d.say("%s%s", text, flagsText(n.Flags))
	d.r.NAT = n
	d.r.Verdict.Kind = model.FwAccept
}

func (d *nftDecoder) redir(e *expr.Redir) {
	n := &model.FwNAT{Kind: model.NATRedirect,
		Flags: natFlags(e.Flags&unix.NF_NAT_RANGE_PROTO_RANDOM != 0, e.Flags&unix.NF_NAT_RANGE_PROTO_RANDOM_FULLY != 0,
			e.Flags&unix.NF_NAT_RANGE_PERSISTENT != 0)}
	text := "redirect"
	if e.RegisterProtoMin != 0 {
		p, ok1 := natPort(d.immediate(e.RegisterProtoMin))
		q, ok2 := p, ok1
		if e.RegisterProtoMax != 0 && e.RegisterProtoMax != e.RegisterProtoMin {
			q, ok2 = natPort(d.immediate(e.RegisterProtoMax))
		}
		if ok1 && ok2 {
			n.Port, n.PortLast = p, q
			text += " to " + n.To()
		} else {
			text += " to (from a map)"
			d.unsure("redirect from a map")
		}
	}
	d.say("%s%s", text, flagsText(n.Flags))
	d.r.NAT = n
	d.r.Verdict.Kind = model.FwAccept
}

var icmpCodeNames = map[uint8]string{0: "net-unreachable", 1: "host-unreachable", 2: "prot-unreachable",
	3: "port-unreachable", 9: "net-prohibited", 10: "host-prohibited", 13: "admin-prohibited"}
var icmp6CodeNames = map[uint8]string{0: "no-route", 1: "admin-prohibited", 3: "addr-unreachable",
	4: "port-unreachable", 5: "policy-fail", 6: "reject-route"}
var icmpxCodeNames = map[uint8]string{0: "no-route", 1: "port-unreachable", 2: "host-unreachable",
	3: "admin-prohibited"}

func codeName(names map[uint8]string, c uint8) string {
	if n, ok := names[c]; ok {
		return n
	}
	return strconv.Itoa(int(c))
}

func (d *nftDecoder) reject(e *expr.Reject) {
	var with string
	plain := false
	switch e.Type {
	case unix.NFT_REJECT_TCP_RST:
		with = "tcp reset"
	case unix.NFT_REJECT_ICMPX_UNREACH:
		with = "icmpx " + codeName(icmpxCodeNames, e.Code)
		plain = e.Code == 1
	default:
		if d.l3 == model.AF_INET6 {
			with = "icmpv6 " + codeName(icmp6CodeNames, e.Code)
			plain = e.Code == 4 && d.scope.family == "ip6"
		} else {
			with = "icmp " + codeName(icmpCodeNames, e.Code)
			plain = e.Code == 3 && d.scope.family == "ip"
		}
	}
	d.r.Verdict = model.FwVerdict{Kind: model.FwReject, With: with}
	if plain {
		d.say("reject")
		return
	}
	if strings.HasPrefix(with, "icmp") {
		kind, code, _ := strings.Cut(with, " ")
		d.say("reject with %s type %s", kind, code)
		return
	}
	d.say("reject with %s", with)
}

var logLevels = []string{"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit"}

func (d *nftDecoder) log(e *expr.Log) {
	parts := []string{"log"}
	if e.Key&(1<<unix.NFTA_LOG_PREFIX) != 0 {
		parts = append(parts, `prefix "`+string(e.Data)+`"`)
	}
	if e.Key&(1<<unix.NFTA_LOG_GROUP) != 0 {
		parts = append(parts, "group "+strconv.Itoa(int(e.Group)))
	}
	if e.Key&(1<<unix.NFTA_LOG_LEVEL) != 0 && e.Level != expr.LogLevelWarning {
		if int(e.Level) < len(logLevels) {
			parts = append(parts, "level "+logLevels[e.Level])
		} else {
			parts = append(parts, "level "+strconv.Itoa(int(e.Level)))
		}
	}
	d.say("%s", strings.Join(parts, " "))
}

var limitUnits = map[expr.LimitTime]string{expr.LimitTimeSecond: "second", expr.LimitTimeMinute: "minute",
	expr.LimitTimeHour: "hour", expr.LimitTimeDay: "day", expr.LimitTimeWeek: "week"}

func (d *nftDecoder) limit(e *expr.Limit) {
	over := ""
	if e.Over {
		over = "over "
	}
	unit := limitUnits[e.Unit]
	if e.Type == expr.LimitTypePktBytes {
		d.say("limit rate %s%d bytes/%s burst %d bytes", over, e.Rate, unit, e.Burst)
	} else if e.Burst != 5 {
		d.say("limit rate %s%d/%s burst %d packets", over, e.Rate, unit, e.Burst)
	} else {
		d.say("limit rate %s%d/%s", over, e.Rate, unit)
	}
	d.unsure("limit")
}

func (d *nftDecoder) objref(e *expr.Objref) {
	switch e.Type {
	case unix.NFT_OBJECT_COUNTER:
		d.say(`counter name "%s"`, e.Name)
	case unix.NFT_OBJECT_QUOTA:
		d.say(`quota name "%s"`, e.Name)
		d.unsure("quota")
	case unix.NFT_OBJECT_LIMIT:
		d.say(`limit name "%s"`, e.Name)
		d.unsure("limit")
	case unix.NFT_OBJECT_CT_HELPER:
		d.say(`ct helper set "%s"`, e.Name)
		d.unsure("ct helper")
	default:
		d.say(`object %d name "%s"`, e.Type, e.Name)
		d.unsure("object")
	}
}

func (d *nftDecoder) dynset(e *expr.Dynset) {
	ops := []string{"add", "update", "delete"}
	op := "dynset"
	if int(e.Operation) < len(ops) {
		op = ops[e.Operation]
	}
	key := "?"
	if s := d.regs[e.SrcRegKey]; s != nil {
		key = s.name
	}
	d.say("%s @%s { %s }", op, e.SetName, key)
	if len(e.Exprs) > 0 || e.Invert {
		// A meter: the statements inside decide whether the rule matches.
		d.unsure("meter @" + e.SetName)
	}
}
