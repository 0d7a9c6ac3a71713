package trace

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// The firewall's part of a visit: the hooks a packet meets in a
// namespace, where its chains may drop it or translate its addresses.
// A packet that arrives meets prerouting before its route is looked up,
// then input (delivered here) or forward and postrouting; a packet made
// here meets output once its route is known, then postrouting.

// NATStep is an address translation the packet got in a namespace.
type NATStep struct {
	Hook string
	// Kind is dnat, snat, masquerade or redirect: the rule's kind, also
	// on the way back, where connection tracking undoes it.
	Kind string
	// Field is "dst" or "src": the address rewritten.
	Field string
	// From and To are the address before and after, with ":port" when
	// the port changed too.
	From, To string
	// Reverse: the reply's translation back, made by connection tracking
	// for the translation the packet got here.
	Reverse bool
}

// prerouting: a packet arriving from another namespace meets the
// prerouting chains before its route is looked up, so a destination NAT
// there decides where it goes. A reply first gets back the destination a
// source NAT here gave its packet.
func (v *visit) prerouting() *outcome {
	if v.in == "" {
		return nil
	}
	v.untranslate(false, "prerouting")
	return v.hook("prerouting", v.in, "")
}

// output: a packet made here meets the output chains once its route is
// known, and is routed again when they translate its destination.
func (v *visit) output() *outcome {
	if v.in != "" || v.res.Fail != RouteOK || (v.res.Type != model.RTN_UNICAST && v.res.Type != model.RTN_LOCAL) {
		return nil
	}
	dst := v.t.pkt.dst
	if o := v.hook("output", "", v.res.Out); o != nil {
		return o
	}
	if !v.t.pkt.dst.Equal(dst) {
		return v.lookup()
	}
	return nil
}

// localHooks: a packet for this namespace meets input; one made here for
// itself goes through the loopback first (postrouting, prerouting).
func (v *visit) localHooks() *outcome {
	if v.in != "" {
		return v.hook("input", v.in, "")
	}
	lo := v.res.Out
	if o := v.hook("postrouting", "", lo); o != nil {
		return o
	}
	if o := v.hook("prerouting", lo, ""); o != nil {
		return o
	}
	return v.hook("input", lo, "")
}

// forward: a packet this namespace forwards meets the forward chains.
func (v *visit) forward() *outcome {
	if v.in == "" {
		return nil
	}
	return v.hook("forward", v.in, v.out.Name)
}

// postrouting: the last chains before the packet leaves, where a source
// NAT rewrites its source. A reply first gets back the source a
// destination NAT here gave its packet.
func (v *visit) postrouting() *outcome {
	v.untranslate(true, "postrouting")
	return v.hook("postrouting", v.in, v.out.Name)
}

// hook runs the packet through the base chains on one hook; it ends the
// visit when a rule drops the packet for sure.
func (v *visit) hook(name, iif, oif string) *outcome {
	return v.chains(fwAt{ns: v.ns, hook: name, iif: iif, oif: oif, nat: !v.req.reply, mark: &v.markUnsure})
}

// fwAt is where a packet meets a firewall: the namespace, the hook, the
// devices, whether nat chains see it, and the namespace's flag that a
// rule trace cannot evaluate may have set the packet's mark.
type fwAt struct {
	ns             *model.Namespace
	hook, iif, oif string
	nat            bool
	mark           *bool
	// bridge is the bridge forwarding the frame, when the namespace's IP
	// firewall sees a bridged packet (br_netfilter).
	bridge string
}

// bridged: a bridge that forwards the frame from port to port hands it to
// the IP firewall of its namespace when br_netfilter says so
// (net.bridge.bridge-nf-call-iptables, on by default once the module is
// loaded, as Docker loads it): prerouting, forward and postrouting, with
// the bridge as the way in and out.
func (v *visit) bridged() *outcome {
	v6 := model.FamilyOf(v.t.pkt.dst) == model.AF_INET6
	for _, c := range v.w.bridged {
		st, _ := v.t.state(v.req, c.ns.Key)
		on := st.BridgeNF4
		if v6 {
			on = st.BridgeNF6
		}
		if !on {
			continue
		}
		mark := false
		for _, hook := range []string{"prerouting", "forward", "postrouting"} {
			// Translations of bridged packets are left out: trace does
			// not follow where they would send the frame.
			at := fwAt{ns: c.ns, hook: hook, iif: c.br.Name, oif: c.br.Name, mark: &mark, bridge: c.br.Name}
			if hook == "prerouting" {
				at.oif = ""
			} else if hook == "postrouting" {
				at.iif = ""
			}
			if o := v.chains(at); o != nil {
				return o
			}
		}
	}
	return nil
}

