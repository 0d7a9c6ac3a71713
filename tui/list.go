package tui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// nsRef identifies a list entry across snapshots: by key, or by name for a
// stale entry, which has no key.
type nsRef struct {
	key  model.NsKey
	name string
}

func refOf(ns *model.Namespace) nsRef {
	if ns.Stale {
		return nsRef{name: ns.Name}
	}
	return nsRef{key: ns.Key}
}

// refilter applies the filter to the snapshot, keeping the cursor on the
// selected namespace if it is still shown.
// prev is the selection before the snapshot or filter changed.
func (m *Model) refilter(prev nsRef) {
	if m.snap == nil {
		return
	}
	m.shown = m.index.match(m.filter.Value())
	m.list.set(len(m.shown), m.list.height)
	for i, pos := range m.shown {
		if refOf(&m.snap.Namespaces[pos]) == prev {
			m.list.to(i)
			break
		}
	}
}

func (m *Model) selRef() nsRef {
	if ns := m.Selected(); ns != nil {
		return refOf(ns)
	}
	return nsRef{name: "\x00none"}
}

// moveList runs f on the list cursor and, when that selects another
// namespace, resets the detail pane to it.
func (m *Model) moveList(f func(*scroller)) tea.Cmd {
	before := m.selRef()
	f(&m.list)
	return m.selectionChanged(before)
}

// selectionChanged resets the detail pane when the selected namespace is no
// longer prev, and follows the new one.
func (m *Model) selectionChanged(prev nsRef) tea.Cmd {
	if m.selRef() == prev {
		return nil
	}
	m.rows = scroller{height: m.rows.height}
	m.rebuildDetail()
	return m.loadLazy()
}

// setFilter filters the list by q.
func (m *Model) setFilter(q string) tea.Cmd {
	prev := m.selRef()
	m.filter.SetValue(q)
	m.refilter(prev)
	return m.selectionChanged(prev)
}

// selectNs puts the list cursor on the namespace with key, clearing the
// filter if it hides it. It reports whether the namespace exists.
func (m *Model) selectNs(key model.NsKey) bool {
	if m.snap == nil || m.snap.Find(key) == nil {
		return false
	}
	find := func() int {
		for i, pos := range m.shown {
			if ns := &m.snap.Namespaces[pos]; ns.Key == key && !ns.Stale {
				return i
			}
		}
		return -1
	}
	i := find()
	if i < 0 {
		m.setFilter("")
		i = find()
	}
	m.list.to(i)
	return true
}

// viewList renders the namespace list, only the rows on screen.
func (m *Model) viewList(width, height int) []string {
	lines := make([]string, 0, height)
	title := "NAMESPACES"
	if m.snap != nil && len(m.shown) != len(m.snap.Namespaces) {
		title += "  " + strconv.Itoa(len(m.shown)) + "/" + strconv.Itoa(len(m.snap.Namespaces))
	}
	lines = append(lines, fit(m.st.PaneTitle.Render(cut(title, width)), width))
	from, to := m.list.visible()
	for i := from; i < to; i++ {
		lines = append(lines, m.listRow(&m.snap.Namespaces[m.shown[i]], width, i == m.list.cursor))
	}
	if m.snap != nil && len(m.shown) == 0 {
		lines = append(lines, fit(m.st.Paint(model.RoleDim, "  nothing matches"), width))
	}
	note := m.listNote(width, height)
	for len(lines) < height-len(note) {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return append(lines, note...)
}

// listRow is "▸ name…  badges N ifs", the name cut to what is left.
func (m *Model) listRow(ns *model.Namespace, width int, selected bool) string {
	var marks []string
	for _, b := range model.Badges(ns) {
		// The container says more than "unnamed" in a narrow column.
		if b != "host" && !(b == "unnamed" && ns.Container != nil) {
			marks = append(marks, model.Visible(b))
		}
	}
	right := strconv.Itoa(len(ns.Links)) + " ifs"
	rightRole := model.RoleDim
	if len(marks) > 0 {
		right = cut(strings.Join(marks, ","), max(7, width/3))
		rightRole = model.RoleWarn
		if !ns.Stale && ns.Err == nil {
			rightRole = model.RoleDim
		}
	}
	nameW := width - 2 - displaywidth.String(right) - 1
	name := cutName(model.Visible(ns.DisplayName()), max(1, nameW))
	pad := strings.Repeat(" ", max(1, width-2-displaywidth.String(name)-displaywidth.String(right)))
	marker := "  "
	if selected {
		marker = "▸ "
	}
	if selected {
		style := m.st.Cursor
		if m.focus == focusList {
			style = m.st.Selected
		}
		return style.Render(fit(marker+name+pad+right, width))
	}
	nameRole := model.RoleName
	if ns.Stale || ns.Err != nil {
		nameRole = model.RoleWarn
	}
	return fit(marker+m.st.Paint(nameRole, name)+pad+m.st.Paint(rightRole, right), width)
}
