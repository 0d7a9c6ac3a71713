package model

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
)

// A trace follows one packet from a namespace to a destination the way the
// kernels on this host would move it: a route lookup in each namespace
// (asked of the kernel by the caller, so policy rules and every table count),
// then across the wire the egress device stands for — a veth to its peer, a
// bridge to the port behind which the next hop lives — into the next
// namespace, until the packet is delivered, leaves the host, or is dropped.

// Verdicts of a trace.
const (
	VerdictDelivered = "delivered"
	VerdictLeaves    = "leaves"
	VerdictDropped   = "dropped"
)

// RouteFail is why the kernel refused a route lookup.
type RouteFail int

const (
	RouteOK          RouteFail = iota
	RouteNone                  // ENETUNREACH: no route matches
	RouteUnreachable           // EHOSTUNREACH: an unreachable route (or, forwarded, forwarding off)
	RouteBlackhole             // EINVAL: a blackhole route, or an address the kernel calls martian
	RouteProhibit              // EACCES: a prohibit route
	RouteRPFilter              // EXDEV: reverse-path filter rejects the source on that ingress
	RouteOther                 // anything else; Detail says what
)

// RouteQuery is one lookup, as `ip route get Dst [from Src] [iif Iif]`.
type RouteQuery struct {
	Dst net.IP
	// Src is the source address; nil lets the kernel choose (first hop only).
	Src net.IP
	// Iif is the ingress device of a forwarded packet; "" for a packet that
	// starts in the namespace.
	Iif string
}

// RouteResult is the kernel's answer to a RouteQuery.
type RouteResult struct {
	Fail RouteFail
	// Detail is the kernel's own words when Fail is set.
	Detail string
	// Type is the RTN_* type of the answer (RTN_LOCAL: delivered here).
	Type     uint8
	Table    uint32
	OutIndex int
	Out      string
	Gateway  net.IP
	PrefSrc  net.IP
	// Match is the table entry that matched (`ip route get fibmatch`), nil
	// when the kernel could not say.
	Match *Route
}

// RouteLookup asks the kernel of namespace ns for a route.
type RouteLookup func(ns NsKey, q RouteQuery) (RouteResult, error)

// Bridge port STP states (BR_STATE_*).
const (
	BrStateDisabled   = 0
	BrStateListening  = 1
	BrStateLearning   = 2
	BrStateForwarding = 3
	BrStateBlocking   = 4
)

var brStates = []string{"disabled", "listening", "learning", "forwarding", "blocking"}

// BrStateName is the port state as `bridge link` prints it.
func BrStateName(s uint8) string {
	if int(s) < len(brStates) {
		return brStates[s]
	}
	return fmt.Sprint(s)
}

// NsState is what a trace needs from a namespace beyond its snapshot.
type NsState struct {
	// Forward4 and Forward6 are net.ipv4.ip_forward and
	// net.ipv6.conf.all.forwarding.
	Forward4, Forward6 bool
	// PortState maps a bridge port's ifindex to its BR_STATE_*; ports
	// missing from it count as forwarding.
	PortState map[int]uint8
	// RPFilter is net.ipv4.conf.*.rp_filter by device name, "all"
	// included; the kernel applies the larger of "all" and the device's.
	RPFilter map[string]int
}

// StateReader reads a namespace's NsState.
type StateReader func(ns NsKey) (NsState, error)

// TraceRequest is what to trace and how to ask the kernels.
type TraceRequest struct {
	Snap  *Snapshot
	From  NsKey
	Dst   net.IP
	Src   net.IP // optional
	Names *Names
	// Lookup and State talk to the kernel; tests pass fakes.
	Lookup RouteLookup
	State  StateReader
}

// Trace is the path a packet takes and how it ends.
type Trace struct {
	Verdict string
	Reason  string
	// Ns is where the packet was delivered, dropped, or left the host.
	Ns     NsKey
	NsName string
	// Device is the device it left the host through (VerdictLeaves).
	Device string
	Dst    net.IP
	// Src is the source address the packet carries (given or chosen).
	Src  net.IP
	Hops []Hop
	// Command shows by hand where the trace ended.
	Command string
	// Reply is the way back of a delivered packet's answer (from Dst to
	// Src); nil when the packet was not delivered or never left its
	// namespace.
	Reply *Trace

	states map[NsKey]stateRead
}

