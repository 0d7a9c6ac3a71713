package nsops

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/google/nftables/expr"
	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

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
