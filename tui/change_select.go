package tui

import (
	"github.com/lazyns/lazyns/model"
)

// What a change key acts on: the selected namespace, and the link,
// address or route under the detail cursor.

// changeNs is the selected namespace and the name a change calls it by
// ("" for the host). Changes reach the host and named namespaces (as
// `ip -n` does); for any other the status line says why not.
func (m *Model) changeNs(what string) (*model.Namespace, string, bool) {
	ns := m.Selected()
	switch {
	case ns == nil:
		m.setStatus(what+": no namespace selected", true)
	case ns.Host:
		return ns, "", true
	case ns.Stale:
		m.setStatus(what+": "+model.Visible(ns.Name)+" is stale: no namespace is mounted there (D deletes the name)", true)
	case !ns.Named():
		m.setStatus(what+": "+model.Visible(ns.DisplayName())+" has no name under the netns directory; lazyns changes the host and named namespaces", true)
	default:
		return ns, ns.Name, true
	}
	return nil, "", false
}

// selectedLink is the link under the detail cursor, on a tab whose rows
// are about links (Links, Addresses, Routes, Neighbours).
func (m *Model) selectedLink(what string) (*model.Namespace, string, *model.Link, bool) {
	ns, name, ok := m.changeNs(what)
	if !ok {
		return nil, "", nil, false
	}
	var l *model.Link
	if r := m.cursorRow(); r != nil && r.link != 0 && m.tab <= tabNeigh {
		l = ns.Link(r.link)
	}
	if l == nil {
		m.setStatus(what+": select a link first (tab to the detail pane, Links tab)", true)
		return nil, "", nil, false
	}
	return ns, name, l, true
}

// cursorRow is the detail row under the cursor, or nil.
func (m *Model) cursorRow() *row {
	if m.detail == nil || m.rows.cursor < 0 || m.rows.cursor >= len(m.detail.rows) {
		return nil
	}
	return &m.detail.rows[m.rows.cursor]
}

// selectedAddr is the address under the cursor on the Addresses tab, whose
// rows list each link's addresses in order.
func (m *Model) selectedAddr(ns *model.Namespace) (*model.Link, *model.Addr) {
	i := m.rows.cursor
	for j := range ns.Links {
		l := &ns.Links[j]
		if i < len(l.Addrs) {
			return l, &l.Addrs[i]
		}
		i -= len(l.Addrs)
	}
	return nil, nil
}

// selectedRoute is the route under the cursor on the Routes tab.
func (m *Model) selectedRoute(ns *model.Namespace) *model.Route {
	if i := m.rows.cursor; i >= 0 && i < len(ns.Routes) {
		return &ns.Routes[i]
	}
	return nil
}

// nsChoices are the namespaces a change can name, for a choice field:
// the host and every named, mounted namespace, with their names as a
// change takes them ("" = the host) beside the labels shown.
type nsChoices struct {
	labels, names []string
}

func (m *Model) nsChoices(except ...string) nsChoices {
	var c nsChoices
	skip := map[string]bool{}
	for _, e := range except {
		skip[e] = true
	}
	for i := range m.snap.Namespaces {
		ns := &m.snap.Namespaces[i]
		switch {
		case ns.Host && !skip[""]:
			c.labels = append(c.labels, "host")
			c.names = append(c.names, "")
		case ns.Named() && !ns.Stale && !skip[ns.Name]:
			c.labels = append(c.labels, ns.Name)
			c.names = append(c.names, ns.Name)
		}
	}
	return c
}

// index is the position of name among the choices, 0 when absent.
func (c nsChoices) index(name string) int {
	for i, n := range c.names {
		if n == name {
			return i
		}
	}
	return 0
}

// chosen is the name behind a choice field's current choice: labels may
// repeat (a namespace named "host"), positions do not.
func (c nsChoices) chosen(d *Dialog, field string) string {
	if i := choiceIndex(d, field); i >= 0 && i < len(c.names) {
		return c.names[i]
	}
	return ""
}

// choiceIndex is the position chosen in d's choice field, or -1.
func choiceIndex(d *Dialog, field string) int {
	for i := range d.Fields {
		if f := &d.Fields[i]; f.Name == field && len(f.Choices) > 0 {
			return f.choice
		}
	}
	return -1
}
