package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// lazyTab is a tab read only when opened (Sockets, Processes): its table
// once read, or why it could not be.
type lazyTab struct {
	t    *table
	err  string
	busy bool
}

// lazyTabs are a namespace's lazily read tabs, by tab-tabSockets.
type lazyTabs [tabCount - tabSockets]lazyTab

// lazyMsg is a lazily read tab, for the namespace that asked.
type lazyMsg struct {
	key model.NsKey
	tab int
	t   *table
	err error
}

// lazyRead reads one lazy tab of ns into a table.
func lazyRead(ctx context.Context, src Source, ns *model.Namespace, tab int) (*table, error) {
	if tab == tabSockets {
		s, err := src.Sockets(ctx, ns)
		return socketsTable(s), err
	}
	p, err := src.Processes(ctx, ns)
	return procsTable(p), err
}

func (m *Model) lazyTab(key model.NsKey, tab int) *lazyTab {
	d := m.extra[key]
	if d == nil {
		d = &lazyTabs{}
		m.extra[key] = d
	}
	return &d[tab-tabSockets]
}

// lazyTable is what the open lazy tab shows now.
func (m *Model) lazyTable(ns *model.Namespace) *table {
	lt := m.lazyTab(ns.Key, m.tab)
	switch {
	case lt.err != "":
		return &table{empty: tabNames[m.tab] + ": " + lt.err}
	case lt.t != nil:
		return lt.t
	}
	return &table{empty: "reading…"}
}

// loadLazy reads the open tab of the selected namespace if it is a lazy
// one not read yet.
func (m *Model) loadLazy() tea.Cmd {
	ns := m.Selected()
	if ns == nil || ns.Stale || m.tab < tabSockets {
		return nil
	}
	lt := m.lazyTab(ns.Key, m.tab)
	if lt.t != nil || lt.err != "" || lt.busy {
		return nil
	}
	lt.busy = true
	ctx, src, tab := m.ctx, m.src, m.tab
	return func() tea.Msg {
		t, err := lazyRead(ctx, src, ns, tab)
		return lazyMsg{ns.Key, tab, t, err}
	}
}

func (m *Model) gotLazy(msg lazyMsg) {
	lt := m.lazyTab(msg.key, msg.tab)
	lt.busy = false
	if msg.err != nil {
		lt.err = model.Visible(msg.err.Error())
	} else {
		lt.t = msg.t
	}
	m.rebuildDetail()
}
