package nsops

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
	"github.com/lazyns/lazyns/model"
)

// iptables-nft writes what nftables cannot say natively as xtables
// extensions ("match" and "target" expressions holding the extension's
// kernel structure). The ones OpenStack's rules use most are read here;
// any other is shown as nft shows one it cannot translate
// (`xt match "set"`) and leaves the rule not understood.

func (d *nftDecoder) xtMatch(e *expr.Match) {
	switch info := e.Info.(type) {
	case *xt.Comment:
		d.r.Comment = string(*info)
		d.say(`comment "%s"`, string(*info))
		return
	case *xt.Tcp:
		d.xtPorts("tcp", info.SrcPorts, info.DstPorts, info.InvFlags&xt.TcpInvSrcPorts != 0, info.InvFlags&xt.TcpInvDestPorts != 0)
		if info.FlagsMask != 0 || info.Option != 0 {
			d.say("tcp flags & 0x%x == 0x%x", info.FlagsMask, info.FlagsCmp)
			d.unsure("tcp flags")
		}
		return
	case *xt.Udp:
		d.xtPorts("udp", info.SrcPorts, info.DstPorts, info.InvFlags&xt.UdpInvSrcPorts != 0, info.InvFlags&xt.UdpInvDestPorts != 0)
		return
	case *xt.ConntrackMtinfo1:
		d.xtConntrack(&info.ConntrackMtinfoBase, uint16(info.StateMask))
		return
	case *xt.ConntrackMtinfo2:
		d.xtConntrack(&info.ConntrackMtinfoBase, info.StateMask)
		return
	case *xt.ConntrackMtinfo3:
		d.xtConntrack(&info.ConntrackMtinfoBase, info.StateMask)
		return
	case *xt.Unknown:
		if d.xtRaw(e.Name, *info) {
			return
		}
	}
	d.say(`xt match "%s"`, e.Name)
	d.unsure("xt match " + e.Name)
}

// xtPorts reads the ports of the tcp and udp extensions; [0, 65535] is "any".
func (d *nftDecoder) xtPorts(proto string, src, dst [2]uint16, invSrc, invDst bool) {
	for _, p := range []struct {
		kind  model.FwMatchKind
		name  string
		ports [2]uint16
		not   bool
	}{{model.FwSport, "sport", src, invSrc}, {model.FwDport, "dport", dst, invDst}} {
		if p.ports[0] == 0 && p.ports[1] == 0xffff {
			continue
		}
		r := model.FwPortRange{First: p.ports[0], Last: p.ports[1]}
		not := ""
		if p.not {
			not = "!= "
		}
		d.say("%s %s %s%s", proto, p.name, not, r)
		d.r.Matches = append(d.r.Matches, model.FwMatch{Kind: p.kind, Ports: []model.FwPortRange{r}, Not: p.not})
	}
}

// XT_CONNTRACK_STATE and XT_CONNTRACK_STATE_ALIAS (-m state written as
// conntrack), from <linux/netfilter/xt_conntrack.h>.
const (
	xtConntrackState      = 1 << 0
	xtConntrackStateAlias = 1 << 13
)

// The state bits of xt_conntrack (<linux/netfilter/xt_conntrack.h>):
// invalid, established, related and new as nft numbers them, then SNAT
// and DNAT (which are about the connection's NAT, not its state), then
// untracked — which nft and -m state number 64.
const (
	xtCtSNAT      = 1 << 6
	xtCtDNAT      = 1 << 7
	xtCtUntracked = 1 << 8
)

// xtConntrack reads -m conntrack --ctstate.
func (d *nftDecoder) xtConntrack(info *xt.ConntrackMtinfoBase, states uint16) {
	if info.MatchFlags&^(xtConntrackState|xtConntrackStateAlias) != 0 {
		d.say(`xt match "conntrack"`)
		d.unsure("xt match conntrack")
		return
	}
	not := info.InvertFlags&xtConntrackState != 0
	st := model.FwCtStates(states) & (model.FwCtInvalid | model.FwCtEstablished | model.FwCtRelated | model.FwCtNew)
	if states&xtCtUntracked != 0 {
		st |= model.FwCtUntracked
	}
	if nat := states & (xtCtSNAT | xtCtDNAT); nat != 0 {
		// nft writes these as "ct status dnat"; a trace cannot know a
		// connection's NAT, and so not the match.
		var names []string
		if nat&xtCtSNAT != 0 {
			names = append(names, "snat")
		}
		if nat&xtCtDNAT != 0 {
			names = append(names, "dnat")
		}
		op := ""
		if not {
			op = "!= "
		}
		d.say("ct status %s%s", op, strings.Join(names, ","))
		d.unsure("ct status")
		// "NEW,DNAT" is met by either; only "! NEW,DNAT" still asks
		// for a state other than new, whatever the NAT.
		if st == 0 || !not {
			return
		}
	}
	d.xtState(st, not)
}

