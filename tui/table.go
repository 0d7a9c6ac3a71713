package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// cell is one piece of shown text and what it is. text is already
// escaped (model.Visible) wherever it came from a name.
type cell struct {
	text string
	role model.Role
}

// row is one line of a detail table and what enter on it leads to.
type row struct {
	cells []cell
	// ns and link are where following this row goes (a veth's peer); link
	// is also the link the row is about, for selecting it after a jump.
	follow *model.PeerRef
	link   int
	// item is the row's place in what the tab lists (the namespace's
	// addresses, routes or rules), for a change key acting on it: a
	// filter leaves rows out, so the cursor's position is not it.
	item int
	// key names the row across readings when its text changes by itself
	// (a rule's counters, a connection's timeout); "" for its text.
	key string
	// rule is the firewall rule the row shows (Firewall tab), or nil.
	rule *fwRow
}

// table is rows with aligned columns. Widths are measured once, when the
// rows are built, on the text as shown.
type table struct {
	head  []string
	rows  []row
	width []int
	empty string // shown when there are no rows
	// caption is a line above the heading about the whole table (how
	// full the connection table is, the namespace-wide settings).
	caption string
	// fw is the firewall the rows were read from (Firewall tab): the next
	// reading marks the counters that moved since.
	fw *model.Firewall
	// drop lists the columns to leave out, first to last, when the table
	// is wider than the pane.
	drop []int
}

// shownColumns says which columns fit in width, dropping those in drop
// until the rest fits.
func (t *table) shownColumns(width int) []bool {
	shown := make([]bool, len(t.width))
	total := 0
	for i, w := range t.width {
		shown[i] = true
		total += w + colGap
	}
	for _, c := range t.drop {
		if total-colGap <= width {
			break
		}
		if c < len(shown) {
			shown[c] = false
			total -= t.width[c] + colGap
		}
	}
	return shown
}

func (t *table) add(r row) {
	t.rows = append(t.rows, r)
}

// measure computes column widths; call once after adding rows.
func (t *table) measure() {
	t.width = make([]int, len(t.head))
	for i, h := range t.head {
		t.width[i] = displaywidth.String(h)
	}
	for _, r := range t.rows {
		for i, c := range r.cells {
			if i >= len(t.width) {
				t.width = append(t.width, 0)
			}
			if w := displaywidth.String(c.text); w > t.width[i] {
				t.width[i] = w
			}
		}
	}
}

const colGap = 2

// line renders cells padded to the column widths and cut to width. When
// painted is false the text is left plain, so a selection style can cover
// the whole line.
func (t *table) line(cells []cell, width int, paint model.Paint) string {
	var b strings.Builder
	shown := t.shownColumns(width)
	pad := 0
	for i, c := range cells {
		if !shown[i] {
			continue
		}
		b.WriteString(strings.Repeat(" ", pad))
		text := c.text
		switch {
		case paint == nil:
		case c.role == roleWords:
			text = paintWords(paint, c.text)
		default:
			text = paint(c.role, c.text)
		}
		b.WriteString(text)
		pad = max(0, t.width[i]-displaywidth.String(c.text)) + colGap
	}
	return fit(b.String(), width)
}

func (t *table) headLine(width int, paint model.Paint) string {
	cells := make([]cell, len(t.head))
	for i, h := range t.head {
		cells[i] = cell{h, model.RoleHeader}
	}
	return t.line(cells, width, paint)
}

// fit cuts s (which may hold SGR sequences) to width cells, ending in … when
// cut, and pads it with spaces to exactly width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// cut shortens plain text to width cells with a trailing …, without padding.
func cut(s string, width int) string {
	if displaywidth.String(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// cutName cuts a namespace's shown name to width. A mount path is cut at
// its start: /run/docker/netns/… are alike but for their ends.
func cutName(s string, width int) string {
	w := displaywidth.String(s)
	if w <= width || !strings.HasPrefix(s, "/") || width < 2 {
		return cut(s, width)
	}
	return "…" + ansi.TruncateLeft(s, w-width+1, "")
}

// only is t with just the rows whose text holds q (in any case), and a
// caption saying so; t itself when q is empty.
func (t *table) only(q string) *table {
	want := strings.ToLower(strings.TrimSpace(q))
	if want == "" {
		return t
	}
	out := *t
	out.rows = nil
	for _, r := range t.rows {
		var b strings.Builder
		for _, c := range r.cells {
			b.WriteString(c.text)
			b.WriteString("  ")
		}
		if strings.Contains(strings.ToLower(b.String()), want) {
			out.rows = append(out.rows, r)
		}
	}
	out.caption = "filter " + model.Visible(strings.TrimSpace(q)) + ": " + strconv.Itoa(len(out.rows)) + " of " +
		strconv.Itoa(len(t.rows)) + " rows (esc clears)"
	if t.caption != "" {
		out.caption += "  ·  " + t.caption
	}
	if len(t.rows) > 0 {
		out.empty = "nothing here holds " + model.Visible(strings.TrimSpace(q))
	}
	return &out
}
