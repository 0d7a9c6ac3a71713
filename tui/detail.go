package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/model"
)

// rebuildDetail builds the table of the current tab for the selected
// namespace, keeping the row cursor where it was.
func (m *Model) rebuildDetail() {
	ns := m.Selected()
	prev, had := m.cursorIdentity()
	if ns == nil {
		m.detail = &table{empty: "no namespace selected"}
		m.detail.measure()
		return
	}
	switch m.tab {
	case tabLinks:
		m.detail = linksTable(ns)
	case tabAddrs:
		m.detail = addrsTable(ns)
	case tabRoutes:
		m.detail = routesTable(ns, m.names)
	case tabNeigh:
		m.detail = neighTable(ns)
	case tabRules:
		m.detail = rulesTable(ns, m.names)
	case tabSockets, tabProcs:
		m.detail = m.lazyTable(ns)
	}
	if ns.Stale {
		m.detail = &table{empty: "stale: the name exists under the netns directory but no namespace is mounted on it"}
	}
	m.detail.measure()
	m.rows.set(len(m.detail.rows), m.rows.height)
	m.detailOf = detailOf{key: ns.Key, tab: m.tab}
	if had && prev.of == m.detailOf {
		m.keepCursorOn(prev)
	}
}

// detailOf is which namespace and tab the detail table shows.
type detailOf struct {
	key model.NsKey
	tab int
}

// rowIdentity is what the detail cursor is on, to find it again when the
// table is rebuilt: rows come and go under it (someone deletes a link),
// and a change key must act on the row the person chose, not on whatever
// slid into its place.
type rowIdentity struct {
	of   detailOf
	link int
	text string
}

func rowText(r row) string {
	var b strings.Builder
	for _, c := range r.cells {
		b.WriteString(c.text)
		b.WriteByte(0)
	}
	return b.String()
}

func (m *Model) cursorIdentity() (rowIdentity, bool) {
	r := m.cursorRow()
	if r == nil {
		return rowIdentity{}, false
	}
	return rowIdentity{of: m.detailOf, link: r.link, text: rowText(*r)}, true
}

// keepCursorOn puts the cursor back on the row it was on: the same text,
// else the same link; when that is gone the status line says so.
func (m *Model) keepCursorOn(id rowIdentity) {
	sameLink := -1
	for i, r := range m.detail.rows {
		if rowText(r) == id.text {
			m.rows.to(i)
			return
		}
		if sameLink < 0 && id.link != 0 && r.link == id.link {
			sameLink = i
		}
	}
	if sameLink >= 0 {
		m.rows.to(sameLink)
		return
	}
	if id.link != 0 || m.tab != tabSockets && m.tab != tabProcs {
		m.setStatus("the selected row is gone: select again before acting", true)
	}
}

// setTab opens tab t (wrapping around).
func (m *Model) setTab(t int) tea.Cmd {
	m.tab = (t + tabCount) % tabCount
	m.rows = scroller{height: m.rows.height}
	m.rebuildDetail()
	return m.loadLazy()
}

// follow jumps from a veth on the Links tab to its peer: the namespace of
// the other end, with that end selected.
func (m *Model) follow() tea.Cmd {
	// Before the first snapshot there is no table yet: enter, enter on a
	// host still being read must not crash.
	if m.tab != tabLinks || m.detail == nil || m.rows.cursor >= len(m.detail.rows) {
		return nil
	}
	r := m.detail.rows[m.rows.cursor]
	if r.follow == nil {
		m.setStatus("not a veth: nothing to follow", false)
		return nil
	}
	peer := *r.follow
	if !m.selectNs(peer.Ns) {
		m.setStatus("the peer's namespace "+model.Visible(peer.NsName)+" is not on this host's list", true)
		return nil
	}
	m.rebuildDetail()
	for i, row := range m.detail.rows {
		if row.link == peer.Index {
			m.rows.to(i)
		}
	}
	m.setStatus("followed to "+model.Visible(peer.NsName)+" "+model.Visible(peer.Name), false)
	return m.loadLazy()
}

