package tui

import (
	"github.com/lazyns/lazyns/model"
)

// What a change key acts on beyond the selected namespace and link
// (mainScreen.linked): the address or route under the detail cursor, and
// the namespaces a form offers.

// selectedAddr is the address under the cursor on the Addresses tab, whose
// rows list each link's addresses in order.
func (s *mainScreen) selectedAddr(ns *model.Namespace) (*model.Link, *model.Addr) {
	r := s.detail.cursorRow()
	if r == nil {
		return nil, nil
	}
	i := r.item
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
func (s *mainScreen) selectedRoute(ns *model.Namespace) *model.Route {
	if r := s.detail.cursorRow(); r != nil && r.item < len(ns.Routes) {
		return &ns.Routes[r.item]
	}
	return nil
}

// selectedRule is the policy rule under the cursor on the Rules tab.
func (s *mainScreen) selectedRule(ns *model.Namespace) *model.Rule {
	if r := s.detail.cursorRow(); r != nil && r.item < len(ns.Rules) {
		return &ns.Rules[r.item]
	}
	return nil
}

// namespaceChoices are the namespaces a change can name, for a choice field:
// the host and every named, mounted namespace, with their names as a
// change takes them ("" = the host) beside the labels shown.
type namespaceChoices struct {
	labels, names []string
}

func nsChoices(snap *model.Snapshot, except ...string) namespaceChoices {
	var c namespaceChoices
	skip := map[string]bool{}
	for _, e := range except {
		skip[e] = true
	}
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
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
func (c namespaceChoices) index(name string) int {
	for i, n := range c.names {
		if n == name {
			return i
		}
	}
	return 0
}

// chosen is the name behind a choice field's current choice: labels may
// repeat (a namespace named "host"), positions do not.
func (c namespaceChoices) chosen(d *Dialog, field string) string {
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
