package tui

import (
	"context"
	"os"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// Model is the root of the UI. It routes messages to what is on top — a
// dialog, the help screen, a pane, or the main screen — does what they ask
// of it (common.ask), and owns what they share: the snapshot on screen and
// how the host is read and followed (live.go).
type Model struct {
	c      *common
	cancel context.CancelFunc

	width, height int
	help          help.Model // draws the footer

	main     mainScreen
	pane     pane // when set, covers the main screen
	dialog   *Dialog
	showHelp bool

	// snap is replaced, never changed in place: commands in flight may be
	// reading the previous one.
	snap *model.Snapshot
	// hostRead is how much of each namespace snap holds, and what is
	// left to read (reading.go).
	hostRead hostRead
	loading  bool // the namespaces are being discovered
	reload   bool // another discovery was asked for meanwhile
	// readAll asks the discovery under way (or the next) to read every
	// namespace again, not only those that appeared.
	readAll bool

	watcher Watcher
	watched watchedScreen // what the watcher was last told is on screen

	// rereading and rereadAgain pace rereads after changes (live.go).
	rereading, rereadAgain map[model.NsKey]bool
	// changedWhileLoading are namespaces that changed while a chunk
	// holding them was being read: it may hold them as they were before.
	changedWhileLoading map[model.NsKey]bool

	quitting bool
}

// New makes the UI over deps (Source is required; see Deps for the rest).
func New(deps Deps, opt Options) *Model {
	ctx, cancel := context.WithCancel(context.Background())
	if opt.Hostname == "" {
		opt.Hostname, _ = os.Hostname()
	}
	c := &common{Deps: deps, opt: opt, keys: newKeyMap(opt.Keys), names: model.DefaultNames(), ctx: ctx,
		st: NewStyles(opt.NoColor, opt.Theme != "light", opt.Colors)}
	m := &Model{
		c: c, cancel: cancel,
		width: 80, height: 24,
		help:     help.New(),
		main:     newMainScreen(c),
		hostRead: newHostRead(),

		rereading:           map[model.NsKey]bool{},
		rereadAgain:         map[model.NsKey]bool{},
		changedWhileLoading: map[model.NsKey]bool{},
	}
	c.read = &m.hostRead
	m.help.Styles = c.st.Help
	m.help.ShortSeparator = "  "
	m.loading = true
	return m
}

// Init reads the first snapshot and starts following the kernel.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.discover()}
	switch {
	case m.c.opt.Refresh == 0:
		cmds = append(cmds, m.startWatch())
	case m.c.opt.Refresh > 0:
		cmds = append(cmds, m.tick())
	}
	if m.c.opt.Theme == "" || m.c.opt.Theme == "auto" {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// modelFunc is run on the UI goroutine when sent to the program: the way
// to look at the model from outside while it runs (tests wait on it).
type modelFunc func(*Model)

// Close stops whatever the UI still has in flight, the watcher included
// (it ends with the context). Safe from any goroutine, and more than once.
func (m *Model) Close() { m.cancel() }

// Snapshot is the snapshot on screen (tests and the caller's last look).
func (m *Model) Snapshot() *model.Snapshot { return m.snap }

// Reading reports whether namespaces found are still being read (names
// first): the header counts them meanwhile.
func (m *Model) Reading() bool {
	_, _, reading := m.hostRead.reading()
	return reading
}

// Unread reports whether ns, of the snapshot on screen, is listed but
// not read yet (names first): it has no links, and no error either.
func (m *Model) Unread(ns *model.Namespace) bool { return m.hostRead.of(ns) == nsUnread }

// Selected is the namespace under the list cursor, or nil.
func (m *Model) Selected() *model.Namespace { return m.main.selected() }

// History is every change made in this session.
func (m *Model) History() *model.History { return &m.c.history }

// OpenDialog shows d over the screen.
func (m *Model) OpenDialog(d *Dialog) tea.Cmd {
	m.dialog = d
	d.setSize(m.width)
	return d.focusField(0)
}
