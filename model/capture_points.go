package model

import "strconv"

// CapturePoint is an interface to capture on: a link in a namespace, by
// the name and ifindex it has there.
type CapturePoint struct {
	Ns NsKey
	// NsName is the namespace's display name, "" for the namespace lazyns
	// runs in (a packet line then names the interface alone).
	NsName string
	Index  int
	Name   string
}

// PointOf is the capture point of link l of ns.
func PointOf(ns *Namespace, l *Link) CapturePoint {
	p := CapturePoint{Ns: ns.Key, Index: l.Index, Name: l.Name}
	if !ns.Host {
		p.NsName = ns.DisplayName()
	}
	return p
}

// CaptureChoice is one set of capture points offered for a link.
type CaptureChoice struct {
	Label  string // made inert: names pass through Visible
	Points []CapturePoint
}

// CaptureChoices are the captures `c` offers on link index of namespace
// key, the link alone first, then:
//   - for a veth whose other end is known, both ends: a packet is seen
//     leaving one and arriving at the other, or where it went missing;
//   - for a bridge, every port of it; for a port, every port of its bridge.
//
// A bridge's ports are offered without the veth peers behind them: each
// port already shows a packet entering the bridge (In) and leaving it
// (Out), and the peer in a container carries the same packet again, which
// doubles every line under a flood and the sockets with it (a bridge of
// 200 ports would take 400) without saying anything new. A peer is added
// by naming it, as any other interface.
//
// None when the link is not in the snapshot.
func CaptureChoices(snap *Snapshot, key NsKey, index int) []CaptureChoice {
	ns := snap.Find(key)
	if ns == nil {
		return nil
	}
	l := ns.Link(index)
	if l == nil {
		return nil
	}
	name := Visible(l.Name)
	out := []CaptureChoice{{Label: name + " alone", Points: []CapturePoint{PointOf(ns, l)}}}
	if peer, pns := VethPeer(snap, l); peer != nil {
		out = append(out, CaptureChoice{
			Label:  "both ends: " + name + " and " + Visible(peer.Name) + " in " + Visible(pns.DisplayName()),
			Points: []CapturePoint{PointOf(ns, l), PointOf(pns, peer)},
		})
	}
	bridge := l
	if l.Kind != "bridge" {
		bridge = ns.Master(l)
	}
	if bridge != nil && bridge.Kind == "bridge" {
		if ports := BridgePorts(ns, bridge); len(ports) > 0 {
			label := "every port of " + Visible(bridge.Name)
			if bridge != l {
				label = "every port of its bridge " + Visible(bridge.Name)
			}
			out = append(out, CaptureChoice{Label: label + " (" + strconv.Itoa(len(ports)) + ")", Points: ports})
		}
	}
	return out
}

// VethPeer is the other end of veth l and the namespace holding it, when
// the snapshot has both.
func VethPeer(snap *Snapshot, l *Link) (*Link, *Namespace) {
	if !l.IsVeth() || l.Peer == nil {
		return nil, nil
	}
	pns := snap.Find(l.Peer.Ns)
	if pns == nil {
		return nil, nil
	}
	peer := pns.Link(l.Peer.Index)
	if peer == nil {
		return nil, nil
	}
	return peer, pns
}

// BridgePorts are the capture points of the ports of bridge, in ifindex
// order (the order ip link lists them).
func BridgePorts(ns *Namespace, bridge *Link) []CapturePoint {
	var out []CapturePoint
	for i := range ns.Links {
		if p := &ns.Links[i]; p.MasterIndex == bridge.Index && p.Index != bridge.Index {
			out = append(out, PointOf(ns, p))
		}
	}
	return out
}
