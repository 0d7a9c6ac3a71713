package tui

import (
	tea "charm.land/bubbletea/v2"
)

// Update routes a message to whatever is on top: a dialog, the filter, an
// overlay, or the panes.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.relayout()
	m.watchScreen()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return nil
	case tea.BackgroundColorMsg:
		if m.opt.Theme == "" || m.opt.Theme == "auto" {
			m.dark = msg.IsDark()
			m.st = NewStyles(m.opt.NoColor, m.dark, m.opt.Colors)
			m.help.Styles = m.st.Help
			if m.pane != nil {
				m.pane.refresh(m) // panes paint their lines when built
			}
		}
		return nil
	case snapshotMsg:
		return m.gotSnapshot(msg)
	case progressMsg:
		m.progress = msg
		return m.waitProgress()
	case watchMsg:
		return m.gotWatcher(msg)
	case changeMsg:
		return m.gotChange(msg.c)
	case pacedMsg:
		return m.gotPaced(msg)
	case rereadTickMsg:
		return m.rereadTick(msg)
	case reloadMsg:
		return m.loadSnapshot()
	case tickMsg:
		return tea.Batch(m.requestSnapshot(), m.tick())
	case watchEndMsg:
		m.watcher = nil
		return nil
	case nsMsg:
		m.gotNamespace(msg)
		return nil
	case lazyMsg:
		m.gotLazy(msg)
		return nil
	case shellDoneMsg:
		return m.shellDone(msg)
	case outputTickMsg:
		return m.outputTicked(msg)
	case execDoneMsg:
		m.execDone(msg)
		return nil
	case modelFunc:
		msg(m)
		return nil
	case traceMsg:
		m.gotTrace(msg)
		return nil
	case changeDoneMsg:
		return m.changeDone(msg)
	case historyWrittenMsg:
		return m.historyWritten(msg)
	case labDoneMsg:
		return m.labDone(msg)
	case labTickMsg:
		return m.labTicked(msg)
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseMsg:
		return m.mouse(msg)
	}
	if m.dialog != nil {
		return m.dialog.update(msg)
	}
	if m.filtering {
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		// Quits from anywhere, a dialog or the filter included.
		return m.quit()
	}
	if m.dialog != nil {
		return m.dialogKey(msg)
	}
	if m.filtering {
		return m.filterKey(msg)
	}
	act := m.keys.action(msg)
	if act == ActQuit && (msg.String() == "ctrl+c" || m.pane == nil) {
		return m.quit()
	}
	if m.showHelp {
		// Every binding works from the help screen: it closes, and the
		// key acts on what is beneath.
		m.showHelp = false
		if act == ActHelp || msg.String() == "esc" {
			return nil
		}
	}
	if act == ActHelp {
		// Help is there from every screen, a pane's included.
		return m.act(act)
	}
	if m.pane != nil {
		if act == ActQuit || msg.String() == "esc" {
			m.pane.close()
			m.pane = nil
			return nil
		}
		return m.pane.key(m, msg, act)
	}
	if msg.String() == "esc" && m.filter.Value() != "" {
		return m.setFilter("")
	}
	if n, ok := numberTab(msg); ok && act == actNumberTab {
		return m.setTab(n)
	}
	return m.act(act)
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	if m.watcher != nil {
		m.watcher.Close()
		m.watcher = nil
	}
	m.cancel()
	return tea.Quit
}

// act performs an action on the main screen.
func (m *Model) act(act string) tea.Cmd {
	switch act {
	case ActHelp:
		m.showHelp = true
		return nil
	case ActFilter:
		m.filtering = true
		return m.filter.Focus()
	case ActFocusNext, ActFocusPrev:
		m.focus = 1 - m.focus
		return nil
	case ActTabNext:
		return m.setTab(m.tab + 1)
	case ActTabPrev:
		return m.setTab(m.tab - 1)
	case ActFollow:
		if m.focus == focusList {
			m.focus = focusDetail
			return nil
		}
		return m.follow()
	case ActTopology:
		return m.openTopology()
	case ActReload:
		m.setStatus("reloading…", false)
		return m.reloadAll()
	case ActShell:
		return m.shell()
	case ActExec:
		return m.execPrompt()
	case "":
		return nil
	}
	if extraActions[act] {
		return m.extraAction(act)
	}
	if m.focus == focusList {
		return m.moveList(func(s *scroller) { s.applyMove(act) })
	}
	m.rows.applyMove(act)
	return nil
}

// numberTab is 1…7 choosing a detail tab; not rebindable, as PRODUCT.md
// lists them beside [ and ].
func numberTab(msg tea.KeyPressMsg) (int, bool) {
	s := msg.String()
	if len(s) == 1 && s[0] >= '1' && s[0] < '1'+tabCount {
		return int(s[0] - '1'), true
	}
	return 0, false
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.filtering = false
		m.filter.Blur()
		return m.setFilter("")
	case "enter":
		m.filtering = false
		m.filter.Blur()
		return nil
	case "up", "down", "pgup", "pgdown":
		return m.moveList(func(s *scroller) { s.applyMove(m.keys.action(msg)) })
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	return tea.Batch(cmd, m.setFilter(m.filter.Value()))
}
