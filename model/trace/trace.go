// Package trace follows one packet from a namespace to a destination the
// way the kernels on this host would move it: a route lookup in each
// namespace (asked of the kernel by the caller, so policy rules and every
// table count), then across the wire the egress device stands for — a veth
// to its peer, a bridge to the port behind which the next hop lives — into
// the next namespace, until the packet is delivered, leaves the host, or is
// dropped. It is pure: it reads a snapshot and asks the kernel only through
// the functions of a Request.
package trace

import (
	"errors"
	"fmt"
	"net"

	"github.com/lazyns/lazyns/model"
)

// Request is what to trace and how to ask the kernels.
type Request struct {
	Snap  *model.Snapshot
	From  model.NsKey
	Dst   net.IP
	Src   net.IP // optional
	Probe Probe  // the zero Probe is an ICMP echo
	Names *model.Names
	// Lookup and State talk to the kernel; tests pass fakes.
	Lookup RouteLookup
	State  StateReader
	// Firewall reads a namespace's firewall; nil leaves firewalls out,
	// and the trace follows the routes alone.
	Firewall FirewallReader

	// reads are shared by the packet's trace and its reply's.
	reads *reads
	// reply is set on the way back, with the translations the packet
	// got, which its reply gets undone.
	reply    bool
	back     []natDone
	backPort uint16 // the port the packet reached, where its reply starts
}

// FirewallReader reads the firewall of namespace ns.
type FirewallReader func(ns model.NsKey) (*model.Firewall, error)

// reads keep what was read of each namespace once per trace.
type reads struct {
	states map[model.NsKey]stateRead
	fws    map[model.NsKey]fwRead
}

type fwRead struct {
	fw  *model.Firewall
	err error
}

// Trace is the path a packet takes and how it ends.
type Trace struct {
	Verdict Verdict
	Reason  string
	// Ns is where the packet was delivered, dropped, or left the host.
	Ns     model.NsKey
	NsName string
	// Device is the device it left the host through (Leaves).
	Device string
	Dst    net.IP
	// Src is the source address the packet carries (given or chosen).
	Src  net.IP
	Hops []Hop
	// Command shows by hand where the trace ended.
	Command string
	// Reply is the way back of a delivered packet's answer (from Dst to
	// Src, as NAT left them); nil when the packet was not delivered or
	// never left its namespace.
	Reply *Trace
	// Probe is the packet followed.
	Probe Probe
	// Rule is the firewall rule (or chain policy) that dropped the
	// packet; nil when no firewall did.
	Rule *FwHit
	// Unsure are the rules on the way that trace cannot evaluate and
	// that would change the packet's fate: drop or reject it (the verdict
	// then says what happens if they do not), accept it before a drop, or
	// translate it. The trace goes on as if they do not apply.
	Unsure []FwHit
	// Notes say what trace could not read on the way (a namespace's
	// firewall, tables of a kind it does not follow).
	Notes []string

	// pkt is the packet as it stands (NAT rewrites it); nats are the
	// translations it got, in order.
	pkt  packet
	nats []natDone
	// noted are the namespaces whose firewall got a note.
	noted map[model.NsKey]bool
	// mayReason is the part of Reason that names the rules that may drop
	// the packet.
	mayReason string
}

// natDone is a translation the packet got in a namespace.
type natDone struct {
	ns model.NsKey
	// dst: the destination was rewritten (dnat, redirect); else the
	// source (snat, masquerade).
	dst        bool
	from, to   net.IP
	fromPort   uint16
	toPort     uint16
	kind, hook string
}

type stateRead struct {
	st  NsState
	err error
}

// state reads a namespace's state once per trace.
func (t *Trace) state(req Request, k model.NsKey) (NsState, error) {
	r, ok := req.reads.states[k]
	if !ok {
		r.st, r.err = req.State(k)
		req.reads.states[k] = r
	}
	return r.st, r.err
}

// firewall reads a namespace's firewall once per trace; nil when the
// request reads none or it could not be read (a note says so).
func (t *Trace) firewall(req Request, ns *model.Namespace) *model.Firewall {
	if req.Firewall == nil {
		return nil
	}
	r, ok := req.reads.fws[ns.Key]
	if !ok {
		r.fw, r.err = req.Firewall(ns.Key)
		req.reads.fws[ns.Key] = r
	}
	if !t.noted[ns.Key] {
		t.noted[ns.Key] = true
		name := model.Visible(ns.DisplayName())
		switch {
		case r.err != nil:
			t.Notes = append(t.Notes, fmt.Sprintf("the firewall of %s could not be read (%s): the trace leaves it out", name, model.Visible(r.err.Error())))
		case r.fw != nil:
			t.Notes = append(t.Notes, firewallNotes(name, r.fw)...)
		}
	}
	return r.fw
}

