package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// deleteConfirm asks before deleting what the cursor is on (d): a link on
// the Links tab, an address on Addresses, a route on Routes.
func (m *Model) deleteConfirm() tea.Cmd {
	switch m.tab {
	case tabLinks:
		return m.deleteLinkConfirm()
	case tabAddrs:
		return m.deleteAddrConfirm()
	case tabRoutes:
		return m.deleteRouteConfirm()
	}
	m.setStatus("delete: open the Links, Addresses or Routes tab and select what to delete", true)
	return nil
}

func (m *Model) deleteLinkConfirm() tea.Cmd {
	ns, here, l, ok := m.selectedLink("delete link")
	if !ok {
		return nil
	}
	if l.Flags&model.IFF_LOOPBACK != 0 {
		m.setStatus("delete link: lo cannot be deleted; it goes with its namespace (D)", true)
		return nil
	}
	ref := model.LinkRef{Ns: here, Name: l.Name}
	q := "Delete " + model.Visible(l.Name) + " in " + model.Visible(ns.DisplayName()) + "?" +
		bullets(model.DeleteLinkEffectsIn(m.snap, ns, l), "nothing else goes with it") + "\n\n$ " + ref.DeleteCmds()[0].String()
	sc := within(here)
	if l.Peer != nil {
		sc = everything // the peer vanishes from its own namespace
	}
	return m.OpenDialog(NewConfirm("Delete link", q, func() tea.Cmd {
		return m.runChange(ref.DeleteCmds(), sc, func(c Changer) ([]model.Cmd, error) { return c.DeleteLink(ref) })
	}))
}

func (m *Model) deleteAddrConfirm() tea.Cmd {
	ns, here, ok := m.changeNs("delete address")
	if !ok {
		return nil
	}
	l, a := m.selectedAddr(ns)
	if a == nil {
		m.setStatus("delete address: no address selected", true)
		return nil
	}
	spec := model.AddrSpec{Ns: here, Dev: l.Name, CIDR: a.CIDR()}
	var effects []string
	if a.PrefixLen < hostBits(a.Family) {
		effects = append(effects, "the route to its subnet goes with it")
	}
	q := "Delete address " + spec.CIDR + " from " + model.Visible(l.Name) + " in " + model.Visible(ns.DisplayName()) + "?" +
		bullets(effects, "nothing else goes with it") + "\n\n$ " + spec.DeleteCmds()[0].String()
	return m.OpenDialog(NewConfirm("Delete address", q, func() tea.Cmd {
		return m.runChange(spec.DeleteCmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.DeleteAddr(spec) })
	}))
}

func hostBits(family int) int {
	if family == model.AF_INET6 {
		return 128
	}
	return 32
}

func (m *Model) deleteRouteConfirm() tea.Cmd {
	ns, here, ok := m.changeNs("delete route")
	if !ok {
		return nil
	}
	r := m.selectedRoute(ns)
	if r == nil {
		m.setStatus("delete route: no route selected", true)
		return nil
	}
	spec := routeSpec(here, r)
	if err := spec.Validate(); err != nil {
		m.setStatus("delete route: this route cannot be named by ip route del here ("+model.Visible(err.Error())+")", true)
		return nil
	}
	q := "Delete the route " + model.RouteText(r, m.names) + " in " + model.Visible(ns.DisplayName()) + "?" +
		"\n\n$ " + spec.DeleteCmds()[0].String()
	return m.OpenDialog(NewConfirm("Delete route", q, func() tea.Cmd {
		return m.runChange(spec.DeleteCmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.DeleteRoute(spec) })
	}))
}

// routeSpec names route r of namespace ns the way ip route del takes it.
func routeSpec(ns string, r *model.Route) model.RouteSpec {
	spec := model.RouteSpec{Ns: ns, Dst: "default", Dev: r.Dev, Metric: r.Metric}
	if p := r.Prefix(); p != nil {
		spec.Dst = p.String()
	} else if r.Family == model.AF_INET6 {
		spec.Dst = "::/0" // "default" would be taken as IPv4
	}
	if r.Gateway != nil {
		spec.Gateway = r.Gateway.String()
	}
	if r.Table != model.TableMain {
		spec.Table = r.Table
	}
	return spec
}