type stateRead struct {
	st  NsState
	err error
}

// state reads a namespace's state once per trace.
func (t *Trace) state(req TraceRequest, k NsKey) (NsState, error) {
	r, ok := t.states[k]
	if !ok {
		r.st, r.err = req.State(k)
		t.states[k] = r
	}
	return r.st, r.err
}

// Hop is the packet in one namespace.
type Hop struct {
	Ns     NsKey
	NsName string
	// In is the ingress device; "" in the namespace the packet starts in.
	In string
	// Out is the egress device; "" when the packet ends here.
	Out string
	// Route is the matched route as `ip route` prints it, with its table.
	Route string
	Table string
	// Via is the gateway, or "" when the destination is on the link.
	Via string
	// Neighbour is the neighbour entry of the next hop on Out, if any.
	Neighbour string
	// Wire is the way across to the next namespace: devices and bridges
	// passed, as "name (namespace)".
	Wire []string
	// Command is the `ip route get` that shows this hop's lookup by hand.
	Command string
}

// maxHops bounds a trace whatever the topology; a loop is caught earlier.
const maxHops = 64

// ErrSrcNotLocal is returned when --from names an address the starting
// namespace does not have.
var ErrSrcNotLocal = errors.New("is not an address of the namespace")

// TraceRoute follows a packet from req.From to req.Dst and, when it is
// delivered elsewhere, its reply back.
func TraceRoute(req TraceRequest) (*Trace, error) {
	start := req.Snap.Find(req.From)
	if start == nil {
		return nil, fmt.Errorf("namespace %s is gone", req.From)
	}
	if req.Src != nil && !ownsAddr(start, req.Src) {
		return nil, fmt.Errorf("%s %w %s", req.Src, ErrSrcNotLocal, Visible(start.DisplayName()))
	}
	if req.Names == nil {
		req.Names = DefaultNames()
	}
	t, err := follow(req, start)
	if err != nil || t.Verdict != VerdictDelivered || t.Ns == req.From || t.Src == nil {
		return t, err
	}
	// A ping needs its answer back: the reply starts where the packet was
	// delivered, from the address it was sent to, towards its source.
	back := req
	back.From, back.Dst, back.Src = t.Ns, t.Src, req.Dst
	t.Reply, err = follow(back, req.Snap.Find(t.Ns))
	return t, err
}

// follow moves the packet from start, hop by hop, until it ends.
func follow(req TraceRequest, start *Namespace) (*Trace, error) {
	t := &Trace{Dst: req.Dst, Src: req.Src, states: map[NsKey]stateRead{}}
	visited := map[NsKey]bool{}
	ns, in := start, ""
	for len(t.Hops) < maxHops {
		if visited[ns.Key] {
			t.end(VerdictDropped, ns, fmt.Sprintf("a loop: the packet comes back to %s", Visible(ns.DisplayName())))
			return t, nil
		}
		visited[ns.Key] = true
		next, nextIn, err := t.step(req, ns, in)
		if err != nil || next == nil {
			return t, err
		}
		ns, in = next, nextIn
	}
	t.end(VerdictDropped, ns, fmt.Sprintf("more than %d hops", maxHops))
	return t, nil
}