func (d *nftDecoder) xtState(st model.FwCtStates, not bool) {
	text := st.String()
	if not {
		text = "!= " + text
	}
	d.say("ct state %s", text)
	d.r.Matches = append(d.r.Matches, model.FwMatch{Kind: model.FwCtState, CtStates: st, Not: not})
}

// xtRaw reads the extensions the library has no type for, from their
// kernel structures (host byte order, as the kernel keeps them).
func (d *nftDecoder) xtRaw(name string, b []byte) bool {
	ne := binary.NativeEndian
	switch name {
	case "state":
		// struct xt_state_info { unsigned int statemask; }
		if len(b) < 4 {
			return false
		}
		d.xtState(model.FwCtStates(ne.Uint32(b)), false)
		return true
	case "multiport":
		return d.xtMultiport(b)
	case "icmp":
		// struct ipt_icmp { __u8 type; __u8 code[2]; __u8 invflags; }
		if len(b) < 4 {
			return false
		}
		not := b[3]&1 != 0
		text := model.ICMPTypeName(b[0], false)
		if not {
			text = "!= " + text
		}
		d.say("icmp type %s", text)
		d.r.Matches = append(d.r.Matches, model.FwMatch{Kind: model.FwICMPType, ICMPTypes: []uint8{b[0]}, Not: not})
		d.use(&selector{hidesL4: true})
		if b[1] != 0 || b[2] != 0xff {
			d.say("icmp code %d-%d", b[1], b[2])
			d.unsure("icmp code")
		}
		return true
	case "mark":
		// struct xt_mark_mtinfo1 { __u32 mark, mask; __u8 invert; }
		if len(b) < 9 {
			return false
		}
		m := model.FwMatch{Kind: model.FwMark, Mark: ne.Uint32(b), MarkMask: ne.Uint32(b[4:]), Not: b[8] != 0}
		op := "=="
		if m.Not {
			op = "!="
		}
		d.say("meta mark & 0x%08x %s 0x%08x", m.MarkMask, op, m.Mark)
		d.r.Matches = append(d.r.Matches, m)
		return true
	}
	return false
}

// xtMultiport reads struct xt_multiport_v1: flags, count, ports[15],
// pflags[15] (a port that starts a range), invert.
func (d *nftDecoder) xtMultiport(b []byte) bool {
	const maxPorts = 15
	if len(b) < 2+2*maxPorts+maxPorts+1 {
		return false
	}
	ne := binary.NativeEndian
	flags, count := b[0], int(b[1])
	if count > maxPorts {
		return false
	}
	pflags := b[2+2*maxPorts:]
	not := pflags[maxPorts] != 0
	var ports []model.FwPortRange
	for i := 0; i < count; i++ {
		p := ne.Uint16(b[2+2*i:])
		r := model.FwPortRange{First: p, Last: p}
		if pflags[i] != 0 && i+1 < count {
			r.Last = ne.Uint16(b[2+2*(i+1):])
			i++
		}
		ports = append(ports, r)
	}
	proto := "th"
	if d.l4Known {
		proto = model.ProtoName(d.l4)
	}
	var kind model.FwMatchKind
	switch flags {
	case 0:
		kind = model.FwSport
	case 1:
		kind = model.FwDport
	default:
		// Either port: not one condition a trace can check.
		d.say(`xt match "multiport"`)
		d.unsure("multiport --ports")
		return true
	}
	texts := make([]string, len(ports))
	for i, r := range ports {
		texts[i] = r.String()
	}
	set := strings.Join(texts, ", ")
	if len(ports) > 1 {
		set = "{ " + set + " }"
	}
	if not {
		set = "!= " + set
	}
	d.say("%s %s %s", proto, kind, set)
	d.r.Matches = append(d.r.Matches, model.FwMatch{Kind: kind, Ports: ports, Not: not})
	return true
}

