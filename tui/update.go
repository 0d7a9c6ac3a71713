package tui

import (
	tea "charm.land/bubbletea/v2"
)

// Update routes a message to whatever is on top — a dialog, the filter,
// the help screen, a pane, or the main screen — then does what they asked
// for, in order, before anything else happens.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmds := []tea.Cmd{m.update(msg)}
	for len(m.c.asks) > 0 {
		ask := m.c.asks[0]
		m.c.asks = m.c.asks[1:]
		cmds = append(cmds, m.update(ask))
	}
	m.relayout()
	m.watchScreen()
	cmds = append(cmds, m.followCounters(), m.readNext())
	return m, tea.Batch(cmds...)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return nil
	case tea.BackgroundColorMsg:
		if m.c.opt.Theme == "" || m.c.opt.Theme == "auto" {
			m.c.st = NewStyles(m.c.opt.NoColor, msg.IsDark(), m.c.opt.Colors)
			m.help.Styles = m.c.st.Help
			if m.pane != nil {
				m.pane.refresh(m.snap) // panes paint their lines when built
			}
		}
		return nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseMsg:
		return m.mouse(msg)

	// What the host says (live.go).
	case discoveredMsg:
		return m.gotDiscovered(msg)
	case readMsg:
		return m.gotRead(msg)
	case watchMsg:
		return m.gotWatcher(msg)
	case changeMsg:
		return m.gotChange(msg.c)
	case pacedMsg:
		return m.gotPaced(msg)
	case rereadTickMsg:
		return m.rereadTick(msg)
	case reloadMsg:
		return m.discover()
	case tickMsg:
		return tea.Batch(m.requestSnapshot(true), m.tick())
	case watchEndMsg:
		m.watcher = nil
		return nil
	case nsMsg:
		m.gotNamespace(msg)
		return nil
	case lazyMsg:
		return m.main.detail.gotLazy(msg)
	case liveTickMsg:
		// Under a pane, the help or a dialog the tab is not read: a row
		// a dialog asks about stays as it was.
		return m.main.detail.liveTick(msg, m.pane == nil && !m.showHelp && m.dialog == nil)
	case ratesMsg:
		return m.main.detail.gotRates(msg)
	case ratesTickMsg:
		return m.main.detail.ratesTick(msg)
	case trafficMsg:
		return m.main.list.gotTraffic(msg)
	case trafficTickMsg:
		return m.main.list.trafficTick(msg)

	// The end of what features started.
	case paneMsg:
		if m.pane != nil {
			return m.pane.update(msg)
		}
		return nil
	case shellDoneMsg:
		shellDone(m.c, msg)
		return m.reloadAll()
	case changeDoneMsg:
		return m.changeDone(msg)
	case forwardingReadMsg:
		return m.main.forwardingRead(msg)
	case historyWrittenMsg:
		return historyWritten(m.c, msg)
	case captureWrittenMsg:
		return captureWritten(m.c, msg)
	case labDoneMsg:
		labDone(m.c, msg)
		return m.requestSnapshot(true)
	case labTickMsg:
		return labTicked(m.c, msg)

	// What panes and screens ask for (common.ask).
	case openDialogMsg:
		return m.OpenDialog(msg.d)
	case openPaneMsg:
		m.closePane()
		m.pane = msg.p
		return nil
	case backMsg:
		m.closePane()
		if msg.then != "" {
			return m.main.run(msg.then)
		}
		return nil
	case openNsMsg:
		m.closePane()
		return m.main.open(msg)
	case helpMsg:
		m.showHelp = true
		return nil
	case quitMsg:
		return m.quit()
	case reloadAllMsg:
		return m.reloadAll()
	case modelFunc:
		msg(m)
		return nil
	}
	// Paste, blink: for the input that has the keys.
	if m.dialog != nil {
		return m.dialog.update(msg)
	}
	if f := m.main.typingFilter(); f != nil {
		return updateFilterInput(f, msg)
	}
	return nil
}

// key routes a key press: ctrl+c quits from anywhere; otherwise the key is
// the top screen's, by its table.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := msg.String()
	if k == "ctrl+c" {
		return m.quit()
	}
	if d := m.dialog; d != nil {
		cmd := d.key(msg)
		if d.done && m.dialog == d {
			m.dialog = nil
		}
		return cmd
	}
	if m.main.typingFilter() != nil {
		return m.main.key(msg)
	}
	if m.showHelp {
		// Every binding works from the help screen: it closes, and the
		// key acts on what is beneath.
		m.showHelp = false
		if m.c.keys.has(ActHelp, k) || k == "esc" {
			return nil
		}
	}
	if m.pane != nil {
		return m.pane.key(msg)
	}
	return m.main.key(msg)
}

func (m *Model) closePane() {
	if m.pane != nil {
		m.pane.close()
		m.pane = nil
	}
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

// reloadAll drops what was read lazily and reads the host again.
func (m *Model) reloadAll() tea.Cmd {
	d := &m.main.detail
	d.dropLazy()
	d.rebuild()
	return tea.Batch(m.requestSnapshot(true), d.loadLazy())
}
