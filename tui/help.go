package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
)

// viewHelp lists every binding of the main screen's table, by group, in
// as many columns as the height needs.
func (m *Model) viewHelp(height int) []string {
	st := &m.c.st
	rows := m.main.keys
	keyW := 0
	for i := range rows {
		if rows[i].group != "" {
			keyW = max(keyW, displaywidth.String(rows[i].helpKeys()))
		}
	}
	var entries []string
	group := ""
	for i := range rows {
		b := &rows[i]
		if b.group == "" {
			continue
		}
		if b.group != group {
			if group != "" {
				entries = append(entries, "")
			}
			group = b.group
			entries = append(entries, st.PaneTitle.Render(strings.ToUpper(group)))
		}
		if len(b.keys) == 0 {
			continue
		}
		k := b.helpKeys()
		entries = append(entries, st.Help.FullKey.Render(k)+strings.Repeat(" ", keyW-displaywidth.String(k)+2)+
			st.Help.FullDesc.Render(b.help))
	}
	n := max(1, height)
	// Columns as wide as their widest entry while they fit; else the
	// widest are narrowed alike and their long descriptions cut: every key
	// stays on screen, which matters more than the end of a description.
	var widths []int
	for i := 0; i < len(entries); i += n {
		w := 0
		for _, e := range entries[i:min(len(entries), i+n)] {
			w = max(w, ansi.StringWidth(e))
		}
		widths = append(widths, w)
	}
	gap := 4
	if sum(widths)+gap*len(widths) > m.width-1 {
		gap = 2
		widths = capWidths(widths, m.width-1-gap*len(widths))
	}
	var cols []string
	for c, i := 0, 0; i < len(entries); c, i = c+1, i+n {
		col := entries[i:min(len(entries), i+n)]
		for j, e := range col {
			col[j] = fit(e, widths[c]) + strings.Repeat(" ", gap)
		}
		cols = append(cols, strings.Join(col, "\n"))
	}
	block := lipgloss.JoinHorizontal(lipgloss.Top, cols...)
	lines := strings.Split(block, "\n")
	for i := range lines {
		lines[i] = fit(" "+lines[i], m.width)
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", m.width))
	}
	return lines[:height]
}

// capWidths lowers the widest of widths to one cap, the highest at which
// they add up to no more than room.
func capWidths(widths []int, room int) []int {
	c := 0
	for _, w := range widths {
		c = max(c, w)
	}
	capped := func(c int) int {
		t := 0
		for _, w := range widths {
			t += min(w, c)
		}
		return t
	}
	for c > 1 && capped(c) > room {
		c--
	}
	out := make([]int, len(widths))
	for i, w := range widths {
		out[i] = min(w, c)
	}
	return out
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}
