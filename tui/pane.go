package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pane is a view that covers the list and the detail until esc: the output
// of a command, the topology.
type pane interface {
	render(m *Model, height int) []string
	key(m *Model, msg tea.KeyPressMsg, act string) tea.Cmd
	resize(width, height int)
	// refresh follows a new snapshot.
	refresh(m *Model)
	// actions are the pane's own keys, for the footer.
	actions() []string
	// click acts on a mouse click on body line y (0 is the pane's title).
	click(m *Model, y int) tea.Cmd
	wheel(d int)
	// close stops whatever the pane still has running.
	close()
}

// linesPane is a title over scrollable lines, the part every pane shares.
// Lines are ready to print: escaped and styled.
type linesPane struct {
	title string
	lines []string
	sc    scroller
	// cursor shows a selected line (topology); without it the pane only
	// scrolls (output).
	cursor bool
}

func (p *linesPane) resize(_, height int) {
	p.sc.set(len(p.lines), height-1)
	if !p.cursor {
		p.sc.cursor = p.sc.offset
	}
}

// textWidth is the room a line has in a pane width wide: with a cursor,
// two columns go to the marker.
func (p *linesPane) textWidth(width int) int {
	if p.cursor {
		return max(1, width-2)
	}
	return width
}

func (p *linesPane) move(act string) {
	if p.cursor {
		p.sc.applyMove(act)
		return
	}
	// Without a cursor, moving scrolls the view.
	switch act {
	case ActUp:
		p.sc.scroll(-1)
	case ActDown:
		p.sc.scroll(1)
	case ActPageUp:
		p.sc.scroll(-(p.sc.height - 1))
	case ActPageDown:
		p.sc.scroll(p.sc.height - 1)
	case ActTop:
		p.sc.scroll(-p.sc.n)
	case ActBottom:
		p.sc.scroll(p.sc.n)
	}
}

func (p *linesPane) wheel(d int) { p.sc.scroll(d) }

func (p *linesPane) renderLines(m *Model, height int) []string {
	out := make([]string, 0, height)
	out = append(out, fit(m.st.PaneTitle.Render(cut(p.title, m.width)), m.width))
	from, to := p.sc.visible()
	for i := from; i < to && len(out) < height; i++ {
		switch {
		case !p.cursor:
			out = append(out, fit(p.lines[i], m.width))
		case i == p.sc.cursor:
			out = append(out, m.st.Selected.Render(fit("▸ "+ansi.Strip(p.lines[i]), m.width)))
		default:
			out = append(out, fit("  "+p.lines[i], m.width))
		}
	}
	for len(out) < height {
		out = append(out, strings.Repeat(" ", m.width))
	}
	return out
}