// nameLines is the selected namespace's full name, wrapped to the pane,
// at most three lines.
func (m *Model) nameLines(width int) []string {
	ns := m.Selected()
	if ns == nil || width <= 0 {
		return []string{""}
	}
	lines := strings.Split(ansi.Hardwrap(model.Visible(ns.DisplayName()), width, true), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
		lines[2] = cut(lines[2]+"…", width)
	}
	return lines
}

// infoLine is "net:[4026532448]  nsid 3  pids 2: keepalived, haproxy".
func (m *Model) infoLine(ns *model.Namespace) string {
	var parts []string
	if !ns.Stale {
		parts = append(parts, ns.Key.String())
	}
	if id, ok := m.nsid(ns); ok {
		parts = append(parts, "nsid "+strconv.Itoa(id))
	}
	if n := len(ns.Procs); n > 0 {
		// Command names are read only where discovery needed them; the
		// Processes tab has them all.
		var comms []string
		for _, p := range ns.Procs {
			if p.Comm == "" {
				continue
			}
			if len(comms) == 3 {
				comms = append(comms, "…")
				break
			}
			comms = append(comms, model.Visible(p.Comm))
		}
		pids := fmt.Sprintf("pids %d", n)
		if len(comms) > 0 {
			pids += ": " + strings.Join(comms, ", ")
		}
		parts = append(parts, pids)
	}
	if b := model.Badges(ns); len(b) > 0 {
		parts = append(parts, model.Visible(strings.Join(b, ", ")))
	}
	if ns.Err != nil {
		parts = append(parts, "error: "+model.Visible(ns.Err.Error()))
	}
	return strings.Join(parts, "  ")
}

// nsid is the id the host namespace knows this namespace by, if any.
func (m *Model) nsid(ns *model.Namespace) (int, bool) {
	host := m.snap.Host()
	if host == nil || ns.Host {
		return 0, false
	}
	best, found := 0, false
	for id, k := range host.NsIDs {
		if k == ns.Key && (!found || id < best) {
			best, found = id, true
		}
	}
	return best, found
}

func (m *Model) tabLine(width int) string {
	labels := tabNames
	total := 0
	for _, l := range labels {
		total += len(l) + 2
	}
	if total > width {
		labels = tabShort
	}
	var b strings.Builder
	for i, l := range labels {
		if i == m.tab {
			b.WriteString(m.st.TabActive.Render("[" + l + "]"))
		} else {
			b.WriteString(m.st.Tab.Render(" " + l + " "))
		}
	}
	return fit(b.String(), width)
}

// viewDetail renders the detail pane: name, info, tabs, the table.
func (m *Model) viewDetail(l layout) []string {
	width := l.detailW
	lines := make([]string, 0, l.bodyH)
	ns := m.Selected()
	for _, n := range l.nameLines {
		lines = append(lines, fit(m.st.DetailName.Render(n), width))
	}
	info := ""
	if ns != nil {
		info = m.st.Paint(model.RoleDim, cut(m.infoLine(ns), width))
	}
	lines = append(lines, fit(info, width), m.tabLine(width))
	t := m.detail
	if len(t.rows) == 0 {
		lines = append(lines, fit(m.st.Paint(model.RoleDim, t.empty), width))
	} else {
		lines = append(lines, t.headLine(width, m.st.Paint))
		from, to := m.rows.visible()
		for i := from; i < to; i++ {
			if i == m.rows.cursor {
				style := m.st.Cursor
				if m.focus == focusDetail {
					style = m.st.Selected
				}
				lines = append(lines, style.Render(t.line(t.rows[i].cells, width, nil)))
				continue
			}
			lines = append(lines, t.line(t.rows[i].cells, width, m.st.Paint))
		}
	}
	for len(lines) < l.bodyH {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return lines[:l.bodyH]
}

// reloadAll drops what was read lazily and reads the host again.
func (m *Model) reloadAll() tea.Cmd {
	m.extra = map[model.NsKey]*lazyTabs{}
	m.rebuildDetail()
	return tea.Batch(m.requestSnapshot(), m.loadLazy())
}
