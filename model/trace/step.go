package trace

import (
	"fmt"
	"net"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// A visit is the packet in one namespace, as the checks of a step see it;
// what they learn (the kernel's answer, the egress device, the way across)
// is filled in as they go.
type visit struct {
	t   *Trace
	req Request
	ns  *model.Namespace
	in  string // the ingress device; "" where the packet starts
	h   *Hop   // this visit's record in t.Hops
	q   RouteQuery
	res RouteResult // after lookup
	st  NsState     // after readState, for a forwarded packet
	out *model.Link // after egress
	nh  net.IP      // after egress: the next hop on out
	w   crossing    // after crossWire
	// markUnsure: a firewall rule here that trace cannot evaluate may
	// have set the packet's mark (which does not cross namespaces).
	markUnsure bool
}

// An outcome ends a visit: the trace stops with a verdict, or the packet
// moves on to next, entered on nextIn, or the kernel could not be asked.
type outcome struct {
	verdict Verdict
	at      *model.Namespace
	reason  string
	device  string // the device a packet that Leaves goes through
	next    *model.Namespace
	nextIn  string
	err     error
}

// drop stops the trace here: the packet is dropped in this namespace.
func (v *visit) drop(reason string) *outcome {
	return &outcome{verdict: Dropped, at: v.ns, reason: reason}
}

func (v *visit) dropf(format string, args ...any) *outcome {
	return v.drop(fmt.Sprintf(format, args...))
}

// checks are asked in order, each about one reason the packet stops in a
// namespace or moves on; the first that answers ends the visit, and a
// visit none answers ends at nobodyThere. A few learn what the later ones
// look at (lookup, readState, egress, crossWire): they answer only when
// that cannot be learnt.
var checks = []func(*visit) *outcome{
	(*visit).receiverDown,
	(*visit).prerouting,
	(*visit).lookup,
	(*visit).output,
	(*visit).loopbackDown,
	(*visit).local,
	(*visit).readState,
	(*visit).sourceRefused,
	(*visit).deviceForwardingOff,
	(*visit).forwardingOff,
	(*visit).refused,
	(*visit).rejectRoute,
	(*visit).untracedRoute,
	(*visit).egress,
	(*visit).egressDown,
	(*visit).forward,
	(*visit).postrouting,
	(*visit).crossWire,
	(*visit).bridged,
	(*visit).wrongNeighbour,
	(*visit).nextNamespace,
	(*visit).leavesHost,
}

// step is the packet in ns, arrived on in ("" at the start). It returns the
// next namespace and ingress device, or nil when the trace has ended.
func (t *Trace) step(req Request, ns *model.Namespace, in string) (*model.Namespace, string, error) {
	o := t.arrive(req, ns, in).ask()
	switch {
	case o.err != nil:
		return nil, "", o.err
	case o.next != nil:
		return o.next, o.nextIn, nil
	}
	reason := o.reason
	if o.verdict != Dropped {
		if t.mayReason = t.mayDropReason(); t.mayReason != "" {
			reason += mayDropJoin + t.mayReason
		}
	}
	t.end(o.verdict, o.at, reason)
	t.Device = o.device
	return nil, "", nil
}

// ask asks the checks in order; the first answer ends the visit.
func (v *visit) ask() *outcome {
	for _, check := range checks {
		if o := check(v); o != nil {
			return o
		}
	}
	return v.nobodyThere()
}

// arrive records the hop, with the packet as it arrives.
func (t *Trace) arrive(req Request, ns *model.Namespace, in string) *visit {
	t.Hops = append(t.Hops, Hop{Ns: ns.Key, NsName: ns.DisplayName(), In: in, Src: t.pkt.src, Dst: t.pkt.dst})
	return &visit{t: t, req: req, ns: ns, in: in, h: &t.Hops[len(t.Hops)-1]}
}

func (v *visit) name() string { return model.Visible(v.ns.DisplayName()) }

// receiverDown: the device the packet arrives on is down.
func (v *visit) receiverDown() *outcome {
	if v.in == "" {
		return nil
	}
	if l := v.ns.LinkByName(v.in); l != nil && !l.Up() {
		return v.dropf("link down: %s in %s (the receiving end) is down", model.Visible(v.in), v.name())
	}
	return nil
}

// lookup asks the kernel for the route of the packet as it stands (after
// any destination NAT, as the kernel routes it), and records the lookup
// that shows it by hand; it ends the visit only when the kernel cannot be
// asked.
func (v *visit) lookup() *outcome {
	v.q = RouteQuery{Dst: v.t.pkt.dst, Src: v.t.pkt.src, Iif: v.in}
	v.h.Command = RouteGetCommand(v.ns, v.q)
	v.t.Command = v.h.Command
	res, err := v.req.Lookup(v.ns.Key, v.q)
	if err != nil {
		return &outcome{err: fmt.Errorf("route lookup in %s: %w", v.name(), err)}
	}
	v.res = res
	v.h.describeRoute(res, v.ns, v.req.Names, v.t.pkt.dst)
	if v.t.pkt.src == nil && res.PrefSrc != nil {
		v.t.pkt.src, v.h.Src = res.PrefSrc, res.PrefSrc
		if v.t.Src == nil {
			v.t.Src = res.PrefSrc
		}
	}
	return nil
}

func (v *visit) isLocal() bool { return v.res.Fail == RouteOK && v.res.Type == model.RTN_LOCAL }

// loopbackDown: a packet to the namespace's own address goes through its
// loopback, which a new namespace has down (and without 127.0.0.1 until
// it first comes up).
func (v *visit) loopbackDown() *outcome {
	lo := loopback(v.ns)
	if v.in != "" || lo == nil || lo.Up() {
		return nil
	}
	if v.isLocal() || v.res.Fail == RouteNone && v.t.pkt.dst.IsLoopback() {
		return v.dropf("link down: %s in %s is down, and packets to the namespace's own addresses go through it", model.Visible(lo.Name), v.name())
	}
	return nil
}

// local: the namespace has the destination address, and its firewall
// lets the packet in.
func (v *visit) local() *outcome {
	if !v.isLocal() {
		return nil
	}
	if o := v.localHooks(); o != nil {
		return o
	}
	v.h.Out = ""
	return &outcome{verdict: Delivered, at: v.ns, reason: fmt.Sprintf("%s is an address of %s", v.t.pkt.dst, v.name())}
}

// readState reads the switches of a namespace that would forward the
// packet; it ends the visit only when they cannot be read.
func (v *visit) readState() *outcome {
	if v.in == "" {
		return nil
	}
	st, err := v.t.state(v.req, v.ns.Key)
	if err != nil {
		return &outcome{err: fmt.Errorf("read the forwarding state of %s: %w", v.name(), err)}
	}
	v.st = st
	return nil
}

// sourceRefused: the source is checked on arrival, before forwarding is:
// Linux 6.13 and later answer a failed check with EINVAL, older ones with
// EXDEV.
func (v *visit) sourceRefused() *outcome {
	if v.in == "" {
		return nil
	}
	if v.res.Fail == RouteRPFilter || v.res.Fail == RouteBlackhole && longestMatch(v.ns, RouteBlackhole, v.t.pkt.dst) == nil {
		return v.drop(sourceReason(v.st, v.ns, v.t.pkt.src, v.in))
	}
	return nil
}

// deviceForwardingOff: ip_forward sets every device's switch; one
// device's can be off alone, and the kernel then answers EHOSTUNREACH with
// no unreachable route in sight.
func (v *visit) deviceForwardingOff() *outcome {
	dst := v.t.pkt.dst
	if v.in == "" || !forwards(v.st, dst) || v.res.Fail != RouteUnreachable ||
		longestMatch(v.ns, RouteUnreachable, dst) != nil || model.FamilyOf(dst) != model.AF_INET {
		return nil
	}
	return v.dropf("forwarding off on %s: %s does not forward what arrives there (net.ipv4.conf.%s.forwarding is 0)", model.Visible(v.in), v.name(), model.Visible(v.in))
}

// forwardingOff: the namespace would have to forward the packet and does
// not forward at all.
func (v *visit) forwardingOff() *outcome {
	if v.in == "" || forwards(v.st, v.t.pkt.dst) {
		return nil
	}
	return v.dropf("forwarding off: %s would have to forward the packet, but %s is 0 there", v.name(), forwardingSysctl(v.t.pkt.dst))
}

// refused: the kernel found no route it would use.
func (v *visit) refused() *outcome {
	if v.res.Fail == RouteOK {
		return nil
	}
	return v.drop(failReason(v.res, v.ns, v.t.pkt.dst, v.in))
}

// rejectRoute: a route that exists to refuse the packet matches it.
func (v *visit) rejectRoute() *outcome {
	switch v.res.Type {
	case model.RTN_BLACKHOLE, model.RTN_UNREACHABLE, model.RTN_PROHIBIT:
		return v.dropf("a %s route matches %s", model.RouteTypeName(v.res.Type), v.t.pkt.dst)
	}
	return nil
}

// untracedRoute: a route of a type trace does not follow (broadcast,
// multicast, nat, …).
func (v *visit) untracedRoute() *outcome {
	if v.res.Type == model.RTN_UNICAST {
		return nil
	}
	return v.dropf("the route is of type %s, which trace does not follow", model.RouteTypeName(v.res.Type))
}

// egress finds the route's device and the next hop on it; it ends the
// visit when the device has gone since the snapshot.
func (v *visit) egress() *outcome {
	out := v.ns.Link(v.res.OutIndex)
	if out == nil {
		out = v.ns.LinkByName(v.res.Out)
	}
	if out == nil {
		return v.dropf("the route's device %s is not in the snapshot (it changed meanwhile; trace again)", model.Visible(v.res.Out))
	}
	v.out, v.h.Out = out, out.Name
	v.nh = v.t.pkt.dst
	if v.res.Gateway != nil {
		v.nh = v.res.Gateway
		v.h.Via = v.res.Gateway.String()
	}
	v.h.Neighbour = neighbourOf(v.ns, v.nh, out.Index)
	return nil
}

// egressDown: the device the packet would leave through is down.
func (v *visit) egressDown() *outcome {
	if v.out.Up() {
		return nil
	}
	return v.dropf("link down: %s in %s (the sending end) is down", model.Visible(v.out.Name), v.name())
}

// crossWire follows the frame across veths and bridges; it ends the visit
// when the way is shut somewhere along it.
func (v *visit) crossWire() *outcome {
	// A namespace whose bridge ports cannot be read counts its ports as
	// forwarding: the trace then shows the path the snapshot supports.
	portState := func(k model.NsKey) NsState { st, _ := v.t.state(v.req, k); return st }
	v.w = crossWire(v.req.Snap, portState, v.ns, v.out, v.nh)
	v.h.Wire = v.w.path
	if v.w.blocked == "" {
		return nil
	}
	return &outcome{verdict: Dropped, at: v.w.blockedNs, reason: v.w.blocked}
}

// wrongNeighbour: a permanent neighbour entry sends the frames for the
// next hop to a MAC that is not its owner's.
func (v *visit) wrongNeighbour() *outcome {
	if v.w.owner == nil {
		return nil
	}
	if why := wrongNeighbour(v.ns, v.out, v.nh, v.w.owner, v.w.ownerIn); why != "" {
		return v.drop(why)
	}
	return nil
}

// nextNamespace: the namespace that has the next hop takes the packet.
func (v *visit) nextNamespace() *outcome {
	if v.w.owner == nil {
		return nil
	}
	return &outcome{next: v.w.owner, nextIn: v.w.ownerIn}
}

// leavesHost: the frame goes out of a device that leads off this host.
func (v *visit) leavesHost() *outcome {
	if v.w.exit == "" {
		return nil
	}
	return &outcome{verdict: Leaves, at: v.w.exitNs, device: v.w.exit,
		reason: fmt.Sprintf("leaves the host through %s (%s) in %s towards %s", model.Visible(v.w.exit), v.w.exitKind, model.Visible(v.w.exitNs.DisplayName()), v.nh)}
}

// nobodyThere: nothing behind the egress device has the next hop.
func (v *visit) nobodyThere() *outcome {
	return v.dropf("nothing behind %s in %s has the address %s (the neighbour lookup would fail)", model.Visible(v.out.Name), v.name(), v.nh)
}

// describeRoute fills the hop's route text from the kernel's answer.
func (h *Hop) describeRoute(res RouteResult, ns *model.Namespace, names *model.Names, dst net.IP) {
	h.Out = res.Out
	if res.Match != nil {
		h.Route = model.RouteText(res.Match, names)
		if !strings.Contains(h.Route, " table ") {
			h.Route += " table " + names.Table(res.Match.Table)
		}
		h.Table = names.Table(res.Match.Table)
		return
	}
	if res.Fail == RouteOK {
		h.Table = names.Table(res.Table)
		return
	}
	// A refused lookup has no answer to print; the snapshot's own entry of
	// the refusing type stands in.
	if r := longestMatch(ns, res.Fail, dst); r != nil {
		h.Route = model.RouteText(r, names)
		if r.Table != model.TableMain {
			h.Table = names.Table(r.Table)
		} else {
			h.Route += " table main"
			h.Table = "main"
		}
	}
}
