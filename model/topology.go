package model

import (
	"io"
	"strconv"
	"strings"
)

// Topology is the wiring across namespaces: every bridge with its ports and
// where each port's veth leads, the veth pairs that join namespaces without
// a bridge, and a count of the namespaces wired to nothing. It points into
// the snapshot it was built from, which must not change afterwards.
type Topology struct {
	Bridges []TopoBridge
	Pairs   []TopoPair
	// Unwired are the namespaces with no veth and no bridge, in snapshot
	// order; Empty of them are empty (see Namespace.Empty).
	Unwired []*Namespace
	Empty   int
}

// TopoEnd is one interface in the topology. Ns is nil when the interface
// lives in a namespace lazyns cannot see; Link is nil when the interface
// itself was not seen. Ref then says how its other end named it.
type TopoEnd struct {
	Ns   *Namespace
	Link *Link
	Ref  *PeerRef
}

// TopoBridge is a bridge and its ports, in ifindex order.
type TopoBridge struct {
	TopoEnd
	Ports []TopoPort
}

// TopoPort is a bridge port; Peer is the other end of its veth, if it is one.
type TopoPort struct {
	TopoEnd
	Peer *TopoEnd
}

// TopoPair is a veth pair neither end of which is a bridge port.
type TopoPair struct{ A, B TopoEnd }

type linkKey struct {
	ns    NsKey
	index int
}

// BuildTopology finds the wiring in a snapshot whose peers are resolved.
func BuildTopology(snap *Snapshot) *Topology {
	t := &Topology{}
	index := make(map[NsKey]*Namespace, len(snap.Namespaces))
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; !ns.Stale {
			index[ns.Key] = ns
		}
	}
	wired := make(map[NsKey]bool)
	peerOf := func(ns *Namespace, l *Link) *TopoEnd {
		if l.Peer == nil {
			return nil
		}
		end := &TopoEnd{Ref: l.Peer}
		if other := index[l.Peer.Ns]; other != nil && (l.Peer.Ns != NsKey{}) {
			end.Ns = other
			end.Link = other.Link(l.Peer.Index)
			wired[other.Key] = true
		}
		wired[ns.Key] = true
		return end
	}
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if ns.Stale {
			continue
		}
		for j := range ns.Links {
			br := &ns.Links[j]
			if br.Kind != "bridge" {
				continue
			}
			wired[ns.Key] = true
			b := TopoBridge{TopoEnd: TopoEnd{Ns: ns, Link: br}}
			for _, p := range ns.Ports(br.Index) {
				b.Ports = append(b.Ports, TopoPort{TopoEnd: TopoEnd{Ns: ns, Link: p}, Peer: peerOf(ns, p)})
			}
			t.Bridges = append(t.Bridges, b)
		}
	}
	seen := make(map[linkKey]bool)
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if ns.Stale {
			continue
		}
		for j := range ns.Links {
			l := &ns.Links[j]
			if !l.IsVeth() || l.Peer == nil || onBridge(ns, l) || seen[linkKey{ns.Key, l.Index}] {
				continue
			}
			peer := peerOf(ns, l)
			if peer.Link != nil && onBridge(peer.Ns, peer.Link) {
				continue // listed under its bridge
			}
			seen[linkKey{ns.Key, l.Index}] = true
			if peer.Ns != nil {
				seen[linkKey{peer.Ns.Key, l.Peer.Index}] = true
			}
			t.Pairs = append(t.Pairs, TopoPair{A: TopoEnd{Ns: ns, Link: l}, B: *peer})
		}
	}
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if !ns.Stale && !wired[ns.Key] {
			t.Unwired = append(t.Unwired, ns)
			if ns.Empty() {
				t.Empty++
			}
		}
	}
	return t
}

// onBridge reports whether l is a port of a bridge, and so listed there.
func onBridge(ns *Namespace, l *Link) bool {
	m := ns.Master(l)
	return m != nil && m.Kind == "bridge"
}

// TopoLine is one line of the topology as text. Ns and Link name the
// interface the line starts with (Link is 0 on lines about no interface),
// so a viewer can jump to it. A line about a veth names its other end too,
// from byte FarAt of Text on (0: no other end): FarNs and FarLink, zero
// when that end is in a namespace lazyns cannot see.
type TopoLine struct {
	// Text is made visible (see Visible) and painted with the Paint given.
	Text string
	Ns   NsKey
	Link int

	FarAt   int
	FarNs   NsKey
	FarLink int
}

