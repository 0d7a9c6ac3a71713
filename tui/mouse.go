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
	l := m.layout()
	y := msg.Mouse().Y - l.bodyY
	if y < 0 || y >= l.bodyH {
		return nil
	}
	if m.pane == nil {
		return m.main.mouse(msg, l)
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		if d := wheelLines(msg); d != 0 {
			m.pane.wheel(d)
		}
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft {
			return m.pane.click(y)
		}
	}
	return nil
}

// wheelLines is how far a wheel event scrolls; 0 for a sideways one.
func wheelLines(msg tea.MouseWheelMsg) int {
	switch msg.Button {
	case tea.MouseWheelUp:
		return -3
	case tea.MouseWheelDown:
		return 3
	}
	return 0
}

// mouse on the main screen, laid out as l.
func (s *mainScreen) mouse(msg tea.MouseMsg, l layout) tea.Cmd {
	mouse := msg.Mouse()
	y := mouse.Y - l.bodyY
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		d := wheelLines(msg)
		switch {
		case d == 0:
		case mouse.X < l.listW:
			return s.onList(func(l *nsList) tea.Cmd { l.sc.scroll(d); return nil })
		default:
			s.detail.sc.scroll(d)
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return nil
		}
		if mouse.X < l.listW {
			s.focus = focusList
			if i := s.list.sc.offset + y - 1; y >= 1 && y <= s.list.sc.height && i < len(s.list.shown) {
				return s.onList(func(l *nsList) tea.Cmd { l.sc.to(i); return nil })
			}
			return nil
		}
		if mouse.X < l.detailX {
			return nil
		}
		s.focus = focusDetail
		switch {
		case mouse.Y == l.tabsY:
			if t := s.detail.tabAt(mouse.X-l.detailX, l.detailW); t >= 0 {
				return s.setTab(t)
			}
		case mouse.Y > l.tableY-1:
			if i := s.detail.sc.offset + mouse.Y - l.tableY; i < len(s.detail.t.rows) {
				s.detail.sc.to(i)
			}
		}
	}
	return nil
}
