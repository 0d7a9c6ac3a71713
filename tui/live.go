package tui

import (
	"reflect"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// Messages from commands that read the host. Each carries what it was
// asked about, so a late answer can be matched or dropped.
type (
	// reloadMsg starts a discovery that was held back (see gotDiscovered).
	reloadMsg struct{}
	watchMsg  struct {
		w   Watcher
		err error
	}
	changeMsg   struct{ c model.Change }
	watchEndMsg struct{}
	nsMsg       struct {
		key model.NsKey
		ns  *model.Namespace
		err error
	}
)

// requestSnapshot finds the namespaces again, reading those that appeared
// (all: every one), or notes that it must be done again when the
// discovery in flight ends.
func (m *Model) requestSnapshot(all bool) tea.Cmd {
	m.readAll = m.readAll || all
	if m.loading {
		m.reload = true
		return nil
	}
	m.loading = true
	return m.discover()
}

func (m *Model) gotDiscovered(msg discoveredMsg) tea.Cmd {
	m.loading = false
	if msg.err != nil {
		m.c.setStatus("reading namespaces: "+model.Visible(msg.err.Error()), true)
	} else {
		m.showDiscovered(msg.snap, m.readAll)
		m.readAll = false
		if m.c.status == "" && len(msg.snap.Warnings) > 0 {
			m.c.setStatus(model.Visible(msg.snap.Warnings[0]), true)
		}
	}
	if !m.reload {
		return nil
	}
	// Namespaces came or went again meanwhile. Under constant churn (a
	// script adding hundreds) finding them back to back would keep a
	// core busy: wait a few times as long as the discovery took, so the
	// UI spends at most about a quarter of a core on it.
	m.reload = false
	m.loading = true
	return tea.Tick(reloadPause(msg.took), func(time.Time) tea.Msg { return reloadMsg{} })
}

func reloadPause(took time.Duration) time.Duration {
	return min(max(3*took, 50*time.Millisecond), 2*time.Second)
}

// setSnapshot puts snap on screen, keeping the selected namespace, tab
// and row where they still exist.
func (m *Model) setSnapshot(snap *model.Snapshot) {
	m.showSnapshot(snap, newFilterIndex(snap))
}

// showSnapshot is setSnapshot with the filter index of snap already made.
func (m *Model) showSnapshot(snap *model.Snapshot, index filterIndex) {
	m.snap = snap
	m.main.setSnapshot(snap, index)
	if m.pane != nil {
		m.pane.refresh(snap)
	}
}

// tickMsg asks for a snapshot when the UI polls (Options.Refresh > 0)
// instead of following the kernel.
type tickMsg struct{}

func (m *Model) tick() tea.Cmd {
	return tea.Tick(m.c.opt.Refresh, func(time.Time) tea.Msg { return tickMsg{} })
}

func (m *Model) startWatch() tea.Cmd {
	ctx, src := m.c.ctx, m.c.Source
	return func() tea.Msg {
		w, err := src.Watch(ctx)
		return watchMsg{w, err}
	}
}

func waitChange(w Watcher) tea.Cmd {
	return func() tea.Msg {
		c, ok := <-w.Changes()
		if !ok {
			return watchEndMsg{}
		}
		return changeMsg{c}
	}
}

func (m *Model) gotWatcher(msg watchMsg) tea.Cmd {
	if msg.err != nil {
		m.c.setStatus("not following changes: "+model.Visible(msg.err.Error())+" (ctrl+r reloads)", true)
		return nil
	}
	m.watcher = msg.w
	return waitChange(msg.w)
}

// gotChange reads again what the kernel says moved: the set of namespaces,
// or one namespace.
func (m *Model) gotChange(c model.Change) tea.Cmd {
	var cmds []tea.Cmd
	if m.watcher != nil {
		cmds = append(cmds, waitChange(m.watcher))
	}
	if c.Namespaces {
		cmds = append(cmds, m.requestSnapshot(false))
	}
	for _, key := range append([]model.NsKey{c.Ns}, c.Rows...) {
		if key == (model.NsKey{}) {
			continue
		}
		if r := &m.hostRead; slices.Contains(r.asked, key) || slices.Contains(r.screen, key) {
			m.changedWhileLoading[key] = true
		}
		cmds = append(cmds, m.rereadPaced(key))
	}
	return tea.Batch(cmds...)
}

// pacedMsg is a reread started by a change, with how long it took.
type pacedMsg struct {
	nsMsg
	took time.Duration
}

type rereadTickMsg struct{ key model.NsKey }

// rereadPaced reads a namespace again after a change in it. While one read
// of it is under way, further changes only ask for one more, which starts
// a few read-times after it: a namespace with a thousand links and a
// neighbour storm would otherwise keep a core busy rereading it.
func (m *Model) rereadPaced(key model.NsKey) tea.Cmd {
	if m.snap == nil || m.snap.Find(key) == nil {
		return nil
	}
	if m.rereading[key] {
		m.rereadAgain[key] = true
		return nil
	}
	m.rereading[key] = true
	ctx, src, snap := m.c.ctx, m.c.Source, m.snap
	return func() tea.Msg {
		start := time.Now()
		ns, err := src.Reread(ctx, snap, key)
		return pacedMsg{nsMsg{key, ns, err}, time.Since(start)}
	}
}

func (m *Model) gotPaced(msg pacedMsg) tea.Cmd {
	delete(m.rereading, msg.key)
	fill := m.hostRead.filling == msg.key
	m.gotNamespace(msg.nsMsg)
	m.filled(msg.key)
	if !m.rereadAgain[msg.key] {
		return nil
	}
	delete(m.rereadAgain, msg.key)
	if fill {
		// The read was the namespace shown made whole (fillShown), not
		// one of a storm of changes: the change that came meanwhile is
		// read at once, or it would show a pause later.
		return m.rereadPaced(msg.key)
	}
	m.rereading[msg.key] = true // until the tick starts the next read
	key := msg.key
	return tea.Tick(min(max(3*msg.took, 100*time.Millisecond), 2*time.Second), func(time.Time) tea.Msg { return rereadTickMsg{key} })
}

func (m *Model) rereadTick(msg rereadTickMsg) tea.Cmd {
	delete(m.rereading, msg.key)
	return m.rereadPaced(msg.key)
}

// gotNamespace replaces one namespace after a reread. An error means it
// went away; the watcher reports that as a change of namespaces.
func (m *Model) gotNamespace(msg nsMsg) {
	if msg.err != nil || msg.ns == nil || m.snap == nil {
		return
	}
	i := slices.IndexFunc(m.snap.Namespaces, func(ns model.Namespace) bool {
		return ns.Key == msg.key && !ns.Stale
	})
	if i < 0 {
		return
	}
	// Read whole now, and not to be read again in this round.
	was := m.hostRead.state[msg.key]
	m.hostRead.state[msg.key] = nsFull
	delete(m.hostRead.pending, msg.key)
	if reflect.DeepEqual(&m.snap.Namespaces[i], msg.ns) {
		if was != nsFull {
			m.main.detail.rebuild() // no longer "reading…"
		}
		return
	}
	next := &model.Snapshot{Namespaces: slices.Clone(m.snap.Namespaces), Warnings: m.snap.Warnings}
	next.Namespaces[i] = *msg.ns
	// Only this namespace's search text changes: indexing every namespace
	// again was nine tenths of a reread's time at a thousand (each row on
	// screen is read again when its interfaces change).
	m.showSnapshot(next, m.main.list.index.with(i, &next.Namespaces[i]))
	m.compactIfMany()
}

// watchedScreen is what the watcher was last told is on screen: the
// snapshot, the selected namespace and the list's rows.
type watchedScreen struct {
	snap  *model.Snapshot
	focus *model.Namespace
	rows  []*model.Namespace
	next  []*model.Namespace // the rows on screen now, reused by each Update
}

// watchScreen points the watcher at what is on screen: everything in the
// selected namespace and the interfaces of the list's rows. It is the one
// place that decides what is watched, and runs after every Update, so no
// path that moves the selection or the list (keys, the mouse, a filter,
// a snapshot, a reread, following a veth, leaving a pane) can leave the
// watcher behind. It tells the watcher at once, not from a command:
// commands run concurrently, and two focus commands of quick keys ran in
// the wrong order (issue 14: the watcher stayed on the namespace selected
// before).
func (m *Model) watchScreen() {
	if m.watcher == nil {
		return
	}
	// A namespace not read yet has no links to compare: the watcher
	// would report it changed, and it is being read anyway.
	focus := m.Selected()
	if focus != nil && (focus.Stale || m.hostRead.of(focus) == nsUnread) {
		focus = nil
	}
	rows := m.watched.next[:0]
	m.main.list.eachOnScreen(func(ns *model.Namespace) {
		if !ns.Stale && m.hostRead.of(ns) != nsUnread {
			rows = append(rows, ns)
		}
	})
	m.watched.next = rows
	if m.snap == m.watched.snap && focus == m.watched.focus && slices.Equal(rows, m.watched.rows) {
		return
	}
	// A new snapshot goes too, with the same namespaces: the watcher opens
	// anew what it could not open before, from the newest paths.
	m.watched.snap, m.watched.focus, m.watched.rows = m.snap, focus, slices.Clone(rows)
	m.watcher.Focus(focus)
	m.watcher.Rows(rows)
}