func (d *nftDecoder) xtTarget(e *expr.Target) {
	switch info := e.Info.(type) {
	case *xt.NatIPv4MultiRangeCompat:
		if len(*info) == 1 {
			r := (*info)[0]
			d.xtNAT(e.Name, xt.NatRangeFlags(r.Flags), r.MinIP, r.MaxIP, r.MinPort, r.MaxPort)
			return
		}
	case *xt.NatRange:
		d.xtNAT(e.Name, xt.NatRangeFlags(info.Flags), info.MinIP, info.MaxIP, info.MinPort, info.MaxPort)
		return
	case *xt.NatRange2:
		d.xtNAT(e.Name, xt.NatRangeFlags(info.Flags), info.MinIP, info.MaxIP, info.MinPort, info.MaxPort)
		return
	case *xt.Unknown:
		switch e.Name {
		case "REJECT":
			d.xtReject(*info)
			return
		case "LOG":
			// Logs and lets the packet go on: nothing a trace must weigh.
			d.say(`xt target "LOG"`)
			return
		}
	}
	d.say(`xt target "%s"`, e.Name)
	d.unsure("xt target " + e.Name)
}

func (d *nftDecoder) xtNAT(name string, flags xt.NatRangeFlags, minIP, maxIP net.IP, minPort, maxPort uint16) {
	n := &model.FwNAT{}
	switch name {
	case "DNAT":
		n.Kind = model.NATDnat
	case "SNAT":
		n.Kind = model.NATSnat
	case "MASQUERADE":
		n.Kind = model.NATMasquerade
	case "REDIRECT":
		n.Kind = model.NATRedirect
	default:
		d.say(`xt target "%s"`, name)
		d.unsure("xt target " + name)
		return
	}
	if flags&xt.NatRangeMapIPs != 0 && (n.Kind == model.NATDnat || n.Kind == model.NATSnat) {
		n.Addr = xtAddr(minIP, d.l3)
		n.AddrLast = xtAddr(maxIP, d.l3)
	}
	if flags&xt.NatRangeProtoSpecified != 0 {
		n.Port, n.PortLast = minPort, maxPort
	}
	n.Flags = natFlags(flags&xt.NatRangeProtoRandom != 0, flags&xt.NatRangeProtoRandomFully != 0,
		flags&xt.NatRangePersistent != 0)
	d.natStatement(n, n.Kind+" to", true)
}

func xtAddr(ip net.IP, family int) netip.Addr {
	if family == model.AF_INET {
		if v4 := ip.To4(); v4 != nil {
			a, _ := netip.AddrFromSlice(v4)
			return a
		}
	}
	a, _ := netip.AddrFromSlice(ip)
	return a
}

// xtReject reads struct ipt_reject_info / ip6t_reject_info: one enum.
func (d *nftDecoder) xtReject(b []byte) {
	if len(b) < 4 {
		d.say(`xt target "REJECT"`)
		d.unsure("xt target REJECT")
		return
	}
	v := binary.NativeEndian.Uint32(b)
	var names []string
	if d.l3 == model.AF_INET6 {
		names = []string{"icmpv6 no-route", "icmpv6 admin-prohibited", "icmpv6 not-neighbour",
			"icmpv6 addr-unreachable", "icmpv6 port-unreachable", "echo-reply", "tcp reset",
			"icmpv6 policy-fail", "icmpv6 reject-route"}
	} else {
		names = []string{"icmp net-unreachable", "icmp host-unreachable", "icmp prot-unreachable",
			"icmp port-unreachable", "echo-reply", "icmp net-prohibited", "icmp host-prohibited",
			"tcp reset", "icmp admin-prohibited"}
	}
	with := "code " + strconv.Itoa(int(v))
	if int(v) < len(names) {
		with = names[v]
	}
	d.r.Verdict = model.FwVerdict{Kind: model.FwReject, With: with}
	if kind, code, ok := strings.Cut(with, " "); ok && strings.HasPrefix(kind, "icmp") {
		d.say("reject with %s type %s", kind, code)
		return
	}
	d.say("reject with %s", with)
}
