package tui

import (
	tea "charm.land/bubbletea/v2"
)

// mouse: the wheel scrolls the pane under the pointer, a click selects a
// namespace, a row or a tab.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.dialog != nil || m.showHelp || m.snap == nil {
		return nil
	}
	mouse := msg.Mouse()
	l := m.layout()
	y := mouse.Y - l.bodyY
	if y < 0 || y >= l.bodyH {
		return nil
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		d := 0
		switch msg.Button {
		case tea.MouseWheelUp:
			d = -3
		case tea.MouseWheelDown:
			d = 3
		default:
			return nil
		}
		if m.pane != nil {
			m.pane.wheel(d)
			return nil
		}
		if mouse.X < l.listW {
			return m.moveList(func(s *scroller) { s.scroll(d) })
		}
		m.rows.scroll(d)
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return nil
		}
		if m.pane != nil {
			return m.pane.click(m, y)
		}
		if mouse.X < l.listW {
			m.focus = focusList
			if i := m.list.offset + y - 1; y >= 1 && y <= m.list.height && i < len(m.shown) {
				return m.moveList(func(s *scroller) { s.to(i) })
			}
			return nil
		}
		if mouse.X < l.detailX {
			return nil
		}
		m.focus = focusDetail
		switch {
		case mouse.Y == l.tabsY:
			if t := m.tabAt(mouse.X - l.detailX); t >= 0 {
				return m.setTab(t)
			}
		case mouse.Y > l.tableY-1:
			if i := m.rows.offset + mouse.Y - l.tableY; i < len(m.detail.rows) {
				m.rows.to(i)
			}
		}
	}
	return nil
}

// tabAt is the tab drawn at column x of the tab line, or -1.
func (m *Model) tabAt(x int) int {
	labels := tabNames
	total := 0
	for _, l := range labels {
		total += len(l) + 2
	}
	if total > m.layout().detailW {
		labels = tabShort
	}
	pos := 0
	for i, l := range labels {
		pos += len(l) + 2
		if x < pos {
			return i
		}
	}
	return -1
}
