package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// newVethForm makes a veth pair (v): each end's name and namespace, and
// optionally a bridge for the first end and an address for each; both
// ends come up, and lo in both namespaces.
func (m *Model) newVethForm() tea.Cmd {
	// The first end starts in the selected namespace, or in the host when
	// a change cannot name it (unnamed, stale): the form shows which. A
	// pair joins two namespaces, so the peer starts in another one: the
	// host, or from the host the next namespace.
	here := ""
	if ns := m.Selected(); ns != nil && ns.Named() && !ns.Stale {
		here = ns.Name
	}
	nss := m.nsChoices()
	peer := nss.index(here) + 1
	if here != "" {
		peer = nss.index("")
	}
	if peer >= len(nss.names) {
		peer = 0
	}
	name := model.FreeLinkName(m.snap, "veth")
	bridges := "none"
	if bs := model.Bridges(m.snap, here); len(bs) > 0 {
		bridges = "none, or " + model.Visible(strings.Join(bs, ", "))
	}
	d := NewDialog("New veth pair", nil,
		TextField("name", "name", "veth0", name),
		ChoiceField("namespace", "namespace", nss.labels, nss.index(here)),
		TextField("bridge", "bridge", bridges, ""),
		TextField("address", "address", "none, or 10.0.1.1/24", ""),
		TextField("peer name", "peer name", "veth1", model.FreeLinkName(m.snap, "veth", name)),
		ChoiceField("peer namespace", "peer namespace", nss.labels, peer),
		TextField("peer address", "peer address", "none, or 10.0.1.2/24", ""))
	d.Text = "Both ends come up, and lo in both namespaces."
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		spec := model.VethIntoSpec{
			Ns: nss.chosen(d, "namespace"), Name: v["name"], Bridge: v["bridge"], Addr: v["address"],
			PeerNs: nss.chosen(d, "peer namespace"), PeerName: v["peer name"], PeerAddr: v["peer address"],
		}
		if err := spec.Validate(); err != nil {
			return nil, err
		}
		if err := model.CheckVethInto(m.snap, spec); err != nil {
			return nil, err
		}
		// Each end's peer is resolved across namespaces: one namespace read
		// again would not see the other end.
		sc := within(spec.Ns)
		if spec.PeerNs != spec.Ns {
			sc = everything
		}
		return m.runChange(spec.Cmds(), sc, func(c Changer) ([]model.Cmd, error) { return c.VethInto(spec) }), nil
	}
	return m.OpenDialog(d)
}

// newBridgeForm makes a bridge in the selected namespace (b).
func (m *Model) newBridgeForm() tea.Cmd {
	ns, here, ok := m.changeNs("new bridge")
	if !ok {
		return nil
	}
	d := NewDialog("New bridge in "+model.Visible(ns.DisplayName()), nil,
		TextField("name", "name", "br0", model.FreeLinkName(m.snap, "br")))
	d.Text = "Attach links to it with m; it starts down (u brings it up)."
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		spec := model.BridgeSpec{Ns: here, Name: v["name"]}
		if err := check(spec.Validate(), model.CheckLinkFree(m.snap, "name", here, spec.Name)); err != nil {
			return nil, err
		}
		return m.runChange(spec.Cmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.AddBridge(spec) }), nil
	}
	return m.OpenDialog(d)
}

// attachForm makes the selected link a port of a bridge in its
// namespace (m).
func (m *Model) attachForm() tea.Cmd {
	ns, here, l, ok := m.selectedLink("attach to bridge")
	if !ok {
		return nil
	}
	var bridges []string
	for _, b := range model.Bridges(m.snap, here) {
		if b != l.Name {
			bridges = append(bridges, b)
		}
	}
	if len(bridges) == 0 {
		m.setStatus("attach to bridge: no bridge in "+model.Visible(ns.DisplayName())+" (b makes one)", true)
		return nil
	}
	d := NewDialog("Attach "+model.Visible(l.Name)+" to a bridge", nil, ChoiceField("bridge", "bridge", bridges, 0))
	d.Text = "In " + model.Visible(ns.DisplayName()) + "; ←/→ choose."
	if cur := ns.Master(l); cur != nil {
		d.Text += " It leaves " + model.Visible(cur.Name) + "."
	}
	d.Submit = func(map[string]string) (tea.Cmd, error) {
		spec := model.MasterSpec{Ns: here, Link: l.Name, Bridge: bridges[max(0, choiceIndex(d, "bridge"))]}
		if err := check(spec.Validate(), model.CheckBridge(m.snap, "bridge", here, spec.Bridge)); err != nil {
			return nil, err
		}
		return m.runChange(spec.Cmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.SetMaster(spec) }), nil
	}
	return m.OpenDialog(d)
}

// detachLink takes the selected link off its bridge (M).
func (m *Model) detachLink() tea.Cmd {
	ns, here, l, ok := m.selectedLink("detach from bridge")
	if !ok {
		return nil
	}
	if ns.Master(l) == nil {
		m.setStatus("detach from bridge: "+model.Visible(l.Name)+" is not a port of a bridge", true)
		return nil
	}
	ref := model.LinkRef{Ns: here, Name: l.Name}
	return m.runChange(ref.NoMasterCmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.SetNoMaster(ref) })
}

// toggleLink brings the selected link up, or down when it is up (u).
func (m *Model) toggleLink() tea.Cmd {
	_, here, l, ok := m.selectedLink("link up/down")
	if !ok {
		return nil
	}
	spec := model.LinkStateSpec{Ns: here, Name: l.Name, Up: !l.Up()}
	return m.runChange(spec.Cmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.SetLinkState(spec) })
}

// moveLinkForm moves the selected link into another namespace (N).
func (m *Model) moveLinkForm() tea.Cmd {
	ns, here, l, ok := m.selectedLink("move link")
	if !ok {
		return nil
	}
	to := m.nsChoices(here)
	if len(to.names) == 0 {
		m.setStatus("move link: there is no other namespace to move it to (n makes one)", true)
		return nil
	}
	d := NewDialog("Move "+model.Visible(l.Name)+" out of "+model.Visible(ns.DisplayName()), nil,
		ChoiceField("to namespace", "to namespace", to.labels, 0))
	d.Text = "It arrives down, without its addresses and routes (the kernel drops them)."
	d.Submit = func(map[string]string) (tea.Cmd, error) {
		spec := model.MoveSpec{Ns: here, Name: l.Name, ToNs: to.chosen(d, "to namespace")}
		if err := check(spec.Validate(), model.CheckNsExists(m.snap, "to namespace", spec.ToNs),
			model.CheckLinkFree(m.snap, "to namespace", spec.ToNs, spec.Name)); err != nil {
			return nil, err
		}
		// A veth's peer learns where its other end went: read everything.
		return m.runChange(spec.Cmds(), everything, func(c Changer) ([]model.Cmd, error) { return c.MoveLink(spec) }), nil
	}
	return m.OpenDialog(d)
}
