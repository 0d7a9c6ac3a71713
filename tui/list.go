package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// nsList is the list of namespaces: the snapshot's namespaces that pass
// the filter, a cursor over them, and the filter itself.
type nsList struct {
	c     *common
	snap  *model.Snapshot
	index filterIndex
	shown []int // positions in snap.Namespaces that pass the filter
	sc    scroller

	filter    textinput.Model
	filtering bool // the filter has the keys

	// order is orderName or orderTraffic (o); traffic is each
	// namespace's bytes a second while in traffic order, once known,
	// read by tf (traffic.go).
	order   int
	traffic map[model.NsKey]float64
	tf      trafficFollower
}

func newNsList(c *common) nsList {
	l := nsList{c: c, filter: newFilterInput("name, interface or address")}
	l.filter.SetValue(c.opt.Filter)
	return l
}

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

// selected is the namespace under the cursor, or nil.
func (l *nsList) selected() *model.Namespace {
	if l.snap == nil || l.sc.cursor >= len(l.shown) {
		return nil
	}
	return &l.snap.Namespaces[l.shown[l.sc.cursor]]
}

func (l *nsList) ref() nsRef {
	if ns := l.selected(); ns != nil {
		return refOf(ns)
	}
	return nsRef{name: "\x00none"}
}

// setSnapshot lists snap, whose filter index is index, keeping the cursor
// on the namespace selected before if it is still shown.
func (l *nsList) setSnapshot(snap *model.Snapshot, index filterIndex) {
	prev := l.ref()
	l.snap, l.index = snap, index
	l.refilter(prev)
}

// refilter applies the filter, keeping the cursor on prev if it is still
// shown.
func (l *nsList) refilter(prev nsRef) {
	if l.snap == nil {
		return
	}
	l.shown = l.index.match(l.filter.Value())
	l.sortShown()
	l.sc.set(len(l.shown), l.sc.height)
	for i, pos := range l.shown {
		if refOf(&l.snap.Namespaces[pos]) == prev {
			l.sc.to(i)
			break
		}
	}
}

func (l *nsList) setFilter(q string) {
	prev := l.ref()
	l.filter.SetValue(q)
	l.refilter(prev)
}

// selectKey puts the cursor on the namespace with key, clearing the filter
// if it hides it. It reports whether the namespace exists.
func (l *nsList) selectKey(key model.NsKey) bool {
	if l.snap == nil || l.snap.Find(key) == nil {
		return false
	}
	find := func() int {
		for i, pos := range l.shown {
			if ns := &l.snap.Namespaces[pos]; ns.Key == key && !ns.Stale {
				return i
			}
		}
		return -1
	}
	i := find()
	if i < 0 {
		l.setFilter("")
		i = find()
	}
	l.sc.to(i)
	return true
}

// eachOnScreen calls f with each namespace on the rows on screen.
func (l *nsList) eachOnScreen(f func(*model.Namespace)) {
	if l.snap == nil {
		return
	}
	from, to := l.sc.visible()
	for _, pos := range l.shown[from:to] {
		f(&l.snap.Namespaces[pos])
	}
}

// setSize fits the list into width × height (its title and note
// included); the filter's input has inputWidth on the status line.
func (l *nsList) setSize(width, height, inputWidth int) {
	l.sc.set(len(l.shown), height-1-len(l.note(width, height)))
	l.filter.SetWidth(max(10, inputWidth-4))
}

// The list is a filterer: / with the focus on it filters namespaces.

func (l *nsList) input() *textinput.Model { return &l.filter }
func (l *nsList) typing() *bool           { return &l.filtering }
func (l *nsList) moveCursor(act string)   { l.sc.applyMove(act) }

