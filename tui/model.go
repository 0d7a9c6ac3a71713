package tui

import (
	"context"
	"os"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// Which pane has the keyboard.
const (
	focusList = iota
	focusDetail
)

// Model is the explorer: the root of the UI. It routes messages to the
// pane, dialog or overlay on top, and owns the snapshot on screen.
type Model struct {
	src    Source
	runner Runner
	opt    Options
	keys   keyMap
	st     Styles
	dark   bool
	names  *model.Names

	ctx    context.Context
	cancel context.CancelFunc

	width, height int
	host          string

	// snap is replaced, never changed in place: commands in flight may be
	// reading the previous one.
	snap     *model.Snapshot
	index    filterIndex
	loading  bool // a snapshot is being read
	reload   bool // another one was asked for meanwhile
	progress progressMsg
	progCh   chan progressMsg

	shown []int // positions in snap.Namespaces that pass the filter
	list  scroller
	focus int

	filter    textinput.Model
	filtering bool

	tab    int
	rows   scroller
	detail *table // the table of the current tab, built when it changes
	extra  map[model.NsKey]*lazyTabs

	help     help.Model
	showHelp bool
	dialog   *Dialog
	// pane, when set, covers the list and detail (command output,
	// topology).
	pane   pane
	execID int // the command whose output the pane waits for

	watcher Watcher
	watched watchedScreen // what the watcher was last told is on screen

	chg  changes // the change keys' changer and this session's history
	labs Labs    // the L key; nil when not wired

	// detailOf is what the detail table was built for, to keep its cursor
	// on the same row when it is built again.
	detailOf detailOf

	// rereading and rereadAgain pace rereads after changes (live.go).
	rereading, rereadAgain map[model.NsKey]bool
	// changedWhileLoading are namespaces that changed while a snapshot
	// was being read: it may hold them as they were before.
	changedWhileLoading map[model.NsKey]bool

	status    string
	statusErr bool
	quitting  bool
}

// New makes the explorer over src. runner may be nil: s and x then say so.
func New(src Source, runner Runner, opt Options) *Model {
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{
		src: src, runner: runner, opt: opt,
		keys:  newKeyMap(opt.Keys),
		dark:  opt.Theme != "light",
		names: model.DefaultNames(),
		ctx:   ctx, cancel: cancel,
		width: 80, height: 24,
		host:   opt.Hostname,
		progCh: make(chan progressMsg, 1),
		extra:  map[model.NsKey]*lazyTabs{},
		help:   help.New(),

		rereading:           map[model.NsKey]bool{},
		rereadAgain:         map[model.NsKey]bool{},
		changedWhileLoading: map[model.NsKey]bool{},
	}
	if m.host == "" {
		m.host, _ = os.Hostname()
	}
	m.st = NewStyles(opt.NoColor, m.dark, opt.Colors)
	m.help.Styles = m.st.Help
	m.help.ShortSeparator = "  "
	m.filter = textinput.New()
	m.filter.Prompt = "/"
	m.filter.Placeholder = "name, interface or address"
	// The terminal's own cursor: a drawn one blinks, and a blink is a
	// redraw twice a second.
	m.filter.SetVirtualCursor(false)
	m.filter.SetValue(opt.Filter)
	m.loading = true
	return m
}

// Init reads the first snapshot and starts following the kernel.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadSnapshot(), m.waitProgress()}
	switch {
	case m.opt.Refresh == 0:
		cmds = append(cmds, m.startWatch())
	case m.opt.Refresh > 0:
		cmds = append(cmds, m.tick())
	}
	if m.opt.Theme == "" || m.opt.Theme == "auto" {
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

// Selected is the namespace under the list cursor, or nil.
func (m *Model) Selected() *model.Namespace {
	if m.snap == nil || m.list.cursor >= len(m.shown) {
		return nil
	}
	return &m.snap.Namespaces[m.shown[m.list.cursor]]
}

func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = s, isErr
}
