package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// detailPane is everything in one namespace, a tab at a time: its name,
// a line about it, the tabs, and the open tab's table with a cursor.
type detailPane struct {
	c    *common
	snap *model.Snapshot
	ns   *model.Namespace // what it shows; nil when nothing is selected
	tab  int
	sc   scroller // the table's rows
	t    *table   // the open tab's table, built when it changes
	// of is what t was built for, to keep the cursor on the same row when
	// it is built again.
	of    detailOf
	lazy  map[model.NsKey]*[tabCount]lazyTab // the tabs read when opened
	live  liveRead                           // the live tab on screen
	rates ratesFollower                      // the counters of the Links tab (rates.go)

	// filter keeps the rows of the open tab that hold its text (/ with
	// the focus here); filtering while it is typed into.
	filter    textinput.Model
	filtering bool
}

func newDetailPane(c *common) detailPane {
	d := detailPane{c: c, filter: newFilterInput("text in a row: an address, a port, a chain")}
	d.dropLazy()
	return d
}

// show puts ns of snap in the pane, keeping the tab, and the cursor on the
// row it was on if it is the same namespace.
func (d *detailPane) show(snap *model.Snapshot, ns *model.Namespace) {
	d.snap, d.ns = snap, ns
	d.rebuild()
}

// reset starts the rows from the top: another namespace or tab.
func (d *detailPane) reset() { d.sc = scroller{height: d.sc.height} }

// setHeight fits the rows into height lines.
func (d *detailPane) setHeight(height int) {
	if d.t != nil {
		d.sc.set(len(d.t.rows), height)
	}
}

