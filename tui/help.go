package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
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
	var cols []string
	for i := 0; i < len(entries); i += n {
		col := entries[i:min(len(entries), i+n)]
		cols = append(cols, lipgloss.NewStyle().PaddingRight(4).Render(strings.Join(col, "\n")))
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
