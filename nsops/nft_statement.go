package nsops

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/nftables/expr"
	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

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
	n := &model.FwNAT{Kind: model.NATSnat, Flags: natFlags(e.Random, e.FullyRandom, e.Persistent)}
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
		n.Port, n.PortLast, ok2 = d.natPorts(e.RegProtoMin, e.RegProtoMax)
		ok = ok && ok2
	}
	head := n.Kind + d.natFamilyWord(e.Family)
	if e.Prefix {
		head += " prefix"
		d.unsure(n.Kind + " prefix")
	}
	d.natStatement(n, head+" to", ok)
}

// natPorts reads the ports a NAT statement maps to from its registers (no
// second register: one port); false when they do not hold immediates (the
// ports come from a map).
func (d *nftDecoder) natPorts(min, max uint32) (first, last uint16, ok bool) {
	first, ok = natPort(d.immediate(min))
	last = first
	if max != 0 && max != min {
		var ok2 bool
		last, ok2 = natPort(d.immediate(max))
		ok = ok && ok2
	}
	return first, last, ok
}

// natStatement records a NAT statement: its text ("dnat ip to
// 10.0.0.6:80"; head alone when it maps to nothing of its own, as a plain
// masquerade), its translation, and the accept every NAT statement gives.
// ok false says the translation comes from a map a trace cannot follow.
func (d *nftDecoder) natStatement(n *model.FwNAT, head string, ok bool) {
	text := head
	switch to := n.To(); {
	case !ok:
		text = strings.TrimSuffix(head, " to") + " to (from a map)"
		d.unsure(n.Kind + " from a map")
	case to != "":
		text = strings.TrimSuffix(head, " to") + " to " + to
	default:
		text = strings.TrimSuffix(head, " to")
	}
	d.say("%s%s", text, flagsText(n.Flags))
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
	ok := true
	if e.ToPorts {
		n.Port, n.PortLast, ok = d.natPorts(e.RegProtoMin, e.RegProtoMax)
	}
	d.natStatement(n, "masquerade to", ok)
}

func (d *nftDecoder) redir(e *expr.Redir) {
	n := &model.FwNAT{Kind: model.NATRedirect,
		Flags: natFlags(e.Flags&unix.NF_NAT_RANGE_PROTO_RANDOM != 0, e.Flags&unix.NF_NAT_RANGE_PROTO_RANDOM_FULLY != 0,
			e.Flags&unix.NF_NAT_RANGE_PERSISTENT != 0)}
	ok := true
	if e.RegisterProtoMin != 0 {
		n.Port, n.PortLast, ok = d.natPorts(e.RegisterProtoMin, e.RegisterProtoMax)
	}
	d.natStatement(n, "redirect to", ok)
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
