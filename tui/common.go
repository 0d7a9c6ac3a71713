package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// common is what every part of the UI shares, as soft-serve's components
// share theirs: the dependencies, the settings, the key map, the styles,
// this session's history and the status line. Each pane holds a pointer to
// the one the root made.
type common struct {
	Deps
	opt   Options
	keys  keyMap
	st    Styles
	names *model.Names
	ctx   context.Context

	history model.History // every change made in this session

	// read is how much of each namespace the snapshot on screen holds
	// (the root's, reading.go): the list marks what is not read yet, the
	// detail pane says it is reading.
	read *hostRead

	status    string
	statusErr bool

	// asks are what panes asked the root for (see ask), in order.
	asks []tea.Msg
	// lastID numbers what a pane waits for, so a late answer for a pane
	// closed meanwhile is dropped.
	lastID int
}

func (c *common) setStatus(s string, isErr bool) {
	c.status, c.statusErr = s, isErr
}

// ask is how a pane asks the root for what is not its own (open a
// namespace, open a dialog or a pane, go back to the main screen): msg is
// handled by the root before the Update that asked returns, in the order
// asked, so a key pressed right after sees it done. Only from Update.
func (c *common) ask(msg tea.Msg) { c.asks = append(c.asks, msg) }

// openDialog asks the root to show d over the screen.
func (c *common) openDialog(d *Dialog) tea.Cmd {
	c.ask(openDialogMsg{d})
	return nil
}

// openPane asks the root to cover the list and the detail with p.
func (c *common) openPane(p pane) tea.Cmd {
	c.ask(openPaneMsg{p})
	return nil
}

func (c *common) nextID() int {
	c.lastID++
	return c.lastID
}

// refusal is why a binding that changes the kernel may not run, or "" when
// it may: lazyns runs read-only, or lacks the privileges changes take (the
// kernel would refuse them one by one, after a form was filled in).
func (c *common) refusal() string {
	switch {
	case c.opt.ReadOnly:
		return "lazyns runs read-only (--read-only or read_only in the config)"
	case c.opt.Unprivileged != "":
		return "not root: a change " + c.opt.Unprivileged
	}
	return ""
}

// What panes and features ask the root for (common.ask).
type (
	openDialogMsg struct{ d *Dialog }
	openPaneMsg   struct{ p pane }
	// backMsg closes the pane, then runs the main screen's binding of
	// act, if any (x in a command's output asks for another command).
	backMsg struct{ then string }
	// openNsMsg shows a namespace on the main screen, from wherever it was
	// named: a veth's peer, a hop of a trace, a line of the topology.
	openNsMsg struct {
		key model.NsKey
		// links opens the Links tab with the detail pane focused, and
		// puts the cursor on link (when not 0).
		links bool
		link  int
		// say is what the status line says once it is open (nil: nothing);
		// gone what it says when the namespace is not on the list.
		say  func(ns *model.Namespace) string
		gone string
	}
	helpMsg      struct{}
	quitMsg      struct{}
	reloadAllMsg struct{} // read everything again, lazy tabs too
)
