package model

import "strconv"

// PeerQuery is a question only the kernel can answer: which namespace does
// the id NsID, as seen from namespace From, stand for? Candidates are the
// namespaces that hold a veth end matching one that points there, so the
// answer is found by asking about a few namespaces rather than all of them.
type PeerQuery struct {
	From       NsKey
	NsID       int
	Candidates []NsKey
}

type linkAt struct {
	ns   *Namespace
	link *Link
}

// peerIndex is the peer's ifindex in its own namespace. The kernel omits
// IFLA_LINK when it equals the link's own index, so an absent one means that.
func peerIndex(l *Link) int {
	if l.HasParent && l.ParentIndex != 0 {
		return l.ParentIndex
	}
	return l.Index
}

// PeerQueries lists the nsid questions needed to resolve every veth peer in
// the snapshot that its namespaces' NsIDs do not already answer.
func PeerQueries(s *Snapshot) []PeerQuery {
	byIndex := map[int][]linkAt{}
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		for j := range ns.Links {
			l := &ns.Links[j]
			if l.IsVeth() && l.NetNsID != NoNsID {
				byIndex[l.Index] = append(byIndex[l.Index], linkAt{ns, l})
			}
		}
	}
	type q struct {
		from NsKey
		id   int
	}
	seen := map[q]int{}
	var out []PeerQuery
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		for j := range ns.Links {
			l := &ns.Links[j]
			if !l.IsVeth() || l.NetNsID == NoNsID {
				continue
			}
			if _, known := ns.NsIDs[l.NetNsID]; known {
				continue
			}
			key := q{ns.Key, l.NetNsID}
			at, ok := seen[key]
			if !ok {
				at = len(out)
				seen[key] = at
				out = append(out, PeerQuery{From: ns.Key, NsID: l.NetNsID})
			}
			for _, c := range byIndex[peerIndex(l)] {
				if c.ns.Key == ns.Key || peerIndex(c.link) != l.Index {
					continue
				}
				out[at].Candidates = appendUnique(out[at].Candidates, c.ns.Key)
			}
		}
	}
	return out
}

func appendUnique(keys []NsKey, k NsKey) []NsKey {
	for _, have := range keys {
		if have == k {
			return keys
		}
	}
	return append(keys, k)
}

// ResolvePeers sets Peer on every veth whose other end can be found from the
// namespaces' NsIDs. A peer in a namespace lazyns cannot see is left with
// only its index and the nsid, so the screen can still say where it points.
//
// Namespaces and links are looked up through maps built once: at ten
// thousand namespaces, with most veths' peers in a host of thousands of
// links, a linear search for each would cost more than the reading.
func ResolvePeers(s *Snapshot) { ResolvePeersOf(s, nil) }

// ResolvePeersOf is ResolvePeers for the namespaces only picks (all when
// nil): the others' links are looked at, never changed, so they may be
// shared with a snapshot another goroutine reads.
func ResolvePeersOf(s *Snapshot, only func(*Namespace) bool) {
	byKey := make(map[NsKey]*Namespace, len(s.Namespaces))
	for i := range s.Namespaces {
		if ns := &s.Namespaces[i]; !ns.Stale {
			if _, dup := byKey[ns.Key]; !dup {
				byKey[ns.Key] = ns
			}
		}
	}
	indexes := map[*Namespace]map[int]string{}
	nameOf := func(ns *Namespace, index int) string {
		if len(ns.Links) < 16 {
			if p := ns.Link(index); p != nil {
				return p.Name
			}
			return ""
		}
		m, ok := indexes[ns]
		if !ok {
			m = make(map[int]string, len(ns.Links))
			for i := len(ns.Links) - 1; i >= 0; i-- { // the first of a duplicate index wins, as Link finds it
				m[ns.Links[i].Index] = ns.Links[i].Name
			}
			indexes[ns] = m
		}
		return m[index]
	}
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		if only != nil && !only(ns) {
			continue
		}
		for j := range ns.Links {
			l := &ns.Links[j]
			l.Peer = nil
			if !l.IsVeth() {
				continue
			}
			idx := peerIndex(l)
			if l.NetNsID == NoNsID {
				if !l.HasParent || l.ParentIndex == 0 {
					continue // the peer is gone
				}
				l.Peer = &PeerRef{Ns: ns.Key, Index: idx, NsName: ns.DisplayName(), Name: nameOf(ns, idx)}
				continue
			}
			ref := &PeerRef{Index: idx, NsName: "nsid " + strconv.Itoa(l.NetNsID)}
			if key, ok := ns.NsIDs[l.NetNsID]; ok {
				if other := byKey[key]; other != nil {
					ref.Ns = key
					ref.NsName = other.DisplayName()
					ref.Name = nameOf(other, idx)
				}
			}
			l.Peer = ref
		}
	}
}

// Ports lists the links enslaved to the given bridge in the same namespace.
func (n *Namespace) Ports(bridgeIndex int) []*Link {
	var out []*Link
	for i := range n.Links {
		if n.Links[i].MasterIndex == bridgeIndex && bridgeIndex != 0 {
			out = append(out, &n.Links[i])
		}
	}
	return out
}

// Master returns the bridge a link is a port of, or nil.
func (n *Namespace) Master(l *Link) *Link {
	if l.MasterIndex == 0 {
		return nil
	}
	return n.Link(l.MasterIndex)
}

// PropagateNsIDs fills in the ids that veth symmetry already answers: if a
// veth in A reaches B through A's id n, its peer in B reaches A, so the id
// that peer carries stands for A. One kernel question then serves both
// directions of a pair.
func PropagateNsIDs(s *Snapshot) {
	index := make(map[NsKey]*Namespace, len(s.Namespaces))
	for i := range s.Namespaces {
		if !s.Namespaces[i].Stale {
			index[s.Namespaces[i].Key] = &s.Namespaces[i]
		}
	}
	for i := range s.Namespaces {
		a := &s.Namespaces[i]
		for j := range a.Links {
			l := &a.Links[j]
			if !l.IsVeth() || l.NetNsID == NoNsID {
				continue
			}
			bKey, ok := a.NsIDs[l.NetNsID]
			if !ok {
				continue
			}
			b := index[bKey]
			if b == nil {
				continue
			}
			m := b.Link(peerIndex(l))
			if m == nil || !m.IsVeth() || m.NetNsID == NoNsID || peerIndex(m) != l.Index {
				continue
			}
			if _, known := b.NsIDs[m.NetNsID]; !known {
				if b.NsIDs == nil {
					b.NsIDs = map[int]NsKey{}
				}
				b.NsIDs[m.NetNsID] = a.Key
			}
		}
	}
}
