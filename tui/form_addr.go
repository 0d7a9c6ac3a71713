package tui

import (
	"net/netip"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// addAddrForm adds an address to the selected link (a).
func addAddrForm(s *mainScreen) tea.Cmd {
	t, _ := s.linked()
	ns, here, l := t.ns, t.here, t.link
	d := NewDialog("Add an address to "+model.Visible(l.Name), nil,
		TextField("address", "address", "10.0.1.1/24", ""))
	d.Text = "In " + model.Visible(ns.DisplayName()) + ": an address with its prefix length (CIDR)."
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		spec := model.AddrSpec{Ns: here, Dev: l.Name, CIDR: v["address"]}
		if err := check(spec.Validate(), addrTaken(l, spec.CIDR)); err != nil {
			return nil, err
		}
		return runChange(s, spec.AddCmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.AddAddr(spec) }), nil
	}
	return s.c.openDialog(d)
}

// addrTaken says when link l already has the address cidr.
func addrTaken(l *model.Link, cidr string) *model.FieldError {
	want, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil // Validate says what is wrong with it
	}
	for i := range l.Addrs {
		if have, err := netip.ParsePrefix(l.Addrs[i].CIDR()); err == nil && have == want {
			return &model.FieldError{Field: "address", Msg: cidr + " is already on " + model.Visible(l.Name)}
		}
	}
	return nil
}

// addRouteForm adds a route in the selected namespace (r): a destination
// (default or a prefix), a gateway and/or a device, a table and a metric.
func addRouteForm(s *mainScreen) tea.Cmd {
	t, _ := s.named()
	ns, here := t.ns, t.here
	// The device is a choice of the namespace's links, none first; the
	// link selected in the detail pane, if any, is chosen to start with.
	devs, labels, sel := []string{""}, []string{"none"}, 0
	var cur *model.Link
	if r := s.detail.cursorRow(); r != nil && r.link != 0 && tabs[s.detail.tab].links && s.focus == focusDetail {
		cur = ns.Link(r.link)
	}
	for i := range ns.Links {
		l := &ns.Links[i]
		if l == cur {
			sel = len(devs)
		}
		devs, labels = append(devs, l.Name), append(labels, l.Name)
	}
	d := NewDialog("Add a route in "+model.Visible(ns.DisplayName()), nil,
		TextField("destination", "destination", "default or 10.0.2.0/24", ""),
		TextField("gateway", "gateway", "10.0.1.254 (or choose a device)", ""),
		ChoiceField("device", "device", labels, sel),
		TextField("table", "table", "main", ""),
		TextField("metric", "metric", "none", ""))
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		table, ferr := model.ParseTable("table", v["table"])
		if ferr != nil {
			return nil, ferr
		}
		metric, ferr := model.ParseMetric("metric", v["metric"])
		if ferr != nil {
			return nil, ferr
		}
		spec := model.RouteSpec{Ns: here, Dst: v["destination"], Gateway: v["gateway"],
			Dev: devs[max(0, choiceIndex(d, "device"))], Table: table, Metric: metric}
		if err := spec.Validate(); err != nil {
			return nil, err
		}
		return runChange(s, spec.AddCmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.AddRoute(spec) }), nil
	}
	return s.c.openDialog(d)
}
