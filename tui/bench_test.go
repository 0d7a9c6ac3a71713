package tui

import (
	"fmt"
	"runtime"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// benchModel is the explorer over 1000 namespaces at 120×40.
func benchModel(b *testing.B) *Model {
	m := New(Deps{Source: newFakeSource(bigSnapshot(1000))}, Options{Hostname: "vm", Theme: "dark"})
	b.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(readHost(bigSnapshot(1000)))
	return m
}

func BenchmarkUpdateMove(b *testing.B) { benchMoves(b, benchModel(b), false) }

// bigModel is the explorer over n namespaces at 120×40 as a large host
// leaves it: found, then read a chunk at a time, the rows off screen
// compact (reading.go).
func bigModel(b *testing.B, n int) *Model {
	m := New(Deps{Source: newFakeSource(bigSnapshot(n))}, Options{Hostname: "vm", Theme: "dark", Refresh: -1})
	b.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	(&harness{m: m}).readAll()
	if _, _, reading := m.hostRead.reading(); reading || m.hostRead.of(&m.Snapshot().Namespaces[n/2]) != nsRows {
		b.Fatal("the namespaces were not all read, or not kept compact")
	}
	return m
}

// Issue 18's targets at ten thousand namespaces: a cursor move and a
// filter keystroke, each Update and the View that follows, under 16 ms.
func BenchmarkMove10k(b *testing.B)      { benchMoves(b, bigModel(b, 10000), true) }
func BenchmarkFilterKey10k(b *testing.B) { benchFilterKeys(b, bigModel(b, 10000), true) }

// BenchmarkSetChange10k is the set of ten thousand namespaces found
// again after one appeared: what is read is kept, only the new one is
// left to read.
func BenchmarkSetChange10k(b *testing.B) {
	m := bigModel(b, 10000)
	src := m.c.Source.(*fakeSource)
	found, err := src.Discover(m.c.ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Update(discoveredMsg{snap: found})
	}
}

// benchMoves moves the list cursor down and up, 500 rows each way, each
// move drawn when view is set.
func benchMoves(b *testing.B, m *Model, view bool) {
	down, up := press("j"), press("k")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%1000 < 500 {
			m.Update(down)
		} else {
			m.Update(up)
		}
		if view {
			_ = m.View()
		}
	}
}

// benchFilterKeys types 0 after the filter "1" and takes it back, each
// key drawn when view is set.
func benchFilterKeys(b *testing.B, m *Model, view bool) {
	m.Update(press("/"))
	m.Update(press("1"))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			m.Update(press("0"))
		} else {
			m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
		}
		if view {
			_ = m.View()
		}
	}
}

func BenchmarkView(b *testing.B) {
	m := benchModel(b)
	m.Update(press("G"))
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkFilterKey(b *testing.B) { benchFilterKeys(b, benchModel(b), false) }

func BenchmarkSnapshot(b *testing.B) {
	m := benchModel(b)
	snap := bigSnapshot(1000)
	b.ReportAllocs()
	for b.Loop() {
		m.Update(readHost(snap))
	}
}

// BenchmarkUpdateMoveWatched is a move with the watcher told what is on
// screen after it (watchScreen).
func BenchmarkUpdateMoveWatched(b *testing.B) {
	m := benchModel(b)
	m.Update(watchMsg{w: &fakeWatcher{ch: make(chan model.Change)}})
	benchMoves(b, m, false)
}

// BenchmarkReread is one namespace read again after a change, as a row's
// or the focused namespace's change brings.
func BenchmarkReread(b *testing.B) {
	m := benchModel(b)
	one := m.Snapshot().Namespaces[500]
	changed := one
	changed.Links = append([]model.Link(nil), one.Links...)
	changed.Links[1].OperState = 2
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ns := &one
		if i%2 == 0 {
			ns = &changed
		}
		m.Update(nsMsg{key: one.Key, ns: ns})
	}
}

// openstackSnapshot is n namespaces shaped as issue 18's fixture: two
// thirds routers (a qr and a qg veth, v4, v6 and link-local addresses,
// 19 routes over the main, local and 16 tables, 7 rules), one third DHCP
// namespaces (a tap, 6 routes), and the host with a veth per namespace
// port on bridges.
func openstackSnapshot(n int) *model.Snapshot {
	snap := bigSnapshot(0)
	host := &snap.Namespaces[0]
	for i := 0; i < n; i++ {
		ns := model.Namespace{Key: model.NsKey{Dev: 4, Ino: uint64(4026540000 + i)},
			Name: fmt.Sprintf("qrouter-%08x-54be-49ef-95ed-5d524d2f%04x", i*7919, i), Links: []model.Link{lo()}}
		ports := 2
		if i%3 == 2 {
			ns.Name, ports = "qdhcp"+ns.Name[7:], 1
		}
		var routes []model.Route
		for p := 0; p < ports; p++ {
			v4 := fmt.Sprintf("10.%d.%d.%d/24", i/256%256, i%256, p+1)
			v6 := fmt.Sprintf("fd00:%x:%x::1/64", i, p)
			l := link(2+p, fmt.Sprintf("qr-%08x-%02d", i, p), "veth", "fa:16:3e:00:00:01", v4, v6, "fe80::f816:3eff:fe00:1/64")
			l.NetNsID = 0
			ns.Links = append(ns.Links, l)
			hl := link(len(host.Links)+1, fmt.Sprintf("tap%08x-%02d", i, p), "veth", "fe:16:3e:00:00:01", "fe80::fc16:3eff:fe00:1/64")
			hl.MasterIndex = 2 + p%2
			host.Links = append(host.Links, hl)
			routes = append(routes, route(v4, "", l.Name, l.Index, model.TableMain), route(v4, "", l.Name, l.Index, 255),
				route("default", "10.0.0.1", l.Name, l.Index, 16))
		}
		for len(routes) < 6*ports+7*(ports-1) {
			routes = append(routes, route(fmt.Sprintf("10.%d.%d.0/24", 200+len(routes), i%256), "", "lo", 1, 255))
		}
		ns.Routes = routes
		if ports == 2 {
			for r := 0; r < 7; r++ {
				ns.Rules = append(ns.Rules, model.Rule{Family: model.AF_INET, Priority: uint32(r * 1000), Action: model.FR_ACT_TO_TBL, Table: 16, SuppressPrefixlen: -1, SuppressIfgroup: -1})
			}
		}
		snap.Namespaces = append(snap.Namespaces, ns)
	}
	return snap
}

// BenchmarkHeld10k reports what the UI holds of ten thousand namespaces
// shaped as issue 18's fixture once all are read: compact rows off
// screen, against every namespace kept whole (heap after a collection;
// the source's own copy let go first).
func BenchmarkHeld10k(b *testing.B) {
	for _, whole := range []bool{false, true} {
		name := "compact"
		if whole {
			name = "whole"
		}
		b.Run(name, func(b *testing.B) {
			if whole {
				defer func(n int) { keepFullUpTo = n }(keepFullUpTo)
				keepFullUpTo = 1 << 30
			}
			for b.Loop() {
				src := newFakeSource(openstackSnapshot(10000))
				m := New(Deps{Source: src}, Options{Hostname: "vm", Theme: "dark", Refresh: -1})
				m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
				(&harness{m: m}).readAll()
				src.snap = nil
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
				runtime.KeepAlive(m)
				m.Close()
			}
		})
	}
}
