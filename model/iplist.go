package model

import "io"

// IPList is one of the listings of `ip -j` that IPArray reproduces.
type IPList int

const (
	IPAddr  IPList = iota // ip -j addr
	IPLink                // ip -j link
	IPRoute               // ip -j route show table all
	IPRule                // ip -j rule
	IPNeigh               // ip -j neigh
)

// IPArray writes, over many namespaces, the array that `ip -j LIST`
// prints in each, every object led by its namespace's display name under
// "netns": a jq filter written for ip's output then works across a whole
// node. Each namespace is written when it is added, so the array is never
// held whole.
type IPArray struct {
	out    io.Writer
	list   IPList
	family int
	names  *Names
	w      jsonWriter
	begun  bool
	// Stats adds each link's "stats64", as ip -s -j addr and ip -s -j
	// link do (the links must have been read with their counters).
	Stats bool
}

// NewIPArray writes list to out. family is what ip's -4 or -6 would
// select (AF_INET, AF_INET6), or 0 for ip's default: both families,
// except for rules, which ip lists for IPv4 unless told -6.
func NewIPArray(out io.Writer, list IPList, family int, names *Names) *IPArray {
	if list == IPRule && family == 0 {
		family = AF_INET
	}
	if list == IPLink {
		family = 0 // ip link lists links whatever the family
	}
	return &IPArray{out: out, list: list, family: family, names: names}
}

// Add writes the objects of ns.
func (a *IPArray) Add(ns *Namespace) error {
	a.begin()
	name := ns.DisplayName()
	switch a.list {
	case IPAddr:
		form := linkForm{addrs: true, family: a.family, stats: a.Stats}
		for i := range ns.Links {
			if a.family == 0 || hasFamily(&ns.Links[i], a.family) {
				a.object(name, func() { a.w.linkFields(ns, &ns.Links[i], form) })
			}
		}
	case IPLink:
		for i := range ns.Links {
			a.object(name, func() { a.w.linkFields(ns, &ns.Links[i], linkForm{link: true, stats: a.Stats}) })
		}
	case IPRoute:
		for i := range ns.Routes {
			if a.family == 0 || ns.Routes[i].Family == a.family {
				a.object(name, func() { a.w.routeFields(&ns.Routes[i], a.names) })
			}
		}
	case IPRule:
		for i := range ns.Rules {
			if ns.Rules[i].Family == a.family {
				a.object(name, func() { a.w.ruleFields(&ns.Rules[i], a.names) })
			}
		}
	case IPNeigh:
		for i := range ns.Neighbours {
			if a.family == 0 || ns.Neighbours[i].Family == a.family {
				a.object(name, func() { a.w.neighbourFields(&ns.Neighbours[i], a.names) })
			}
		}
	}
	return a.flush()
}

// Close ends the array; with nothing added it is ip's empty "[]".
func (a *IPArray) Close() error {
	a.begin()
	a.w.endArray()
	a.w.b = append(a.w.b, '\n')
	return a.flush()
}

func (a *IPArray) begin() {
	if !a.begun {
		a.w.beginArray("")
		a.begun = true
	}
}

func (a *IPArray) object(netns string, fields func()) {
	a.w.beginObject("")
	a.w.str("netns", netns)
	fields()
	a.w.endObject()
}

func (a *IPArray) flush() error {
	_, err := a.out.Write(a.w.b)
	a.w.b = a.w.b[:0]
	return err
}

// hasFamily reports whether the link has an address of the family: ip -4
// addr and ip -6 addr leave out the links without one.
func hasFamily(l *Link, family int) bool {
	for i := range l.Addrs {
		if l.Addrs[i].Family == family {
			return true
		}
	}
	return false
}
