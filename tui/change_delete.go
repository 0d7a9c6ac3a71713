package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// deleteConfirm asks before deleting what the cursor is on (d): a link on
// the Links tab, an address on Addresses, a route on Routes, a policy
// rule on Rules, a masquerade lazyns made on Firewall.
func deleteConfirm(s *mainScreen) tea.Cmd {
	switch s.detail.tab {
	case tabLinks:
		return deleteLinkConfirm(s)
	case tabAddrs:
		return deleteAddrConfirm(s)
	case tabRoutes:
		return deleteRouteConfirm(s)
	case tabRules:
		return deleteRuleConfirm(s)
	case tabFirewall:
		return deleteMasqueradeConfirm(s)
	}
	s.c.setStatus("delete: open the Links, Addresses, Routes, Rules or Firewall tab and select what to delete", true)
	return nil
}

func deleteLinkConfirm(s *mainScreen) tea.Cmd {
	t, why := s.linked()
	if why != "" {
		s.c.setStatus("delete link: "+why, true)
		return nil
	}
	ns, l := t.ns, t.link
	if l.Flags&model.IFF_LOOPBACK != 0 {
		s.c.setStatus("delete link: lo cannot be deleted; it goes with its namespace (D)", true)
		return nil
	}
	ref := model.LinkRef{Ns: t.here, Name: l.Name}
	q := "Delete " + model.Visible(l.Name) + " in " + model.Visible(ns.DisplayName()) + "?" +
		bullets(model.DeleteLinkEffectsIn(s.snap(), ns, l), "nothing else goes with it") + "\n\n$ " + ref.DeleteCmds()[0].String()
	sc := within(t.here)
	if l.Peer != nil {
		sc = everything // the peer vanishes from its own namespace
	}
	return s.c.openDialog(NewConfirm("Delete link", q, func() tea.Cmd {
		return runChange(s, ref.DeleteCmds(), sc, func(c Changer) ([]model.Cmd, error) { return c.DeleteLink(ref) })
	}))
}

func deleteAddrConfirm(s *mainScreen) tea.Cmd {
	t, why := s.named()
	if why != "" {
		s.c.setStatus("delete address: "+why, true)
		return nil
	}
	l, a := s.selectedAddr(t.ns)
	if a == nil {
		s.c.setStatus("delete address: no address selected", true)
		return nil
	}
	spec := model.AddrSpec{Ns: t.here, Dev: l.Name, CIDR: a.CIDR()}
	var effects []string
	if a.PrefixLen < hostBits(a.Family) {
		effects = append(effects, "the route to its subnet goes with it")
	}
	q := "Delete address " + spec.CIDR + " from " + model.Visible(l.Name) + " in " + model.Visible(t.ns.DisplayName()) + "?" +
		bullets(effects, "nothing else goes with it") + "\n\n$ " + spec.DeleteCmds()[0].String()
	return s.c.openDialog(NewConfirm("Delete address", q, func() tea.Cmd {
		return runChange(s, spec.DeleteCmds(), within(t.here), func(c Changer) ([]model.Cmd, error) { return c.DeleteAddr(spec) })
	}))
}

func hostBits(family int) int {
	if family == model.AF_INET6 {
		return 128
	}
	return 32
}

func deleteRouteConfirm(s *mainScreen) tea.Cmd {
	t, why := s.named()
	if why != "" {
		s.c.setStatus("delete route: "+why, true)
		return nil
	}
	r := s.selectedRoute(t.ns)
	if r == nil {
		s.c.setStatus("delete route: no route selected", true)
		return nil
	}
	spec := routeSpec(t.here, r)
	if err := spec.Validate(); err != nil {
		s.c.setStatus("delete route: this route cannot be named by ip route del here ("+model.Visible(err.Error())+")", true)
		return nil
	}
	q := "Delete the route " + model.RouteText(r, s.c.names) + " in " + model.Visible(t.ns.DisplayName()) + "?" +
		"\n\n$ " + spec.DeleteCmds()[0].String()
	return s.c.openDialog(NewConfirm("Delete route", q, func() tea.Cmd {
		return runChange(s, spec.DeleteCmds(), within(t.here), func(c Changer) ([]model.Cmd, error) { return c.DeleteRoute(spec) })
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