// chains runs the packet through the base chains of at's hook; it ends
// the visit when a rule drops the packet for sure.
func (v *visit) chains(at fwAt) *outcome {
	fw := v.t.firewall(v.req, at.ns)
	if fw == nil {
		return nil
	}
	chains := chainsOn(fw, at.hook, model.FamilyOf(v.t.pkt.dst))
	if len(chains) == 0 {
		return nil
	}
	run := &hookRun{hook: at.hook, pkt: v.fwPacket(at.iif, at.oif, *at.mark), nat: at.nat,
		command: func(t *model.FwTable, c *model.FwChain) string { return ChainCommand(at.ns, t, c) }}
	dropped := run.run(chains)
	*at.mark = *at.mark || run.markUnsure
	hits := run.hits
	for i := range hits {
		hits[i].Netns, hits[i].Bridge = at.ns.DisplayName(), at.bridge
	}
	if run.translated != nil && dropped == nil {
		if h := lastSureNAT(hits); h != nil {
			h.NAT = v.translate(run.translated, at.hook, at.iif)
		}
	}
	v.h.Firewall = append(v.h.Firewall, hits...)
	for _, h := range hits {
		if !h.Sure() {
			v.t.Unsure = append(v.t.Unsure, h)
		}
	}
	if dropped == nil {
		return nil
	}
	d := *dropped
	v.t.Rule = &d
	v.t.Command = d.Command
	return &outcome{verdict: Dropped, at: at.ns, reason: v.dropReason(at, &d, hits)}
}

// dropReason says which rule drops the packet, and which rules trace
// cannot evaluate may have accepted it first.
func (v *visit) dropReason(at fwAt, d *FwHit, hits []FwHit) string {
	verb := "drops"
	if d.Action == string(model.FwReject) {
		verb = "rejects"
	}
	how := ""
	if at.bridge != "" {
		sysctl := "net.bridge.bridge-nf-call-iptables"
		if model.FamilyOf(v.t.pkt.dst) == model.AF_INET6 {
			sysctl = "net.bridge.bridge-nf-call-ip6tables"
		}
		how = fmt.Sprintf(" as bridge %s forwards it (%s is 1 there)", model.Visible(at.bridge), sysctl)
	}
	reason := fmt.Sprintf("the firewall of %s %s it%s: %s %s", model.Visible(at.ns.DisplayName()), verb, how,
		model.Visible(d.Where()), model.Visible(d.What()))
	for _, h := range hits {
		if !h.Sure() && h.Action == string(model.FwAccept) {
			reason += fmt.Sprintf("; unless %s %s accepts it first (trace cannot evaluate %s)",
				model.Visible(h.Where()), model.Visible(h.What()), model.Visible(strings.Join(h.Unsure, ", ")))
		}
	}
	return reason
}

func lastSureNAT(hits []FwHit) *FwHit {
	for i := len(hits) - 1; i >= 0; i-- {
		switch hits[i].Action {
		case model.NATDnat, model.NATSnat, model.NATMasquerade, model.NATRedirect:
			if hits[i].Sure() {
				return &hits[i]
			}
		}
	}
	return nil
}

// fwPacket is the packet as the chains of a hook see it: a connection's
// first packet (ct state new) on the way there, an established one on
// the way back.
func (v *visit) fwPacket(iif, oif string, markUnsure bool) *model.FwPacket {
	pk := &v.t.pkt
	p := &model.FwPacket{Family: model.FamilyOf(pk.dst), Src: netipOf(pk.src), Dst: netipOf(pk.dst),
		Iif: iif, Oif: oif, CtState: model.FwCtNew}
	reply := v.req.reply
	if reply {
		p.CtState = model.FwCtEstablished
	}
	if v.req.Probe.Echo() {
		p.Proto = icmpProto(pk.dst)
		switch {
		case p.Proto == 1 && reply:
			p.ICMPType = icmpEchoReply
		case p.Proto == 1:
			p.ICMPType = icmpEchoRequest
		case reply:
			p.ICMPType = icmp6EchoReply
		default:
			p.ICMPType = icmp6EchoRequest
		}
	} else {
		p.Proto, p.Sport, p.Dport = v.req.Probe.Proto, pk.sport, pk.dport
		// The kernel picks the client's port when the packet is sent.
		if reply {
			p.Unknown = append(p.Unknown, model.FwDport)
		} else {
			p.Unknown = append(p.Unknown, model.FwSport)
		}
	}
	if markUnsure {
		p.Unknown = append(p.Unknown, model.FwMark)
	}
	return p
}