// endKey names the interface of end (its namespace and ifindex); zero
// when end is nil or its namespace unseen.
func endKey(end *TopoEnd) (NsKey, int) {
	if end == nil || end.Ns == nil {
		return NsKey{}, 0
	}
	if end.Link == nil {
		return end.Ns.Key, 0
	}
	return end.Ns.Key, end.Link.Index
}

// unwiredShown bounds how many unwired namespaces are named, a line each:
// with hundreds of them, a count says more than a list.
const unwiredShown = 8

// Lines lays the topology out as a tree.
func (t *Topology) Lines(p Paint) []TopoLine {
	var out []TopoLine
	add := func(text string, end *TopoEnd) {
		l := TopoLine{Text: text}
		l.Ns, l.Link = endKey(end)
		out = append(out, l)
	}
	// addPair adds a line about a veth: near's text, then far's.
	addPair := func(prefix, near string, nearEnd *TopoEnd, far *TopoEnd) {
		l := TopoLine{Text: prefix + near + " ⇄ "}
		l.FarAt = len(l.Text)
		l.Text += endText(far, true, p)
		l.Ns, l.Link = endKey(nearEnd)
		l.FarNs, l.FarLink = endKey(far)
		out = append(out, l)
	}
	if len(t.Bridges) > 0 {
		add(p(RoleHeader, "bridges"), nil)
	}
	for i := range t.Bridges {
		b := &t.Bridges[i]
		first, rest := branch(i == len(t.Bridges)-1)
		add(first+endText(&b.TopoEnd, true, p), &b.TopoEnd)
		if len(b.Ports) == 0 {
			add(rest+"└─ "+p(RoleDim, "no ports"), nil)
		}
		for j := range b.Ports {
			port := &b.Ports[j]
			pf, _ := branch(j == len(b.Ports)-1)
			text := endText(&port.TopoEnd, false, p)
			if port.Peer != nil {
				addPair(rest+pf, text, &port.TopoEnd, port.Peer)
				continue
			}
			if port.Link.Kind != "" {
				text += "  " + p(RoleDim, Visible(port.Link.Kind))
			}
			add(rest+pf+text, &port.TopoEnd)
		}
	}
	if len(t.Pairs) > 0 {
		add(p(RoleHeader, "veth pairs"), nil)
	}
	for i := range t.Pairs {
		pair := &t.Pairs[i]
		first, _ := branch(i == len(t.Pairs)-1)
		addPair(first, endText(&pair.A, true, p), &pair.A, &pair.B)
	}
	if n := len(t.Unwired); n > 0 {
		head := strconv.Itoa(n) + " namespace"
		if n > 1 {
			head += "s"
		}
		head += " not wired"
		if t.Empty > 0 {
			head += " (" + strconv.Itoa(t.Empty) + " empty)"
		}
		add(p(RoleHeader, head), nil)
		shown := min(n, unwiredShown)
		for i, ns := range t.Unwired[:shown] {
			first, _ := branch(i == n-1)
			add(first+p(RoleName, Visible(ns.DisplayName())), &TopoEnd{Ns: ns})
		}
		if n > shown {
			add("└─ "+p(RoleDim, "… "+strconv.Itoa(n-shown)+" more"), nil)
		}
	}
	return out
}

func branch(last bool) (first, rest string) {
	if last {
		return "└─ ", "   "
	}
	return "├─ ", "│  "
}

// endText names an interface: its namespace (when withNs), its name, DOWN
// when it is, and its addresses. Link-local addresses are left out: every
// IPv6 link has one, and they would double the width of the tree.
func endText(e *TopoEnd, withNs bool, p Paint) string {
	var b strings.Builder
	if withNs {
		name := ""
		switch {
		case e.Ns != nil:
			name = e.Ns.DisplayName()
		case e.Ref != nil:
			name = e.Ref.NsName
		}
		b.WriteString(p(RoleName, Visible(name)))
		b.WriteString(" ")
	}
	if e.Link == nil {
		label := "?"
		if e.Ref != nil {
			label = e.Ref.Name
			if label == "" {
				label = "#" + strconv.Itoa(e.Ref.Index)
			}
		}
		b.WriteString(p(RoleIfname, Visible(label)))
		return b.String()
	}
	b.WriteString(p(RoleIfname, Visible(e.Link.Name)))
	if !e.Link.Up() {
		b.WriteString(" " + p(RoleDown, "DOWN"))
	}
	for _, a := range e.Link.Addrs {
		if a.Scope == 253 {
			continue
		}
		b.WriteString(" " + p(addrRole(a.Family), a.CIDR()))
	}
	return b.String()
}

// WriteText writes the tree, one line each.
func (t *Topology) WriteText(w io.Writer, p Paint) error {
	var b strings.Builder
	for _, l := range t.Lines(p) {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
