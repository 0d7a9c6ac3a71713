package model

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteDot writes the topology as a Graphviz graph: a cluster per
// namespace holding its wired interfaces, a solid edge per veth pair and a
// dashed one from each port to its bridge. Identifiers are built from
// numbers only; every name goes into a quoted, escaped label, so no name
// can break the graph or smuggle attributes into it.
func (t *Topology) WriteDot(w io.Writer) error {
	g := &dotGraph{nodes: map[string]bool{}, clusters: map[NsKey][]string{}}
	for i := range t.Bridges {
		b := &t.Bridges[i]
		bid := g.node(&b.TopoEnd, "", "bridge ")
		for j := range b.Ports {
			port := &b.Ports[j]
			pid := g.node(&port.TopoEnd, "", "")
			g.edges = append(g.edges, pid+" -- "+bid+" [style=dashed]")
			if port.Peer != nil {
				g.edges = append(g.edges, pid+" -- "+g.node(port.Peer, pid, ""))
			}
		}
	}
	for i := range t.Pairs {
		pair := &t.Pairs[i]
		a := g.node(&pair.A, "", "")
		g.edges = append(g.edges, a+" -- "+g.node(&pair.B, a, ""))
	}

	var b strings.Builder
	b.WriteString("graph lazyns {\n")
	b.WriteString("\tgraph [rankdir=LR, fontname=\"monospace\"];\n")
	b.WriteString("\tnode [shape=box, fontname=\"monospace\"];\n")
	for _, key := range g.order {
		fmt.Fprintf(&b, "\tsubgraph cluster_%d_%d {\n\t\tlabel=%s;\n", key.Dev, key.Ino, dotQuote(g.nsName[key]))
		for _, n := range g.clusters[key] {
			b.WriteString("\t\t" + n + ";\n")
		}
		b.WriteString("\t}\n")
	}
	for _, n := range g.loose {
		b.WriteString("\t" + n + ";\n")
	}
	for _, e := range g.edges {
		b.WriteString("\t" + e + ";\n")
	}
	if n := len(t.Unwired); n > 0 {
		label := strconv.Itoa(n) + " namespaces not wired"
		if t.Empty > 0 {
			label += " (" + strconv.Itoa(t.Empty) + " empty)"
		}
		b.WriteString("\tlabel=" + dotQuote(label) + ";\n")
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

type dotGraph struct {
	nodes    map[string]bool
	order    []NsKey
	nsName   map[NsKey]string
	clusters map[NsKey][]string
	loose    []string
	edges    []string
}

// node declares the interface e once and returns its identifier. An
// interface in a namespace lazyns cannot see gets an identifier derived
// from the end that points at it, as it has no key of its own.
func (g *dotGraph) node(e *TopoEnd, from string, prefix string) string {
	var id string
	if e.Ns != nil && e.Link != nil {
		id = fmt.Sprintf("i%d_%d_%d", e.Ns.Key.Dev, e.Ns.Key.Ino, e.Link.Index)
	} else {
		id = from + "_peer"
	}
	if g.nodes[id] {
		return id
	}
	g.nodes[id] = true
	label := dotEscape(prefix + endLabel(e))
	if e.Link != nil {
		for _, a := range e.Link.Addrs {
			if a.Scope != 253 {
				label += `\n` + a.CIDR()
			}
		}
	}
	decl := id + ` [label="` + label + `"`
	if e.Link != nil && e.Link.Kind == "bridge" {
		decl += ", shape=ellipse"
	}
	if e.Link != nil && !e.Link.Up() {
		decl += ", style=dashed"
	}
	decl += "]"
	if e.Ns == nil {
		g.loose = append(g.loose, decl)
		return id
	}
	key := e.Ns.Key
	if _, ok := g.clusters[key]; !ok {
		g.order = append(g.order, key)
		if g.nsName == nil {
			g.nsName = map[NsKey]string{}
		}
		g.nsName[key] = e.Ns.DisplayName()
	}
	g.clusters[key] = append(g.clusters[key], decl)
	return id
}

// endLabel is the interface's name, or for one that was not seen, where
// its peer says it is.
func endLabel(e *TopoEnd) string {
	if e.Link != nil {
		return e.Link.Name
	}
	if e.Ref == nil {
		return "?"
	}
	name := e.Ref.Name
	if name == "" {
		name = "#" + strconv.Itoa(e.Ref.Index)
	}
	if e.Ns == nil {
		return e.Ref.NsName + " " + name
	}
	return name
}

// dotQuote makes s a Graphviz double-quoted string.
func dotQuote(s string) string { return `"` + dotEscape(s) + `"` }

// dotEscape makes s safe inside a double-quoted Graphviz string: controls
// and invalid UTF-8 made visible first, then the backslashes that Visible
// writes (and any in the name) and quotes escaped, so Graphviz shows the
// name as lazyns shows it everywhere else.
func dotEscape(s string) string {
	s = Visible(s)
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
