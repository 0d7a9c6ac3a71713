package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// newVethForm makes a veth pair (v): each end's name and namespace, and
// optionally a bridge for the first end and an address for each; both
// ends come up, and lo in both namespaces.
func newVethForm(s *mainScreen) tea.Cmd {
	snap := s.snap()
	// The first end starts in the selected namespace, or in the host when
	// a change cannot name it (unnamed, stale): the form shows which. A
	// pair joins two namespaces, so the peer starts in another one: the
	// host, or from the host the next namespace.
	here := ""
	if ns := s.selected(); ns != nil && ns.Named() && !ns.Stale {
		here = ns.Name
	}
	nss := nsChoices(snap)
	peer := nss.index(here) + 1
	if here != "" {
		peer = nss.index("")
	}
	if peer >= len(nss.names) {
		peer = 0
	}
	name := model.FreeLinkName(snap, "veth")
	bridges := "none"
	if bs := model.Bridges(snap, here); len(bs) > 0 {
		bridges = "none, or " + model.Visible(strings.Join(bs, ", "))
	}
	d := NewDialog("New veth pair", nil,
		TextField("name", "name", "veth0", name),
		ChoiceField("namespace", "namespace", nss.labels, nss.index(here)),
		TextField("bridge", "bridge", bridges, ""),
		TextField("address", "address", "none, or 10.0.1.1/24", ""),
		TextField("peer name", "peer name", "veth1", model.FreeLinkName(snap, "veth", name)),
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
		if err := model.CheckVethInto(s.snap(), spec); err != nil {
			return nil, err
		}
		// Each end's peer is resolved across namespaces: one namespace read
		// again would not see the other end.
		sc := within(spec.Ns)
		if spec.PeerNs != spec.Ns {
			sc = everything
		}
		return runChange(s, spec.Cmds(), sc, func(c Changer) ([]model.Cmd, error) { return c.VethInto(spec) }), nil
	}
	return s.c.openDialog(d)
}

// newBridgeForm makes a bridge in the selected namespace (b).
func newBridgeForm(s *mainScreen) tea.Cmd {
	t, _ := s.named()
	snap, here := s.snap(), t.here
	d := NewDialog("New bridge in "+model.Visible(t.ns.DisplayName()), nil,
		TextField("name", "name", "br0", model.FreeLinkName(snap, "br")))
	d.Text = "Attach links to it with m; it starts down (u brings it up)."
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		spec := model.BridgeSpec{Ns: here, Name: v["name"]}
		if err := check(spec.Validate(), model.CheckLinkFree(s.snap(), "name", here, spec.Name)); err != nil {
			return nil, err
		}
		return runChange(s, spec.Cmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.AddBridge(spec) }), nil
	}
	return s.c.openDialog(d)
}

// attachForm makes the selected link a port of a bridge in its
// namespace (m).
func attachForm(s *mainScreen) tea.Cmd {
	t, _ := s.linked()
	snap, ns, here, l := s.snap(), t.ns, t.here, t.link
	var bridges []string
	for _, b := range model.Bridges(snap, here) {
		if b != l.Name {
			bridges = append(bridges, b)
		}
	}
	if len(bridges) == 0 {
		s.c.setStatus("attach to bridge: no bridge in "+model.Visible(ns.DisplayName())+" (b makes one)", true)
		return nil
	}
	d := NewDialog("Attach "+model.Visible(l.Name)+" to a bridge", nil, ChoiceField("bridge", "bridge", bridges, 0))
	d.Text = "In " + model.Visible(ns.DisplayName()) + "; ←/→ choose."
	if cur := ns.Master(l); cur != nil {
		d.Text += " It leaves " + model.Visible(cur.Name) + "."
	}
	d.Submit = func(map[string]string) (tea.Cmd, error) {
		spec := model.MasterSpec{Ns: here, Link: l.Name, Bridge: bridges[max(0, choiceIndex(d, "bridge"))]}
		if err := check(spec.Validate(), model.CheckBridge(s.snap(), "bridge", here, spec.Bridge)); err != nil {
			return nil, err
		}
		return runChange(s, spec.Cmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.SetMaster(spec) }), nil
	}
	return s.c.openDialog(d)
}

// detachLink takes the selected link off its bridge (M).
func detachLink(s *mainScreen) tea.Cmd {
	t, _ := s.linked()
	if t.ns.Master(t.link) == nil {
		s.c.setStatus("detach from bridge: "+model.Visible(t.link.Name)+" is not a port of a bridge", true)
		return nil
	}
	ref := model.LinkRef{Ns: t.here, Name: t.link.Name}
	return runChange(s, ref.NoMasterCmds(), within(t.here), func(c Changer) ([]model.Cmd, error) { return c.SetNoMaster(ref) })
}

// toggleLink brings the selected link up, or down when it is up (u).
func toggleLink(s *mainScreen) tea.Cmd {
	t, _ := s.linked()
	spec := model.LinkStateSpec{Ns: t.here, Name: t.link.Name, Up: !t.link.Up()}
	return runChange(s, spec.Cmds(), within(t.here), func(c Changer) ([]model.Cmd, error) { return c.SetLinkState(spec) })
}

// moveLinkForm moves the selected link into another namespace (N).
func moveLinkForm(s *mainScreen) tea.Cmd {
	t, _ := s.linked()
	snap, ns, here, l := s.snap(), t.ns, t.here, t.link
	to := nsChoices(snap, here)
	if len(to.names) == 0 {
		s.c.setStatus("move link: there is no other namespace to move it to (n makes one)", true)
		return nil
	}
	d := NewDialog("Move "+model.Visible(l.Name)+" out of "+model.Visible(ns.DisplayName()), nil,
		ChoiceField("to namespace", "to namespace", to.labels, 0))
	d.Text = "It arrives down, without its addresses and routes (the kernel drops them)."
	d.Submit = func(map[string]string) (tea.Cmd, error) {
		spec := model.MoveSpec{Ns: here, Name: l.Name, ToNs: to.chosen(d, "to namespace")}
		if err := check(spec.Validate(), model.CheckNsExists(s.snap(), "to namespace", spec.ToNs),
			model.CheckLinkFree(s.snap(), "to namespace", spec.ToNs, spec.Name)); err != nil {
			return nil, err
		}
		// A veth's peer learns where its other end went: read everything.
		return runChange(s, spec.Cmds(), everything, func(c Changer) ([]model.Cmd, error) { return c.MoveLink(spec) }), nil
	}
	return s.c.openDialog(d)
}
