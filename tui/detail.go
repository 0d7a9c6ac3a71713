package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
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
	rates ratesFollower                      // the counters of the Links tab (rates.go)
}

func newDetailPane(c *common) detailPane {
	d := detailPane{c: c}
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
	} else {
		d.t = d.lazyTable(ns)
	}
	if ns.Stale {
		d.t = &table{empty: "stale: the name exists under the netns directory but no namespace is mounted on it"}
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

// tabLabels are the tabs' names, or their short names when the names do
// not fit in width.
func tabLabels(width int) []string {
	labels := make([]string, tabCount)
	total := 0
	for i, t := range tabs {
		labels[i] = t.name
		total += len(t.name) + 2
	}
	if total > width {
		for i, t := range tabs {
			labels[i] = t.short
		}
	}
	return labels
}

func (d *detailPane) tabLine(width int) string {
	var b strings.Builder
	for i, l := range tabLabels(width) {
		if i == d.tab {
			b.WriteString(d.c.st.TabActive.Render("[" + l + "]"))
		} else {
			b.WriteString(d.c.st.Tab.Render(" " + l + " "))
		}
	}
	return fit(b.String(), width)
}

// tabAt is the tab drawn at column x of the tab line width wide, or -1.
func tabAt(x, width int) int {
	pos := 0
	for i, l := range tabLabels(width) {
		pos += len(l) + 2
		if x < pos {
			return i
		}
	}
	return -1
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