// view renders the list, only the rows on screen.
func (l *nsList) view(width, height int, focused bool) []string {
	st := &l.c.st
	lines := make([]string, 0, height)
	title := "NAMESPACES"
	// Interfaces and addresses of what is not read yet are not matched:
	// the matches grow as the reading goes.
	_, _, reading := l.c.read.reading()
	soFar := reading && l.filter.Value() != ""
	if l.snap != nil && len(l.shown) != len(l.snap.Namespaces) {
		title += "  " + strconv.Itoa(len(l.shown)) + "/" + strconv.Itoa(len(l.snap.Namespaces))
		if soFar {
			title += " so far"
		}
	}
	lines = append(lines, fit(st.PaneTitle.Render(cut(title, width)), width))
	from, to := l.sc.visible()
	for i := from; i < to; i++ {
		lines = append(lines, l.row(&l.snap.Namespaces[l.shown[i]], width, i == l.sc.cursor, focused))
	}
	if l.snap != nil && len(l.shown) == 0 {
		none := "  nothing matches"
		if soFar {
			none += " yet"
		}
		lines = append(lines, fit(st.Paint(model.RoleDim, none), width))
	}
	note := l.note(width, height)
	for len(lines) < height-len(note) {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return append(lines, note...)
}

// row is "▸ name…  badges N ifs", the name cut to what is left.
func (l *nsList) row(ns *model.Namespace, width int, selected, focused bool) string {
	st := &l.c.st
	unread := l.c.read.of(ns) == nsUnread
	var marks []string
	for _, b := range model.Badges(ns) {
		// The container says more than "unnamed" in a narrow column;
		// nothing read is not "empty".
		if b != "host" && !(b == "unnamed" && ns.Container != nil) && !(b == "empty" && unread) {
			marks = append(marks, model.Visible(b))
		}
	}
	right := strconv.Itoa(len(ns.Links)) + " ifs"
	if unread {
		right = "…"
	}
	rightRole := model.RoleDim
	if len(marks) > 0 {
		right = cut(strings.Join(marks, ","), max(7, width/3))
		rightRole = model.RoleWarn
		if !ns.Stale && ns.Err == nil {
			rightRole = model.RoleDim
		}
	}
	if rate, ok := l.trafficLabel(ns); ok {
		right, rightRole = rate.text, rate.role
	}
	nameW := width - 2 - displaywidth.String(right) - 1
	name := cutName(model.Visible(ns.DisplayName()), max(1, nameW))
	pad := strings.Repeat(" ", max(1, width-2-displaywidth.String(name)-displaywidth.String(right)))
	marker := "  "
	if selected {
		marker = "▸ "
	}
	if selected {
		style := st.Cursor
		if focused {
			style = st.Selected
		}
		return style.Render(fit(marker+name+pad+right, width))
	}
	nameRole := model.RoleName
	if ns.Stale || ns.Err != nil {
		nameRole = model.RoleWarn
	}
	return fit(marker+st.Paint(nameRole, name)+pad+st.Paint(rightRole, right), width)
}

// onlyOwnReadable reports whether, without privileges, nothing beyond the
// namespace lazyns runs in could be read: the list alone would look like a
// host without namespaces, or one of names with nothing in them.
func (l *nsList) onlyOwnReadable() bool {
	if l.c.opt.Unprivileged == "" || l.snap == nil {
		return false
	}
	for i := range l.snap.Namespaces {
		if ns := &l.snap.Namespaces[i]; !ns.Host && !ns.Stale && ns.Err == nil {
			return false
		}
	}
	return true
}

// note is what the foot of the list (width × height, title included)
// says when onlyOwnReadable, after a blank line: why, and what would show
// the rest. It is nil otherwise, and when it would leave the list fewer
// than three rows.
func (l *nsList) note(width, height int) []string {
	if !l.onlyOwnReadable() {
		return nil
	}
	text := "Only the namespace lazyns runs in can be read: seeing more " + l.c.opt.Unprivileged + "."
	out := []string{strings.Repeat(" ", width)}
	for _, line := range strings.Split(ansi.Wrap(text, max(1, width-2), " "), "\n") {
		out = append(out, fit(l.c.st.Paint(model.RoleDim, "  "+line), width))
	}
	if height-1-len(out) < 3 {
		return nil
	}
	return out
}