// step is the packet in ns, arrived on in ("" at the start). It returns the
// next namespace and ingress device, or nil when the trace has ended.
func (t *Trace) step(req TraceRequest, ns *Namespace, in string) (*Namespace, string, error) {
	hop := Hop{Ns: ns.Key, NsName: ns.DisplayName(), In: in}
	q := RouteQuery{Dst: req.Dst, Src: t.Src, Iif: in}
	hop.Command = RouteGetCommand(ns, q)
	t.Hops = append(t.Hops, hop)
	h := &t.Hops[len(t.Hops)-1]
	t.Command = h.Command

	if in != "" {
		if l := ns.LinkByName(in); l != nil && !l.Up() {
			t.end(VerdictDropped, ns, fmt.Sprintf("link down: %s in %s (the receiving end) is down", Visible(in), Visible(ns.DisplayName())))
			return nil, "", nil
		}
	}
	res, err := req.Lookup(ns.Key, q)
	if err != nil {
		return nil, "", fmt.Errorf("route lookup in %s: %w", Visible(ns.DisplayName()), err)
	}
	h.describeRoute(res, ns, req.Names, req.Dst)
	if t.Src == nil && res.PrefSrc != nil {
		t.Src = res.PrefSrc
	}
	// A packet to the namespace's own address goes through its loopback,
	// which a new namespace has down (and without 127.0.0.1 until it
	// first comes up).
	if lo := loopback(ns); in == "" && lo != nil && !lo.Up() &&
		(res.Fail == RouteOK && res.Type == RTN_LOCAL || res.Fail == RouteNone && req.Dst.IsLoopback()) {
		t.end(VerdictDropped, ns, fmt.Sprintf("link down: %s in %s is down, and packets to the namespace's own addresses go through it", Visible(lo.Name), Visible(ns.DisplayName())))
		return nil, "", nil
	}
	if res.Fail == RouteOK && res.Type == RTN_LOCAL {
		h.Out = ""
		t.end(VerdictDelivered, ns, fmt.Sprintf("%s is an address of %s", req.Dst, Visible(ns.DisplayName())))
		return nil, "", nil
	}
	if in != "" {
		st, err := t.state(req, ns.Key)
		if err != nil {
			return nil, "", fmt.Errorf("read the forwarding state of %s: %w", Visible(ns.DisplayName()), err)
		}
		// The source is checked on arrival, before forwarding is: Linux
		// 6.13 and later answer a failed check with EINVAL, older ones
		// with EXDEV.
		if res.Fail == RouteRPFilter || res.Fail == RouteBlackhole && longestMatch(ns, RouteBlackhole, req.Dst) == nil {
			t.end(VerdictDropped, ns, sourceReason(st, ns, t.Src, in))
			return nil, "", nil
		}
		// ip_forward sets every device's switch; one device's can be off
		// alone, and the kernel then answers EHOSTUNREACH with no
		// unreachable route in sight.
		if forwards(st, req.Dst) && res.Fail == RouteUnreachable && longestMatch(ns, RouteUnreachable, req.Dst) == nil && familyOf(req.Dst) == AF_INET {
			t.end(VerdictDropped, ns, fmt.Sprintf("forwarding off on %s: %s does not forward what arrives there (net.ipv4.conf.%s.forwarding is 0)", Visible(in), Visible(ns.DisplayName()), Visible(in)))
			return nil, "", nil
		}
		if !forwards(st, req.Dst) {
			t.end(VerdictDropped, ns, fmt.Sprintf("forwarding off: %s would have to forward the packet, but %s is 0 there", Visible(ns.DisplayName()), forwardingSysctl(req.Dst)))
			return nil, "", nil
		}
	}
	if res.Fail != RouteOK {
		t.end(VerdictDropped, ns, failReason(res, ns, req.Dst, in))
		return nil, "", nil
	}
	switch res.Type {
	case RTN_UNICAST:
	case RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT:
		t.end(VerdictDropped, ns, fmt.Sprintf("a %s route matches %s", RouteTypeName(res.Type), req.Dst))
		return nil, "", nil
	default:
		t.end(VerdictDropped, ns, fmt.Sprintf("the route is of type %s, which trace does not follow", RouteTypeName(res.Type)))
		return nil, "", nil
	}
	out := ns.Link(res.OutIndex)
	if out == nil {
		out = ns.LinkByName(res.Out)
	}
	if out == nil {
		t.end(VerdictDropped, ns, fmt.Sprintf("the route's device %s is not in the snapshot (it changed meanwhile; trace again)", Visible(res.Out)))
		return nil, "", nil
	}
	h.Out = out.Name
	nh := req.Dst
	if res.Gateway != nil {
		nh = res.Gateway
		h.Via = res.Gateway.String()
	}
	h.Neighbour = neighbourOf(ns, nh, out.Index)
	if !out.Up() {
		t.end(VerdictDropped, ns, fmt.Sprintf("link down: %s in %s (the sending end) is down", Visible(out.Name), Visible(ns.DisplayName())))
		return nil, "", nil
	}
	// A namespace whose bridge ports cannot be read counts its ports as
	// forwarding: the trace then shows the path the snapshot supports.
	portState := func(k NsKey) NsState { st, _ := t.state(req, k); return st }
	w := crossWire(req.Snap, portState, ns, out, nh)
	h.Wire = w.path
	switch {
	case w.blocked != "":
		t.end(VerdictDropped, w.blockedNs, w.blocked)
		return nil, "", nil
	case w.owner != nil:
		if why := wrongNeighbour(ns, out, nh, w.owner, w.ownerIn); why != "" {
			t.end(VerdictDropped, ns, why)
			return nil, "", nil
		}
		return w.owner, w.ownerIn, nil
	case w.exit != "":
		t.end(VerdictLeaves, w.exitNs, fmt.Sprintf("leaves the host through %s (%s) in %s towards %s", Visible(w.exit), w.exitKind, Visible(w.exitNs.DisplayName()), nh))
		t.Device = w.exit
		return nil, "", nil
	}
	t.end(VerdictDropped, ns, fmt.Sprintf("nothing behind %s in %s has the address %s (the neighbour lookup would fail)", Visible(out.Name), Visible(ns.DisplayName()), nh))
	return nil, "", nil
}

