package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/model"
)

// pane is a screen that covers the list and the detail until it is left:
// the output of a command, the topology, a trace, the history. A pane owns
// its state and its table of keys (paneKeys); what is not its own — going
// back, opening a namespace, a dialog — it asks the root for (common.ask).
//
// How to add a pane: a type embedding linesPane (or implementing pane
// itself), a constructor taking *common, a table built with paneKeys, and
// the main-screen row whose handler opens it with c.openPane. Answers of
// work it started carry its id (paneMsg) and reach it through update.
type pane interface {
	key(msg tea.KeyPressMsg) tea.Cmd
	footer() (keys, tail []key.Binding)
	// update takes an answer meant for a pane; one for another is dropped.
	update(msg paneMsg) tea.Cmd
	view() []string
	setSize(width, height int)
	// refresh follows a new snapshot, or new styles.
	refresh(snap *model.Snapshot)
	// click acts on a mouse click on body line y (0 is the pane's title).
	click(y int) tea.Cmd
	wheel(d int)
	// close stops whatever the pane still has running.
	close()
}

// paneMsg is the answer of work a pane started, with the pane's id.
type paneMsg interface{ paneID() int }

// linesPane is a title over scrollable lines, the part every pane shares.
// Lines are ready to print: escaped and styled.
type linesPane struct {
	c             *common
	width, height int
	title         string
	lines         []string
	sc            scroller
	// cursor shows a selected line (topology); without it the pane only
	// scrolls (output).
	cursor bool
}

func (p *linesPane) shared() *common { return p.c }

func (p *linesPane) setSize(width, height int) {
	p.width, p.height = width, height
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

func (p *linesPane) move(act string) tea.Cmd {
	if p.cursor {
		p.sc.applyMove(act)
		return nil
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
	return nil
}

func (p *linesPane) wheel(d int) { p.sc.scroll(d) }

// What a pane does not do unless it says otherwise.
func (p *linesPane) update(paneMsg) tea.Cmd   { return nil }
func (p *linesPane) refresh(*model.Snapshot)  {}
func (p *linesPane) click(int) tea.Cmd        { return nil }
func (p *linesPane) close()                   {}
func (p *linesPane) back(then string) tea.Cmd { p.c.ask(backMsg{then}); return nil }

func (p *linesPane) view() []string {
	st, width, height := &p.c.st, p.width, p.height
	out := make([]string, 0, height)
	out = append(out, fit(st.PaneTitle.Render(cut(p.title, width)), width))
	from, to := p.sc.visible()
	for i := from; i < to && len(out) < height; i++ {
		switch {
		case !p.cursor:
			out = append(out, fit(p.lines[i], width))
		case i == p.sc.cursor:
			out = append(out, st.Selected.Render(fit("▸ "+ansi.Strip(p.lines[i]), width)))
		default:
			out = append(out, fit("  "+p.lines[i], width))
		}
	}
	for len(out) < height {
		out = append(out, strings.Repeat(" ", width))
	}
	return out
}

// aPane is what paneKeys needs of a pane: linesPane gives it.
type aPane interface {
	shared() *common
	move(act string) tea.Cmd
	back(then string) tea.Cmd
}

// paneKeys is a pane's table: help, the ways back to the main screen (the
// quit keys and esc), the pane's own bindings, then moving, up, down and
// page down first in the footer.
func paneKeys[S aPane](own ...binding[S]) []binding[S] {
	back := func(s S) tea.Cmd { return s.back("") }
	rows := []binding[S]{
		{act: ActHelp, help: "help", run: askHelp[S]},
		{act: ActQuit, help: "back", run: back},
		{keys: []string{"esc"}, help: "back", tail: true, run: back},
	}
	rows = append(rows, own...)
	return append(rows, moves(func(s S, act string) tea.Cmd { return s.move(act) }, true)...)
}

// paneKey runs a key of a pane's table.
func paneKey[S any](c *common, rows []binding[S], p S, msg tea.KeyPressMsg) tea.Cmd {
	cmd, _ := dispatch(build(c, rows), p, msg.String(), nil)
	return cmd
}

// paneFooter is the footer of a pane's table.
func paneFooter[S any](c *common, rows []binding[S], p S) (keys, tail []key.Binding) {
	return footer(build(c, rows), p, false)
}
