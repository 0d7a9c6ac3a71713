package tui

import (
	"context"

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

// lazyMsg is a lazily read tab, for the namespace that asked.
type lazyMsg struct {
	key model.NsKey
	tab int
	t   *table
	err error
}

func readSockets(ctx context.Context, src Source, ns *model.Namespace) (*table, error) {
	s, err := src.Sockets(ctx, ns)
	return socketsTable(s), err
}

func readProcesses(ctx context.Context, src Source, ns *model.Namespace) (*table, error) {
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
// not read yet.
func (d *detailPane) loadLazy() tea.Cmd {
	ns, read := d.ns, tabs[d.tab].read
	if ns == nil || ns.Stale || read == nil {
		return nil
	}
	lt := d.lazyTab(ns.Key, d.tab)
	if lt.t != nil || lt.err != "" || lt.busy {
		return nil
	}
	lt.busy = true
	ctx, src, tab := d.c.ctx, d.c.Source, d.tab
	return func() tea.Msg {
		t, err := read(ctx, src, ns)
		return lazyMsg{ns.Key, tab, t, err}
	}
}

func (d *detailPane) gotLazy(msg lazyMsg) {
	lt := d.lazyTab(msg.key, msg.tab)
	lt.busy = false
	if msg.err != nil {
		lt.err = model.Visible(msg.err.Error())
	} else {
		lt.t = msg.t
	}
	d.rebuild()
}

// dropLazy forgets what was read lazily, so open tabs are read again.
func (d *detailPane) dropLazy() { d.lazy = map[model.NsKey]*[tabCount]lazyTab{} }