func (t *Trace) end(verdict string, ns *Namespace, reason string) {
	t.Verdict, t.Reason, t.Ns, t.NsName = verdict, reason, ns.Key, ns.DisplayName()
}

// describeRoute fills the hop's route text from the kernel's answer.
func (h *Hop) describeRoute(res RouteResult, ns *Namespace, names *Names, dst net.IP) {
	h.Out = res.Out
	if res.Match != nil {
		h.Route = RouteText(res.Match, names)
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
		h.Route = RouteText(r, names)
		if r.Table != TableMain {
			h.Table = names.Table(r.Table)
		} else {
			h.Route += " table main"
			h.Table = "main"
		}
	}
}

// ownsAddr reports whether ns has ip on any of its links.
func ownsAddr(ns *Namespace, ip net.IP) bool {
	for i := range ns.Links {
		for _, a := range ns.Links[i].Addrs {
			if a.Local.Equal(ip) {
				return true
			}
		}
	}
	return false
}

// neighbourOf is the neighbour entry for ip on the device, as ip neigh
// prints it, or "".
func neighbourOf(ns *Namespace, ip net.IP, dev int) string {
	for i := range ns.Neighbours {
		n := &ns.Neighbours[i]
		if n.DevIndex == dev && n.Dst.Equal(ip) {
			return NeighText(n)
		}
	}
	return ""
}

// nudPermanent is NUD_PERMANENT: an entry the kernel never re-resolves.
const nudPermanent = 0x80

// wrongNeighbour says why frames for nh go nowhere when a permanent
// neighbour entry on out gives a MAC that is not the one of the interface
// that holds nh: the kernel sends to that MAC without asking (ping loses
// every packet), whatever the routes say.
func wrongNeighbour(ns *Namespace, out *Link, nh net.IP, owner *Namespace, ownerIn string) string {
	in := owner.LinkByName(ownerIn)
	if in == nil || len(in.MAC) == 0 {
		return ""
	}
	for i := range ns.Neighbours {
		n := &ns.Neighbours[i]
		if n.DevIndex != out.Index || !n.Dst.Equal(nh) || n.State&nudPermanent == 0 || len(n.LLAddr) == 0 {
			continue
		}
		if !bytes.Equal(n.LLAddr, in.MAC) {
			return fmt.Sprintf("the permanent neighbour entry for %s on %s in %s says %s, but %s is %s on %s in %s: frames go to no one (%s neigh del %s dev %s)",
				nh, Visible(out.Name), Visible(ns.DisplayName()), n.LLAddr, nh, in.MAC, Visible(in.Name), Visible(owner.DisplayName()),
				IPCommand(ns), nh, ShellQuote(out.Name))
		}
	}
	return ""
}
