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
