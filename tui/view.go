package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// layout is where everything is on screen; View draws by it and the mouse
// handler reads it, so the two always agree.
type layout struct {
	listW, detailX, detailW int
	bodyY, bodyH            int
	nameLines               []string
	tabsY, tableY, rowsH    int
}

func (m *Model) layout() layout {
	l := layout{bodyY: 1, bodyH: max(1, m.height-3)}
	l.listW = min(max(m.width/3, 20), 44, max(1, m.width/2))
	l.detailX = l.listW + 2
	l.detailW = max(1, m.width-l.detailX)
	l.nameLines = m.main.detail.nameLines(l.detailW)
	l.tabsY = l.bodyY + len(l.nameLines) + 1
	// The open tab's caption, if any, sits between the tabs and the table.
	caption := m.main.detail.captionLines()
	l.tableY = l.tabsY + 2 + caption
	l.rowsH = max(1, l.bodyH-len(l.nameLines)-3-caption)
	return l
}

// relayout fits everything to the current size; Update calls it last.
func (m *Model) relayout() {
	l := m.layout()
	m.main.setSize(l, m.width)
	// The footer fits itself (viewFooter); help must not cut it with "…".
	m.help.SetWidth(0)
	if m.pane != nil {
		m.pane.setSize(m.width, l.bodyH)
	}
	if m.dialog != nil {
		m.dialog.setSize(m.width)
	}
}

// View draws the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "lazyns"
	if f := m.main.typingFilter(); f != nil {
		if c := f.input().Cursor(); c != nil {
			c.Y += m.height - 2
			v.Cursor = c
		}
	}
	if m.dialog != nil {
		v.Cursor = m.dialog.cursor(&m.c.st, m.layout(), m.width)
	}
	return v
}

func (m *Model) render() string {
	if m.quitting {
		return ""
	}
	l := m.layout()
	var body []string
	switch {
	case m.snap == nil:
		body = m.viewLoading(l.bodyH)
	case m.showHelp:
		body = m.viewHelp(l.bodyH)
	case m.pane != nil:
		body = m.pane.view()
	default:
		body = m.main.view(l)
	}
	if m.dialog != nil {
		body = overlay(body, m.dialog.render(&m.c.st), m.width)
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.viewHeader())
	lines = append(lines, body...)
	lines = append(lines, m.viewStatus(), m.viewFooter())
	// Below the smallest layout, cut rather than let the terminal wrap.
	for i, line := range lines {
		if ansi.StringWidth(line) > m.width {
			lines[i] = ansi.Truncate(line, m.width, "")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) viewHeader() string {
	st, opt := &m.c.st, &m.c.opt
	parts := []string{st.HeaderName.Render("lazyns"), "host " + model.Visible(opt.Hostname)}
	if m.snap != nil {
		n := len(m.snap.Namespaces)
		noun := " namespaces"
		if n == 1 {
			noun = " namespace"
		}
		count := strconv.Itoa(n) + noun + m.main.list.orderSays()
		if u := m.unreadable(); u > 0 {
			count += " (" + strconv.Itoa(u) + " unreadable)"
		}
		parts = append(parts, count)
		if done, total, ok := m.hostRead.reading(); ok {
			parts = append(parts, "reading "+strconv.Itoa(done)+"/"+strconv.Itoa(total))
		}
	}
	if f := m.main.list.filter.Value(); f != "" {
		parts = append(parts, "filter: "+model.Visible(f))
	}
	left := " " + strings.Join(parts, "  ·  ")
	right := "? help "
	if opt.ReadOnly {
		right = st.ReadOnly.Render(" READ-ONLY ") + "  " + right
	}
	if opt.Unprivileged != "" {
		right = st.ReadOnly.Render(" NOT ROOT ") + "  " + right
	}
	rw := ansi.StringWidth(right)
	left = fit(left, max(0, m.width-rw))
	return st.Header.Render(left) + right
}

func (m *Model) viewLoading(height int) []string {
	lines := make([]string, height)
	msg := "reading namespaces…"
	if !m.loading && m.c.status != "" {
		// The first read failed: the status line says why.
		msg = "nothing to show: ctrl+r tries again, q quits"
	}
	for i := range lines {
		lines[i] = strings.Repeat(" ", m.width)
	}
	lines[min(height/2, height-1)] = fit(strings.Repeat(" ", max(0, (m.width-displaywidth.String(msg))/2))+msg, m.width)
	return lines
}

func (m *Model) viewStatus() string {
	st := &m.c.st
	if f := m.main.typingFilter(); f != nil {
		return fit(f.input().View(), m.width)
	}
	if m.showHelp {
		return fit(st.Label.Render(" esc or ? closes the help; every key also works from here"), m.width)
	}
	if m.c.status == "" {
		return strings.Repeat(" ", m.width)
	}
	style := st.Status
	if m.c.statusErr {
		style = st.StatusErr
	}
	return fit(style.Render(" "+cut(m.c.status, max(1, m.width-1))), m.width)
}

// footerKeys are the bindings of the screen on top that the footer shows,
// most useful first, and those always shown at its end.
func (m *Model) footerKeys() (keys, tail []key.Binding) {
	switch {
	case m.dialog != nil:
		return footer(m.dialog.table(), m.dialog, false)
	case m.main.typingFilter() != nil:
		return footer(filterKeys(), m.main.typingFilter(), false)
	case m.showHelp:
		_, tail = m.main.footer()
		return nil, tail
	case m.pane != nil:
		return m.pane.footer()
	}
	return m.main.footer()
}

// unreadable counts the namespaces lazyns found but could not read for
// want of privileges; 0 when it has them all.
func (m *Model) unreadable() int {
	if m.c.opt.Unprivileged == "" || m.snap == nil {
		return 0
	}
	n := 0
	for i := range m.snap.Namespaces {
		if ns := &m.snap.Namespaces[i]; !ns.Stale && ns.Err != nil {
			n++
		}
	}
	return n
}

// viewFooter shows as many of the context's keys as fit, and always the
// tail (help, quit).
func (m *Model) viewFooter() string {
	keys, tail := m.footerKeys()
	// Each item is "key desc" and a separator: measure once, keep what fits.
	sep := displaywidth.String(m.help.ShortSeparator)
	width := func(b key.Binding) int {
		return displaywidth.String(b.Help().Key) + 1 + displaywidth.String(b.Help().Desc) + sep
	}
	room := m.width - 1 + sep // n items have n-1 separators
	for _, b := range tail {
		room -= width(b)
	}
	n := 0
	for n < len(keys) && width(keys[n]) <= room {
		room -= width(keys[n])
		n++
	}
	return fit(" "+m.help.ShortHelpView(append(keys[:n:n], tail...)), m.width)
}

// overlay draws box centred over lines.
func overlay(lines []string, box string, width int) []string {
	boxLines := strings.Split(box, "\n")
	bw := 0
	for _, b := range boxLines {
		bw = max(bw, ansi.StringWidth(b))
	}
	x := max(0, (width-bw)/2)
	y := max(0, (len(lines)-len(boxLines))/2)
	out := append([]string(nil), lines...)
	for i, b := range boxLines {
		if y+i >= len(out) {
			break
		}
		line := out[y+i]
		out[y+i] = ansi.Cut(line, 0, x) + fit(b, min(bw, width-x)) + ansi.Cut(line, x+bw, width)
	}
	return out
}