// Hop is the packet in one namespace.
type Hop struct {
	Ns     model.NsKey
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
	// After a destination NAT it asks for the translated address, as the
	// kernel's own lookup does: ip route get does not see netfilter.
	Command string
	// Src and Dst are the packet's addresses as it arrives here: a
	// translation in an earlier namespace shows in them.
	Src, Dst net.IP
	// Firewall are the rules (and policies) that acted on the packet
	// here, or may have, in the order it met them.
	Firewall []FwHit
	// NAT are the translations the packet got here.
	NAT []NATStep
}

// maxHops bounds a trace whatever the topology; a loop is caught earlier.
const maxHops = 64

// ErrSrcNotLocal is returned when --from names an address the starting
// namespace does not have.
var ErrSrcNotLocal = errors.New("is not an address of the namespace")

// Follow follows a packet from req.From to req.Dst and, when it is
// delivered elsewhere, its reply back.
func Follow(req Request) (*Trace, error) {
	start := req.Snap.Find(req.From)
	if start == nil {
		return nil, fmt.Errorf("namespace %s is gone", req.From)
	}
	if req.Src != nil && !ownsAddr(start, req.Src) {
		return nil, fmt.Errorf("%s %w %s", req.Src, ErrSrcNotLocal, model.Visible(start.DisplayName()))
	}
	if req.Names == nil {
		req.Names = model.DefaultNames()
	}
	req.reads = &reads{states: map[model.NsKey]stateRead{}, fws: map[model.NsKey]fwRead{}}
	t, err := walk(req, start)
	if err != nil || t.Verdict != Delivered || t.Ns == req.From || t.pkt.src == nil {
		return t, err
	}
	// A ping needs its answer back: the reply starts where the packet was
	// delivered, from the address it was delivered to, towards the
	// source it arrived from — NAT's addresses, which the namespaces that
	// translated it translate back.
	back := req
	back.From, back.Dst, back.Src = t.Ns, t.pkt.src, t.pkt.dst
	back.reply, back.back, back.backPort = true, t.nats, t.pkt.dport
	t.Reply, err = walk(back, req.Snap.Find(t.Ns))
	return t, err
}

// walk moves the packet from start, hop by hop, until it ends.
func walk(req Request, start *model.Namespace) (*Trace, error) {
	t := &Trace{Dst: req.Dst, Src: req.Src, Probe: req.Probe, noted: map[model.NsKey]bool{}}
	t.pkt = packet{src: req.Src, dst: req.Dst}
	if !req.Probe.Echo() {
		t.pkt.dport = req.Probe.Port
		if req.reply {
			t.pkt.sport, t.pkt.dport = req.backPort, 0
		}
	}
	// A packet may pass a namespace twice when NAT sent it back in with
	// other addresses; with the same ones, it goes round for ever.
	type pass struct {
		ns       model.NsKey
		src, dst string
	}
	visited := map[pass]bool{}
	ns, in := start, ""
	for len(t.Hops) < maxHops {
		if visited[pass{ns.Key, t.pkt.src.String(), t.pkt.dst.String()}] {
			t.end(Dropped, ns, fmt.Sprintf("a loop: the packet comes back to %s", model.Visible(ns.DisplayName())))
			return t, nil
		}
		next, nextIn, err := t.step(req, ns, in)
		if err != nil || next == nil {
			return t, err
		}
		// The packet as it arrived (its source known by now).
		h := &t.Hops[len(t.Hops)-1]
		visited[pass{ns.Key, h.Src.String(), h.Dst.String()}] = true
		ns, in = next, nextIn
	}
	t.end(Dropped, ns, fmt.Sprintf("more than %d hops", maxHops))
	return t, nil
}

func (t *Trace) end(verdict Verdict, ns *model.Namespace, reason string) {
	t.Verdict, t.Reason, t.Ns, t.NsName = verdict, reason, ns.Key, ns.DisplayName()
}
