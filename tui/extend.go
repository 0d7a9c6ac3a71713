package tui

import tea "charm.land/bubbletea/v2"

// actionHandlers are the actions that features beyond the explorer (the
// change forms, trace, labs) provide from their own files, registered with
// onAction from init; TestEveryExtraActionHasAHandler checks none is missing.
var actionHandlers = map[string]func(m *Model) tea.Cmd{}

// onAction makes f what the keys of act do on the main screen.
func onAction(act string, f func(m *Model) tea.Cmd) { actionHandlers[act] = f }

// readOnlyActions change nothing, so they work under --read-only.
var readOnlyActions = map[string]bool{ActHistory: true, ActTrace: true}

// extraAction runs a registered action, refusing changes when read-only
// or without the privileges they need.
func (m *Model) extraAction(act string) tea.Cmd {
	if why := m.refusal(act); why != "" {
		m.setStatus(actionDesc[act]+": "+why, true)
		return nil
	}
	return actionHandlers[act](m)
}

// refusal is why act may not run, or "" when it may: changes are refused
// when lazyns runs read-only, and when it lacks the privileges they take
// (the kernel would refuse them one by one, after a form was filled in).
func (m *Model) refusal(act string) string {
	switch {
	case readOnlyActions[act]:
		return ""
	case m.opt.ReadOnly:
		return "lazyns runs read-only (--read-only or read_only in the config)"
	case m.opt.Unprivileged != "":
		return "not root: a change " + m.opt.Unprivileged
	}
	return ""
}
