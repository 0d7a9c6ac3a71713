package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// check is a spec's own error, else the first check against the snapshot
// that failed: a nil *FieldError must not become a non-nil error.
func check(valid error, against ...*model.FieldError) error {
	if valid != nil {
		return valid
	}
	for _, e := range against {
		if e != nil {
			return e
		}
	}
	return nil
}

// newNetnsForm asks for a name and adds the namespace (n).
func newNetnsForm(s *mainScreen) tea.Cmd {
	snap := s.snap()
	d := NewDialog("New namespace", nil, TextField("name", "name", "blue", model.FreeNetnsName(snap, "ns")))
	d.Text = "A namespace with only lo in it, named like ip netns add does."
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		spec := model.NetnsSpec{Name: v["name"]}
		if err := check(spec.Validate(), model.CheckNetnsFree(s.snap(), "name", spec.Name)); err != nil {
			return nil, err
		}
		return runChange(s, spec.AddCmds(), everything, func(c Changer) ([]model.Cmd, error) { return c.AddNetns(spec) }), nil
	}
	return s.c.openDialog(d)
}

// deleteNetnsConfirm asks before deleting the selected namespace's name
// (D), saying what goes with it.
func deleteNetnsConfirm(s *mainScreen) tea.Cmd {
	ns := s.selected()
	const what = "delete namespace"
	switch {
	case ns == nil:
		s.c.setStatus(what+": no namespace selected", true)
		return nil
	case ns.Host:
		s.c.setStatus(what+": the host's own namespace cannot be deleted", true)
		return nil
	case !ns.Named():
		s.c.setStatus(what+": "+model.Visible(ns.DisplayName())+" has no name to delete; it ends when its holders do", true)
		return nil
	}
	spec := model.NetnsSpec{Name: ns.Name}
	var effects []string
	if ns.Stale {
		effects = []string{"only the stale name is removed: its namespace is already gone"}
	} else {
		effects = model.DeleteNetnsEffects(ns)
	}
	q := "Delete namespace " + model.Visible(ns.Name) + "?" + bullets(effects, "nothing but lo is in it") +
		"\n\n$ " + spec.DeleteCmds()[0].String()
	return s.c.openDialog(NewConfirm("Delete namespace", q, func() tea.Cmd {
		return runChange(s, spec.DeleteCmds(), everything, func(c Changer) ([]model.Cmd, error) { return c.DeleteNetns(spec) })
	}))
}

// bullets lists what a destructive change takes with it, one per line;
// none says so.
func bullets(effects []string, none string) string {
	if len(effects) == 0 {
		return "\n• " + none
	}
	return "\n• " + strings.Join(effects, "\n• ")
}
