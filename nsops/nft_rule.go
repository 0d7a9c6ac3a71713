package nsops

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/nftables/expr"
	"github.com/lazyns/lazyns/model"
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
