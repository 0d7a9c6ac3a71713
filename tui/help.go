package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/clipperhouse/displaywidth"
)

// viewHelp lists every binding, by group, in as many columns as the
// height needs. Keys of features not in this build say so.
func (m *Model) viewHelp(height int) []string {
	var entries []string
	keyW := 0
	for _, g := range actionGroups {
		for _, a := range g.actions {
			keyW = max(keyW, displaywidth.String(m.keys.b[a].Help().Key))
		}
	}
	for gi, g := range actionGroups {
		if gi > 0 {
			entries = append(entries, "")
		}
		entries = append(entries, m.st.PaneTitle.Render(strings.ToUpper(g.title)))
		for _, a := range g.actions {
			b := m.keys.b[a]
			if len(b.Keys()) == 0 {
				continue
			}
			k := b.Help().Key
			desc := b.Help().Desc
			entries = append(entries, m.st.Help.FullKey.Render(k)+strings.Repeat(" ", keyW-displaywidth.String(k)+2)+
				m.st.Help.FullDesc.Render(desc))
		}
	}
	rows := max(1, height)
	var cols []string
	for i := 0; i < len(entries); i += rows {
		col := entries[i:min(len(entries), i+rows)]
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
