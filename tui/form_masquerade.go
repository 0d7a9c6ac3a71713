package tui

import (
	"net/netip"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// masqueradeForm masquerades a subnet out of a link of the selected
// namespace (S): the tutorial's `iptables -t nat -A POSTROUTING -s
// 10.0.1.0/24 -o eth0 -j MASQUERADE`, written with nft into lazyns's own
// table. The link starts on the one under the detail cursor, else the one
// the default route leaves by, and then the subnet on that of another
// link; with neither, nothing says which way is out, and the form starts
// on the first link with the subnet empty.
func masqueradeForm(s *mainScreen) tea.Cmd {
	t, _ := s.named()
	ns, here := t.ns, t.here
	var links []string
	for i := range ns.Links {
		if ns.Links[i].Flags&model.IFF_LOOPBACK == 0 {
			links = append(links, ns.Links[i].Name)
		}
	}
	if len(links) == 0 {
		s.c.setStatus("masquerade: "+model.Visible(ns.DisplayName())+" has no link to masquerade out of (v makes a veth)", true)
		return nil
	}
	out, known := masqueradeOut(s, ns, links)
	labels := make([]string, len(links))
	for i, l := range links {
		labels[i] = model.Visible(l)
	}
	subnet := ""
	if known {
		subnet = otherSubnet(ns, links[out])
	}
	d := NewDialog("Masquerade in "+model.Visible(ns.DisplayName()), nil,
		TextField("subnet", "subnet", "10.0.1.0/24", subnet),
		ChoiceField("out", "out", labels, out))
	d.Text = "Packets from the subnet leaving through the link take its address (nft, in table ip lazyns)."
	if here == "" {
		d.Text += " This is the host: it changes what leaves this machine."
	}
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		spec := model.MasqueradeSpec{Ns: here, Src: v["subnet"], Out: links[max(0, choiceIndex(d, "out"))], Host: here == ""}
		if err := check(spec.Validate(), model.CheckMasquerade(s.snap(), spec)); err != nil {
			return nil, err
		}
		return runChange(s, spec.AddCmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.AddMasquerade(spec) }), nil
	}
	return s.c.openDialog(d)
}

// masqueradeOut is the link the form starts on: the one under the detail
// cursor, else the one the default route leaves by (known), else the
// first.
func masqueradeOut(s *mainScreen, ns *model.Namespace, links []string) (out int, known bool) {
	want := ""
	if r := s.detail.cursorRow(); r != nil && r.link != 0 && tabs[s.detail.tab].links && s.focus == focusDetail {
		if l := ns.Link(r.link); l != nil {
			want = l.Name
		}
	}
	if want == "" {
		for i := range ns.Routes {
			if r := &ns.Routes[i]; r.Family == model.AF_INET && r.Prefix() == nil && r.Table == model.TableMain {
				want = r.Dev
				break
			}
		}
	}
	for i, l := range links {
		if l == want {
			return i, true
		}
	}
	return 0, false
}

// otherSubnet is the IPv4 subnet of the first link but out that has one:
// the subnet behind the gateway, in the tutorial's namespace.
func otherSubnet(ns *model.Namespace, out string) string {
	for i := range ns.Links {
		l := &ns.Links[i]
		if l.Name == out || l.Flags&model.IFF_LOOPBACK != 0 {
			continue
		}
		for j := range l.Addrs {
			if p, err := netip.ParsePrefix(l.Addrs[j].CIDR()); err == nil && p.Addr().Is4() && p.Bits() < 32 {
				return p.Masked().String()
			}
		}
	}
	return ""
}

// deleteMasqueradeConfirm asks before deleting the masquerade under the
// cursor on the Firewall tab (d): only one lazyns made, in its own table;
// another tool's rule is that tool's to delete.
func deleteMasqueradeConfirm(s *mainScreen) tea.Cmd {
	t, why := s.named()
	if why != "" {
		s.c.setStatus("delete masquerade: "+why, true)
		return nil
	}
	r := s.detail.cursorRow()
	if r == nil || r.rule == nil {
		s.c.setStatus("delete: on the Firewall tab, select a masquerade lazyns made (S makes one)", true)
		return nil
	}
	var found *model.MasqueradeRule
	for _, m := range model.Masquerades(t.here, s.detail.t.fw) {
		if m.Rule == r.rule.rule {
			found = &m
		}
	}
	if found == nil {
		s.c.setStatus("delete: lazyns deletes only the masquerades it made (table ip lazyns); this rule is "+
			model.Visible(string(r.rule.table.Source))+"'s to delete", true)
		return nil
	}
	spec := found.Spec
	rules := 0
	for _, c := range r.rule.table.Chains {
		rules += len(c.Rules)
	}
	cmds := spec.DeleteCmds(found.Handle, rules == 1)
	q := "Delete the masquerade of " + model.Visible(spec.Src) + " out of " + model.Visible(spec.Out) + " in " +
		model.Visible(t.ns.DisplayName()) + "?\n\n$ " + cmds[0].String()
	if len(cmds) > 1 {
		q += "\n$ " + cmds[1].String() + "  (its last rule: the table goes too)"
	}
	return s.c.openDialog(NewConfirm("Delete masquerade", q, func() tea.Cmd {
		return runChange(s, cmds, within(t.here), func(c Changer) ([]model.Cmd, error) { return c.DeleteMasquerade(spec) })
	}))
}