// rebuild builds the table of the open tab, keeping the cursor where it
// was.
func (d *detailPane) rebuild() {
	ns := d.ns
	prev, had := d.cursorIdentity()
	if ns == nil {
		d.t = &table{empty: "no namespace selected"}
		d.t.measure()
		return
	}
	if spec := tabs[d.tab]; spec.build != nil {
		d.t = spec.build(tabInput{ns: ns, names: d.c.names, traffic: d.trafficOf(ns)})
		if held := d.c.read.of(ns); held == nsUnread || (held == nsRows && !spec.ofLinks) {
			d.t = &table{empty: "reading…"}
		}
	} else {
		d.t = d.lazyTable(ns)
	}
	if ns.Stale {
		d.t = &table{empty: "stale: the name exists under the netns directory but no namespace is mounted on it"}
	}
	if d.filtersRows() {
		d.t = d.t.only(d.filter.Value())
	}
	d.t.measure()
	d.sc.set(len(d.t.rows), d.sc.height)
	d.of = detailOf{key: ns.Key, tab: d.tab}
	if had && prev.of == d.of {
		d.keepCursorOn(prev)
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
	if r.key != "" {
		return r.key
	}
	var b strings.Builder
	for _, c := range r.cells {
		b.WriteString(c.text)
		b.WriteByte(0)
	}
	return b.String()
}

func (d *detailPane) cursorIdentity() (rowIdentity, bool) {
	r := d.cursorRow()
	if r == nil {
		return rowIdentity{}, false
	}
	return rowIdentity{of: d.of, link: r.link, text: rowText(*r)}, true
}

// keepCursorOn puts the cursor back on the row it was on: the same text,
// else the same link; when that is gone the status line says so.
func (d *detailPane) keepCursorOn(id rowIdentity) {
	sameLink := -1
	for i, r := range d.t.rows {
		if rowText(r) == id.text {
			d.sc.to(i)
			return
		}
		if sameLink < 0 && id.link != 0 && r.link == id.link {
			sameLink = i
		}
	}
	if sameLink >= 0 {
		d.sc.to(sameLink)
		return
	}
	if id.link != 0 || tabs[d.tab].read == nil {
		d.c.setStatus("the selected row is gone: select again before acting", true)
	}
}

// cursorRow is the row under the cursor, or nil.
func (d *detailPane) cursorRow() *row {
	if d.t == nil || d.sc.cursor < 0 || d.sc.cursor >= len(d.t.rows) {
		return nil
	}
	return &d.t.rows[d.sc.cursor]
}

// toLink puts the cursor on the row of link.
func (d *detailPane) toLink(link int) {
	for i, r := range d.t.rows {
		if link != 0 && r.link == link {
			d.sc.to(i)
		}
	}
}

// setTab opens tab t (wrapping around) from its first row.
func (d *detailPane) setTab(t int) tea.Cmd {
	d.tab = (t + tabCount) % tabCount
	d.reset()
	d.rebuild()
	return d.loadLazy()
}

// follow asks to open the other end of the veth under the cursor, on the
// Links tab: the namespace it is in, with that end selected.
func (d *detailPane) follow() tea.Cmd {
	// Before the first snapshot there is no table yet: enter, enter on a
	// host still being read must not crash.
	r := d.cursorRow()
	if d.tab != tabLinks || r == nil {
		return nil
	}
	if r.follow == nil {
		d.c.setStatus("not a veth: nothing to follow", false)
		return nil
	}
	peer := *r.follow
	d.c.ask(openNsMsg{key: peer.Ns, links: true, link: peer.Index,
		say: func(*model.Namespace) string {
			return "followed to " + model.Visible(peer.NsName) + " " + model.Visible(peer.Name)
		},
		gone: "the peer's namespace " + model.Visible(peer.NsName) + " is not on this host's list"})
	return nil
}

// nameLines is the namespace's full name, wrapped to width, at most three
// lines.
func (d *detailPane) nameLines(width int) []string {
	if d.ns == nil || width <= 0 {
		return []string{""}
	}
	lines := strings.Split(ansi.Hardwrap(model.Visible(d.ns.DisplayName()), width, true), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
		lines[2] = cut(lines[2]+"…", width)
	}
	return lines
}

// infoLine is "net:[4026532448]  nsid 3  pids 2: keepalived, haproxy".
func (d *detailPane) infoLine(ns *model.Namespace) string {
	var parts []string
	if !ns.Stale {
		parts = append(parts, ns.Key.String())
	}
	if id, ok := d.nsid(ns); ok {
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
func (d *detailPane) nsid(ns *model.Namespace) (int, bool) {
	host := d.snap.Host()
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

// tabItem is one thing on the tab line: a tab's label, or the mark of
// tabs out of sight (‹ or ›, whose tab is the nearest of them).
type tabItem struct {
	tab   int
	label string
	mark  bool
}

// width is the columns the item takes: a label has a space (or a
// bracket) on each side.
func (it tabItem) width() int {
	if it.mark {
		return displaywidth.String(it.label)
	}
	return displaywidth.String(it.label) + 2
}

// tabBar lays the tabs out on a line width wide, active among them: every
// name; else every short name; else as many short names as fit from the
// first, or, when active would not be among them, up to active and beyond
// it, with ‹ and › marking tabs out of sight. Drawing and clicks both
// read it.
func tabBar(width, active int) []tabItem {
	items := func(short bool, from, to int) []tabItem {
		var out []tabItem
		if from > 0 {
			out = append(out, tabItem{tab: from - 1, label: "‹", mark: true})
		}
		for i := from; i <= to; i++ {
			l := tabs[i].name
			if short {
				l = tabs[i].short
			}
			out = append(out, tabItem{tab: i, label: l})
		}
		if to < tabCount-1 {
			out = append(out, tabItem{tab: to + 1, label: "›", mark: true})
		}
		return out
	}
	fits := func(it []tabItem) bool {
		w := 0
		for _, x := range it {
			w += x.width()
		}
		return w <= width
	}
	for _, short := range []bool{false, true} {
		if all := items(short, 0, tabCount-1); fits(all) {
			return all
		}
	}
	from := 0
	for from < active && !fits(items(true, from, active)) {
		from++
	}
	to := active
	for to+1 < tabCount && fits(items(true, from, to+1)) {
		to++
	}
	return items(true, from, to)
}

// tabPlaces are the items of tabBar with the column each starts at; the
// mark of tabs out of sight on the right sits at the line's end.
func tabPlaces(width, active int) (items []tabItem, at []int) {
	items = tabBar(width, active)
	x := 0
	for i, it := range items {
		if it.mark && i == len(items)-1 && i > 0 {
			x = max(x, width-it.width())
		}
		at = append(at, x)
		x += it.width()
	}
	return items, at
}

func (d *detailPane) tabLine(width int) string {
	var b strings.Builder
	items, at := tabPlaces(width, d.tab)
	x := 0
	for i, it := range items {
		b.WriteString(strings.Repeat(" ", at[i]-x))
		x = at[i] + it.width()
		switch {
		case it.mark:
			b.WriteString(d.c.st.Tab.Render(it.label))
		case it.tab == d.tab:
			b.WriteString(d.c.st.TabActive.Render("[" + it.label + "]"))
		default:
			b.WriteString(d.c.st.Tab.Render(" " + it.label + " "))
		}
	}
	return fit(b.String(), width)
}

// tabAt is the tab drawn at column x of the tab line width wide (the
// nearest hidden one for a mark), or -1.
func (d *detailPane) tabAt(x, width int) int {
	items, at := tabPlaces(width, d.tab)
	for i := len(items) - 1; i >= 0; i-- {
		if x >= at[i] && x < at[i]+items[i].width() {
			return items[i].tab
		}
	}
	return -1
}

// captionLines is how many lines the open tab's caption takes: one when
// its table has a caption, else none.
func (d *detailPane) captionLines() int {
	if d.t != nil && d.t.caption != "" {
		return 1
	}
	return 0
}

// view renders the pane: name, info, tabs, the table.
func (d *detailPane) view(l layout, focused bool) []string {
	st := &d.c.st
	width := l.detailW
	lines := make([]string, 0, l.bodyH)
	for _, n := range l.nameLines {
		lines = append(lines, fit(st.DetailName.Render(n), width))
	}
	info := ""
	if d.ns != nil {
		info = st.Paint(model.RoleDim, cut(d.infoLine(d.ns), width))
	}
	lines = append(lines, fit(info, width), d.tabLine(width))
	t := d.t
	if t.caption != "" {
		lines = append(lines, fit(st.Paint(model.RoleDim, cut(t.caption, width)), width))
	}
	if len(t.rows) == 0 {
		lines = append(lines, fit(st.Paint(model.RoleDim, t.empty), width))
	} else {
		lines = append(lines, t.headLine(width, st.Paint))
		from, to := d.sc.visible()
		for i := from; i < to; i++ {
			if i == d.sc.cursor {
				style := st.Cursor
				if focused {
					style = st.Selected
				}
				lines = append(lines, style.Render(t.line(t.rows[i].cells, width, nil)))
				continue
			}
			lines = append(lines, t.line(t.rows[i].cells, width, st.Paint))
		}
	}
	for len(lines) < l.bodyH {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return lines[:l.bodyH]
}

// The detail pane is a filterer: / with the focus on it keeps the rows of
// the open tab that hold the text typed, until esc, on the tabs read from
// the host when opened (filtersRows).

// filtersRows says the open tab's rows are what / filters with the focus
// here: those of the tabs read when opened (sockets, processes, the
// firewall, connections, settings), which the namespace filter does not
// search — a connection names the far end's addresses, which no
// namespace here holds. On the others / filters the namespaces.
func (d *detailPane) filtersRows() bool { return tabs[d.tab].read != nil }

func (d *detailPane) input() *textinput.Model { return &d.filter }
func (d *detailPane) typing() *bool           { return &d.filtering }
func (d *detailPane) moveCursor(act string)   { d.sc.applyMove(act) }

// setFilter keeps the rows holding q, the cursor on the first.
func (d *detailPane) setFilter(q string) {
	d.filter.SetValue(q)
	d.t = nil // the rows left are others: nothing to keep the cursor on
	d.reset()
	d.rebuild()
}