func netipOf(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

// translate rewrites the packet as a sure NAT rule on hook says, records
// it for the reply, and says what it did ("dst 172.24.4.10 → 10.0.0.5").
func (v *visit) translate(n *model.FwNAT, hook, iif string) string {
	pk := &v.t.pkt
	dstNAT := n.Kind == model.NATDnat || n.Kind == model.NATRedirect
	addr, port := &pk.src, &pk.sport
	if dstNAT {
		addr, port = &pk.dst, &pk.dport
	}
	from, fromPort := *addr, *port
	to := v.natAddress(n, hook, iif)
	if to == nil {
		to = from
	}
	toPort := fromPort
	if n.Port != 0 && !v.req.Probe.Echo() && (dstNAT || fromPort != 0) {
		toPort = n.Port
	}
	*addr, *port = to, toPort
	step := NATStep{Hook: hook, Kind: n.Kind, Field: "src", From: from.String(), To: to.String()}
	if toPort != fromPort {
		step.From, step.To = hostPort(from, fromPort), hostPort(to, toPort)
	}
	if dstNAT {
		step.Field = "dst"
	}
	v.h.NAT = append(v.h.NAT, step)
	v.t.nats = append(v.t.nats, natDone{ns: v.ns.Key, dst: dstNAT, from: from, to: to, fromPort: fromPort, toPort: toPort, kind: n.Kind, hook: hook})
	return step.Field + " " + step.From + " → " + step.To
}

// natAddress is the address a translation maps to: the rule's own (the
// first of a range: which one the kernel takes depends on the
// connections it already has), or for masquerade the address of the way
// out that faces the next hop, or for redirect the namespace's own
// address on the way in. nil when there is none to take.
func (v *visit) natAddress(n *model.FwNAT, hook, iif string) net.IP {
	fam := model.FamilyOf(v.t.pkt.dst)
	switch n.Kind {
	case model.NATDnat, model.NATSnat:
		if n.Addr.IsValid() && (n.Addr.Is4() == (fam == model.AF_INET)) {
			return net.IP(n.Addr.AsSlice())
		}
	case model.NATMasquerade:
		return addrFacing(v.out, fam, v.nh)
	case model.NATRedirect:
		if hook == "output" || iif == "" {
			if fam == model.AF_INET6 {
				return net.IPv6loopback
			}
			return net.IPv4(127, 0, 0, 1).To4()
		}
		return addrFacing(v.ns.LinkByName(iif), fam, nil)
	}
	return nil
}

// addrFacing picks the address of family fam on l that the kernel would
// take as the source towards nh: one whose subnet holds nh, else the
// first of global scope, else the first.
func addrFacing(l *model.Link, fam int, nh net.IP) net.IP {
	if l == nil {
		return nil
	}
	var global, any net.IP
	for _, a := range l.Addrs {
		if a.Family != fam {
			continue
		}
		if nh != nil && a.Network().Contains(nh) {
			return a.Local
		}
		if global == nil && a.Scope == 0 {
			global = a.Local
		}
		if any == nil {
			any = a.Local
		}
	}
	if global != nil {
		return global
	}
	return any
}

// untranslate gives a reply back the addresses its packet had before a
// translation in this namespace, as connection tracking does: at
// prerouting the destination that was the source a source NAT rewrote,
// at postrouting (dnat true) the source that was the destination a
// destination NAT rewrote.
func (v *visit) untranslate(dnat bool, hook string) {
	pk := &v.t.pkt
	for _, d := range v.req.back {
		if d.ns != v.ns.Key || d.dst != dnat {
			continue
		}
		// The reply's addresses are the packet's, swapped.
		addr, port := &pk.dst, &pk.dport
		if dnat {
			addr, port = &pk.src, &pk.sport
		}
		if !addr.Equal(d.to) {
			continue
		}
		step := NATStep{Hook: hook, Kind: d.kind, Field: "dst", From: addr.String(), Reverse: true}
		if dnat {
			step.Field = "src"
		}
		*addr = d.from
		step.To = addr.String()
		if *port == d.toPort && d.toPort != d.fromPort {
			step.From = hostPort(d.to, *port)
			*port = d.fromPort
			step.To = hostPort(*addr, *port)
		}
		v.h.NAT = append(v.h.NAT, step)
	}
}

// hostPort writes an address with its port, when it has one.
func hostPort(ip net.IP, port uint16) string {
	if port == 0 {
		return ip.String()
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(int(port)))
}
