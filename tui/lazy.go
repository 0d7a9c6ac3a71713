package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// lazyTab is a tab read only when opened (tabSpec.read): its table once
// read, or why it could not be.
type lazyTab struct {
	t    *table
	err  string
	busy bool
}

// lazyMsg is a lazily read tab, for the namespace that asked. id is the
// reading's (liveRead.id) for a live tab, 0 for another.
type lazyMsg struct {
	id  int
	key model.NsKey
	tab int
	t   *table
	err error
}

// liveTickMsg asks to read the live tab on screen again.
type liveTickMsg struct{ id int }

// liveEvery is how often a live tab is read again while it is on screen,
// at most: each reading costs a thread switch and a few netlink dumps
// (1–14 ms), and counters that move once a second are what a person can
// follow.
const liveEvery = time.Second

// liveRead is the reading of the live tab on screen (tabSpec.live): of
// the namespace and tab shown only, one at a time, again liveEvery after
// each answer. id names what is on screen; an answer or a tick for
// another id (a namespace or tab left meanwhile) is dropped.
type liveRead struct {
	id       int
	inFlight bool // a reading is under way, for id or one before it
}

func readSockets(ctx context.Context, src Source, ns *model.Namespace, _ *table) (*table, error) {
	s, err := src.Sockets(ctx, ns)
	return socketsTable(s), err
}

func readProcesses(ctx context.Context, src Source, ns *model.Namespace, _ *table) (*table, error) {
	p, err := src.Processes(ctx, ns)
	return procsTable(p), err
}

func (d *detailPane) lazyTab(key model.NsKey, tab int) *lazyTab {
	l := d.lazy[key]
	if l == nil {
		l = &[tabCount]lazyTab{}
		d.lazy[key] = l
	}
	return &l[tab]
}

// lazyTable is what the open lazy tab shows now.
func (d *detailPane) lazyTable(ns *model.Namespace) *table {
	lt := d.lazyTab(ns.Key, d.tab)
	switch {
	case lt.err != "":
		return &table{empty: tabs[d.tab].name + ": " + lt.err}
	case lt.t != nil:
		return lt.t
	}
	return &table{empty: "reading…"}
}

// loadLazy reads the open tab of the namespace shown if it is a lazy one
// not read yet, or a live one (read again whenever it comes on screen).
// Whatever opens a tab or shows another namespace calls it.
func (d *detailPane) loadLazy() tea.Cmd {
	ns, spec := d.ns, tabs[d.tab]
	if spec.live {
		return d.startLive()
	}
	d.live.id = 0 // a tick of a live tab left behind stops
	if ns == nil || ns.Stale || spec.read == nil {
		return nil
	}
	lt := d.lazyTab(ns.Key, d.tab)
	if lt.t != nil || lt.err != "" || lt.busy {
		return nil
	}
	lt.busy = true
	return d.read(0)
}

// read reads the open tab of the namespace shown, the answer carrying id.
func (d *detailPane) read(id int) tea.Cmd {
	ns, tab := d.ns, d.tab
	ctx, src, read, prev := d.c.ctx, d.c.Source, tabs[tab].read, d.lazyTab(ns.Key, tab).t
	return func() tea.Msg {
		t, err := read(ctx, src, ns, prev)
		return lazyMsg{id, ns.Key, tab, t, err}
	}
}

// startLive starts reading the live tab on screen under a new id. While
// an earlier reading is under way it waits for it: moving quickly through
// a thousand namespaces reads one at a time, the one shown last.
func (d *detailPane) startLive() tea.Cmd {
	d.live.id = 0
	if d.ns == nil || d.ns.Stale {
		return nil
	}
	d.live.id = d.c.nextID()
	if d.live.inFlight {
		return nil
	}
	return d.readLive()
}

// readLiveNow reads the live tab on screen again now, if one is.
func (d *detailPane) readLiveNow() tea.Cmd {
	if !tabs[d.tab].live {
		return nil
	}
	return d.startLive()
}

func (d *detailPane) readLive() tea.Cmd {
	d.live.inFlight = true
	return d.read(d.live.id)
}

// liveTick reads the live tab again if it is still what is on screen;
// shown is false while something covers the main screen, which only
// waits for the next tick.
func (d *detailPane) liveTick(msg liveTickMsg, shown bool) tea.Cmd {
	switch {
	case msg.id != d.live.id || d.live.inFlight:
		return nil
	case !shown:
		return liveTick(msg.id)
	}
	return d.readLive()
}

func liveTick(id int) tea.Cmd {
	return tea.Tick(liveEvery, func(time.Time) tea.Msg { return liveTickMsg{id} })
}

func (d *detailPane) gotLazy(msg lazyMsg) tea.Cmd {
	var next tea.Cmd
	if tabs[msg.tab].live {
		d.live.inFlight = false
		if msg.id != d.live.id {
			// For a namespace or tab no longer on screen: dropped, and
			// the one on screen now is read, if it is a live one.
			if d.live.id != 0 {
				return d.readLive()
			}
			return nil
		}
		next = liveTick(msg.id)
	}
	lt := d.lazyTab(msg.key, msg.tab)
	lt.busy = false
	if msg.err != nil {
		lt.t, lt.err = nil, model.Visible(msg.err.Error())
	} else {
		lt.t, lt.err = msg.t, ""
	}
	d.rebuild()
	return next
}

// dropLazy forgets what was read lazily, so open tabs are read again.
func (d *detailPane) dropLazy() { d.lazy = map[model.NsKey]*[tabCount]lazyTab{} }
