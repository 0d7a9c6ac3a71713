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
	l.nameLines = m.nameLines(l.detailW)
	l.tabsY = l.bodyY + len(l.nameLines) + 1
	l.tableY = l.tabsY + 2
	l.rowsH = max(1, l.bodyH-len(l.nameLines)-3)
	return l
}

// relayout fits every scroller to the current size; Update calls it last.
func (m *Model) relayout() {
	l := m.layout()
	m.list.set(len(m.shown), l.bodyH-1-len(m.listNote(l.listW, l.bodyH)))
	if m.detail != nil {
		m.rows.set(len(m.detail.rows), l.rowsH)
	}
	m.filter.SetWidth(max(10, m.width-4))
	// The footer fits itself (viewFooter); help must not cut it with "…".
	m.help.SetWidth(0)
	if m.pane != nil {
		m.pane.resize(m.width, l.bodyH)
	}
	if m.dialog != nil {
		m.dialog.resize(m)
	}
}

// View draws the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "lazyns"
	if m.filtering {
		if c := m.filter.Cursor(); c != nil {
			c.Y += m.height - 2
			v.Cursor = c
		}
	}
	if m.dialog != nil {
		v.Cursor = m.dialogCursor()
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
		body = m.pane.render(m, l.bodyH)
	default:
		left := m.viewList(l.listW, l.bodyH)
		right := m.viewDetail(l)
		sep := m.st.Separator.Render("│") + " "
		body = make([]string, l.bodyH)
		for i := range body {
			body[i] = left[i] + sep + right[i]
		}
	}
	if m.dialog != nil {
		body = overlay(body, m.dialog.render(m), m.width)
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
	parts := []string{m.st.HeaderName.Render("lazyns"), "host " + model.Visible(m.host)}
	if m.snap != nil {
		n := len(m.snap.Namespaces)
		noun := " namespaces"
		if n == 1 {
			noun = " namespace"
		}
		count := strconv.Itoa(n) + noun
		if u := m.unreadable(); u > 0 {
			count += " (" + strconv.Itoa(u) + " unreadable)"
		}
		parts = append(parts, count)
	}
	if f := m.filter.Value(); f != "" {
		parts = append(parts, "filter: "+model.Visible(f))
	}
	left := " " + strings.Join(parts, "  ·  ")
	right := "? help "
	if m.opt.ReadOnly {
		right = m.st.ReadOnly.Render(" READ-ONLY ") + "  " + right
	}
	if m.opt.Unprivileged != "" {
		right = m.st.ReadOnly.Render(" NOT ROOT ") + "  " + right
	}
	rw := ansi.StringWidth(right)
	left = fit(left, max(0, m.width-rw))
	return m.st.Header.Render(left) + right
}

func (m *Model) viewLoading(height int) []string {
	lines := make([]string, height)
	msg := "reading namespaces…"
	if p := m.progress; p.total > 0 {
		msg += " " + strconv.Itoa(p.done) + "/" + strconv.Itoa(p.total)
	}
	if !m.loading && m.status != "" {
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
	if m.filtering {
		return fit(m.filter.View(), m.width)
	}
	if m.showHelp {
		return fit(m.st.Label.Render(" esc or ? closes the help; every key also works from here"), m.width)
	}
	if m.status == "" {
		return strings.Repeat(" ", m.width)
	}
	style := m.st.Status
	if m.statusErr {
		style = m.st.StatusErr
	}
	return fit(style.Render(" "+cut(m.status, max(1, m.width-1))), m.width)
}

// footerKeys are the bindings that work in the current context, most
// useful first, and the ones always shown at the end (help, quit, back).
func (m *Model) footerKeys() (keys, tail []key.Binding) {
	var acts, last []string
	switch {
	case m.dialog != nil:
		return nil, []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
			key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	case m.filtering:
		return nil, []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		}
	case m.showHelp:
		last = []string{ActHelp, ActQuit}
	case m.pane != nil:
		acts = append([]string{ActUp, ActDown, ActPageDown}, m.pane.actions()...)
	case m.focus == focusDetail:
		acts = append([]string{ActTabNext, ActFollow, ActFocusNext, ActShell, ActExec},
			m.changeKeys(ActToggleUp, ActAddAddr, ActAttach, ActNewBridge, ActAddRoute, ActDelete, ActMoveLink, ActTrace)...)
		last = []string{ActHelp, ActQuit}
	default:
		acts = append([]string{ActFilter, ActFollow, ActTabNext, ActShell, ActExec, ActTopology},
			m.changeKeys(ActNewNetns, ActNewVeth, ActDeleteNetns, ActTrace, ActHistory)...)
		last = []string{ActHelp, ActQuit}
	}
	keys, tail = m.footerBindings(acts), m.footerBindings(last)
	if m.pane != nil {
		tail = append(tail, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")))
	}
	return keys, tail
}

// changeKeys are those of acts that a feature provides and that may run
// (see refusal).
func (m *Model) changeKeys(acts ...string) []string {
	var out []string
	for _, a := range acts {
		if _, ok := actionHandlers[a]; ok && m.refusal(a) == "" {
			out = append(out, a)
		}
	}
	return out
}

// unreadable counts the namespaces lazyns found but could not read for
// want of privileges; 0 when it has them all.
func (m *Model) unreadable() int {
	if m.opt.Unprivileged == "" || m.snap == nil {
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

// onlyOwnReadable reports whether, without privileges, nothing beyond the
// namespace lazyns runs in could be read: the list alone would look like a
// host without namespaces, or one of names with nothing in them.
func (m *Model) onlyOwnReadable() bool {
	if m.opt.Unprivileged == "" || m.snap == nil {
		return false
	}
	for i := range m.snap.Namespaces {
		if ns := &m.snap.Namespaces[i]; !ns.Host && !ns.Stale && ns.Err == nil {
			return false
		}
	}
	return true
}

// listNote is what the foot of the list (width × height, title
// included) says when onlyOwnReadable, after a blank line: why, and what
// would show the rest. It is nil otherwise, and when it would leave the
// list fewer than three rows.
func (m *Model) listNote(width, height int) []string {
	if !m.onlyOwnReadable() {
		return nil
	}
	text := "Only the namespace lazyns runs in can be read: seeing more " + m.opt.Unprivileged + "."
	out := []string{strings.Repeat(" ", width)}
	for _, l := range strings.Split(ansi.Wrap(text, max(1, width-2), " "), "\n") {
		out = append(out, fit(m.st.Paint(model.RoleDim, "  "+l), width))
	}
	if height-1-len(out) < 3 {
		return nil
	}
	return out
}

// footerBindings are the bindings of acts with their first key only (help
// lists them all) and short descriptions.
func (m *Model) footerBindings(acts []string) []key.Binding {
	bs := m.keys.bindings(acts...)
	for i := range bs {
		d := bs[i].Help().Desc
		if short, ok := footerDesc[d]; ok {
			d = short
		}
		if d == "open" && m.focus == focusDetail && m.tab == tabLinks && m.pane == nil {
			d = "follow veth"
		}
		bs[i].SetHelp(helpKeys(bs[i].Keys()[:1]), d)
	}
	return bs
}

// footerDesc shortens help descriptions for the footer.
var footerDesc = map[string]string{
	"open / follow veth": "open", "next pane": "focus", "run command": "exec", "link up/down": "up/down",
	"add address": "addr", "attach to bridge": "master", "new veth pair": "veth", "new bridge": "bridge",
	"new namespace": "new ns", "delete namespace": "delete ns", "add route": "route", "move link": "move",
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
