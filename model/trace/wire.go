package trace

import (
	"fmt"
	"net"

	"github.com/lazyns/lazyns/model"
)

// crossing is what lies between a namespace's egress device and the next
// namespace: veth pairs and bridges, searched for the namespace that owns
// the next hop's address (the one that would answer its ARP or NDP query).
type crossing struct {
	path []string
	// owner is the namespace that has the next hop, entered on ownerIn.
	owner   *model.Namespace
	ownerIn string
	// exit is a device through which the frame leaves the host.
	exit     string
	exitKind string
	exitNs   *model.Namespace
	// blocked is why the way to owner or exit is shut, at blockedNs.
	blocked   string
	blockedNs *model.Namespace
	// bridged are the bridges that forward the frame from port to port
	// on the way, in order.
	bridged []bridgeCross
}

// bridgeCross is a bridge forwarding the frame from one of its ports to
// another: with br_netfilter, the IP firewall of its namespace sees it.
type bridgeCross struct {
	ns *model.Namespace
	br *model.Link
}

// wireBranch is one way a frame can go while the wire is searched.
type wireBranch struct {
	path      []string
	blocked   string
	blockedNs *model.Namespace
	bridged   []bridgeCross
}

// through is the branch with bridge br of ns forwarding the frame.
func (b wireBranch) through(ns *model.Namespace, br *model.Link) wireBranch {
	c := make([]bridgeCross, len(b.bridged), len(b.bridged)+1)
	copy(c, b.bridged)
	b.bridged = append(c, bridgeCross{ns, br})
	return b
}

func (b wireBranch) with(ns *model.Namespace, dev string) wireBranch {
	p := make([]string, len(b.path), len(b.path)+1)
	copy(p, b.path)
	b.path = append(p, dev+" ("+ns.DisplayName()+")")
	return b
}

func (b wireBranch) block(ns *model.Namespace, why string) wireBranch {
	if b.blocked == "" {
		b.blocked, b.blockedNs = why, ns
	}
	return b
}

type wireSearch struct {
	snap  *model.Snapshot
	state func(model.NsKey) NsState
	nh    net.IP
	seen  map[wireLink]bool
	// The first of each kind found, open ways before shut ones.
	owner, ownerShut *crossing
	exit, exitShut   *crossing
}

type wireLink struct {
	ns    model.NsKey
	index int
}

// crossWire follows the frame from out, the egress device in ns, to the
// namespace that owns nh, or out of the host.
func crossWire(snap *model.Snapshot, state func(model.NsKey) NsState, ns *model.Namespace, out *model.Link, nh net.IP) crossing {
	s := &wireSearch{snap: snap, state: state, nh: nh, seen: map[wireLink]bool{}}
	if out.Kind == "bridge" {
		s.seen[wireLink{ns.Key, out.Index}] = true
		s.bridge(wireBranch{}.with(ns, out.Name), ns, out, nil)
	} else {
		s.depart(wireBranch{}, ns, out)
	}
	for _, w := range []*crossing{s.owner, s.ownerShut, s.exit, s.exitShut} {
		if w != nil {
			return *w
		}
	}
	return crossing{}
}

// depart sends the frame out of l in ns.
func (s *wireSearch) depart(b wireBranch, ns *model.Namespace, l *model.Link) {
	if s.seen[wireLink{ns.Key, l.Index}] {
		return
	}
	s.seen[wireLink{ns.Key, l.Index}] = true
	b = b.with(ns, l.Name)
	if !l.Up() {
		b = b.block(ns, fmt.Sprintf("link down: %s in %s is down", model.Visible(l.Name), model.Visible(ns.DisplayName())))
	}
	switch {
	case l.IsVeth():
		var peerNs *model.Namespace
		var peer *model.Link
		if l.Peer != nil {
			if peerNs = s.snap.Find(l.Peer.Ns); peerNs != nil {
				peer = peerNs.Link(l.Peer.Index)
			}
		}
		if peer == nil {
			// The other end may know this one when this end's nsid was
			// not resolved.
			peerNs, peer = s.pointingAt(ns, l)
		}
		if peer == nil {
			s.leave(b, ns, l, "a veth whose other end lazyns cannot see")
			return
		}
		if !peer.Up() {
			b = b.block(peerNs, fmt.Sprintf("veth peer down: %s in %s, the other end of %s in %s, is down",
				model.Visible(peer.Name), model.Visible(peerNs.DisplayName()), model.Visible(l.Name), model.Visible(ns.DisplayName())))
		}
		s.arrive(b, peerNs, peer)
	case l.Kind == "bridge":
		s.bridge(b, ns, l, nil)
	case l.Flags&model.IFF_LOOPBACK != 0:
	default:
		s.leave(b, ns, l, l.KindLabel())
	}
}

