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
	Names *model.Names
	// Lookup and State talk to the kernel; tests pass fakes.
	Lookup RouteLookup
	State  StateReader
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
	// Src); nil when the packet was not delivered or never left its
	// namespace.
	Reply *Trace

	states map[model.NsKey]stateRead
}

type stateRead struct {
	st  NsState
	err error
}

// state reads a namespace's state once per trace.
func (t *Trace) state(req Request, k model.NsKey) (NsState, error) {
	r, ok := t.states[k]
	if !ok {
		r.st, r.err = req.State(k)
		t.states[k] = r
	}
	return r.st, r.err
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
	Command string
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
	t, err := walk(req, start)
	if err != nil || t.Verdict != Delivered || t.Ns == req.From || t.Src == nil {
		return t, err
	}
	// A ping needs its answer back: the reply starts where the packet was
	// delivered, from the address it was sent to, towards its source.
	back := req
	back.From, back.Dst, back.Src = t.Ns, t.Src, req.Dst
	t.Reply, err = walk(back, req.Snap.Find(t.Ns))
	return t, err
}

// walk moves the packet from start, hop by hop, until it ends.
func walk(req Request, start *model.Namespace) (*Trace, error) {
	t := &Trace{Dst: req.Dst, Src: req.Src, states: map[model.NsKey]stateRead{}}
	visited := map[model.NsKey]bool{}
	ns, in := start, ""
	for len(t.Hops) < maxHops {
		if visited[ns.Key] {
			t.end(Dropped, ns, fmt.Sprintf("a loop: the packet comes back to %s", model.Visible(ns.DisplayName())))
			return t, nil
		}
		visited[ns.Key] = true
		next, nextIn, err := t.step(req, ns, in)
		if err != nil || next == nil {
			return t, err
		}
		ns, in = next, nextIn
	}
	t.end(Dropped, ns, fmt.Sprintf("more than %d hops", maxHops))
	return t, nil
}

func (t *Trace) end(verdict Verdict, ns *model.Namespace, reason string) {
	t.Verdict, t.Reason, t.Ns, t.NsName = verdict, reason, ns.Key, ns.DisplayName()
}
