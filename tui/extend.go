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

// extraAction runs a registered action, refusing changes when read-only.
func (m *Model) extraAction(act string) tea.Cmd {
	f := actionHandlers[act]
	switch {
	case m.opt.ReadOnly && !readOnlyActions[act]:
		m.setStatus(actionDesc[act]+": lazyns runs read-only (--read-only or read_only in the config)", true)
		return nil
	}
	return f(m)
}