// peerDown reports whether l is a veth whose other end is known and down.
func (s *wireSearch) peerDown(ns *model.Namespace, l *model.Link) bool {
	if !l.IsVeth() || l.Peer == nil {
		return false
	}
	if pns := s.snap.Find(l.Peer.Ns); pns != nil {
		if p := pns.Link(l.Peer.Index); p != nil {
			return !p.Up()
		}
	}
	return false
}

// pointingAt finds the veth whose resolved peer is l in ns.
func (s *wireSearch) pointingAt(ns *model.Namespace, l *model.Link) (*model.Namespace, *model.Link) {
	for i := range s.snap.Namespaces {
		other := &s.snap.Namespaces[i]
		for j := range other.Links {
			if p := other.Links[j].Peer; p != nil && p.Ns == ns.Key && p.Index == l.Index && other.Links[j].IsVeth() {
				return other, &other.Links[j]
			}
		}
	}
	return nil, nil
}

// arrive receives the frame on l in ns.
func (s *wireSearch) arrive(b wireBranch, ns *model.Namespace, l *model.Link) {
	s.seen[wireLink{ns.Key, l.Index}] = true
	if m := ns.Master(l); m != nil && m.Kind == "bridge" {
		if st, ok := s.state(ns.Key).PortState[l.Index]; ok && st != BrStateForwarding {
			b = b.block(ns, fmt.Sprintf("bridge port not forwarding: %s on %s in %s is %s",
				model.Visible(l.Name), model.Visible(m.Name), model.Visible(ns.DisplayName()), BrStateName(st)))
		}
		b = b.with(ns, l.Name)
		if s.seen[wireLink{ns.Key, m.Index}] {
			return
		}
		s.seen[wireLink{ns.Key, m.Index}] = true
		if !m.Up() {
			b = b.block(ns, fmt.Sprintf("link down: bridge %s in %s is down", model.Visible(m.Name), model.Visible(ns.DisplayName())))
		}
		s.bridge(b.with(ns, m.Name), ns, m, l)
		return
	}
	b = b.with(ns, l.Name)
	// An address on the arriving link itself counts even when the link is
	// down: the branch is blocked already, and that is the place to name.
	if ownsAddrUp(ns, s.nh) || linkHas(l, s.nh) {
		s.found(b, ns, l.Name)
	}
}

// bridge floods the frame from port from (nil: from the bridge device
// itself) to the bridge's own stack and its other ports.
func (s *wireSearch) bridge(b wireBranch, ns *model.Namespace, br *model.Link, from *model.Link) {
	if from != nil && ownsAddrUp(ns, s.nh) {
		s.found(b, ns, br.Name)
	}
	if from != nil {
		b = b.through(ns, br)
	}
	for _, p := range ns.Ports(br.Index) {
		if p == from {
			continue
		}
		pb := b
		// A port that is down, or a veth port whose other end is down, is
		// "disabled" to STP too; depart names the plainer cause.
		if st, ok := s.state(ns.Key).PortState[p.Index]; ok && st != BrStateForwarding && p.Up() && !s.peerDown(ns, p) {
			pb = pb.block(ns, fmt.Sprintf("bridge port not forwarding: %s on %s in %s is %s",
				model.Visible(p.Name), model.Visible(br.Name), model.Visible(ns.DisplayName()), BrStateName(st)))
		}
		s.depart(pb, ns, p)
	}
}

func (s *wireSearch) found(b wireBranch, ns *model.Namespace, in string) {
	w := &crossing{path: b.path, owner: ns, ownerIn: in, blocked: b.blocked, blockedNs: b.blockedNs, bridged: b.bridged}
	if b.blocked == "" && s.owner == nil {
		s.owner = w
	} else if b.blocked != "" && s.ownerShut == nil {
		s.ownerShut = w
	}
}

func (s *wireSearch) leave(b wireBranch, ns *model.Namespace, l *model.Link, kind string) {
	w := &crossing{path: b.path, exit: l.Name, exitKind: kind, exitNs: ns, blocked: b.blocked, blockedNs: b.blockedNs, bridged: b.bridged}
	if b.blocked == "" && s.exit == nil {
		s.exit = w
	} else if b.blocked != "" && s.exitShut == nil {
		s.exitShut = w
	}
}
