package tui

import (
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

func BenchmarkUpdateMove(b *testing.B) { benchMoves(b, benchModel(b)) }

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
func BenchmarkMove10k(b *testing.B) {
	m := bigModel(b, 10000)
	down, up := press("j"), press("k")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%1000 < 500 {
			m.Update(down)
		} else {
			m.Update(up)
		}
		_ = m.View()
	}
}

func BenchmarkFilterKey10k(b *testing.B) {
	m := bigModel(b, 10000)
	m.Update(press("/"))
	m.Update(press("1"))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			m.Update(press("0"))
		} else {
			m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
		}
		_ = m.View()
	}
}

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

// benchMoves moves the list cursor down and up, 500 rows each way.
func benchMoves(b *testing.B, m *Model) {
	down, up := press("j"), press("k")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%1000 < 500 {
			m.Update(down)
		} else {
			m.Update(up)
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

func BenchmarkFilterKey(b *testing.B) {
	m := benchModel(b)
	m.Update(press("/"))
	m.Update(press("1"))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			m.Update(press("0"))
		} else {
			m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
		}
	}
}

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
	benchMoves(b, m)
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
