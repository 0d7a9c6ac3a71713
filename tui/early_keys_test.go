package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Keys and clicks on the detail pane before the first snapshot arrives (a
// host of thousands of namespaces takes seconds to read) act on nothing
// and do not crash: enter, enter once followed a veth in a table not yet
// built.
func TestKeysBeforeFirstSnapshot(t *testing.T) {
	m := New(Deps{Source: newFakeSource(fakeSnapshot())}, Options{Hostname: "vm"})
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for _, k := range []string{"enter", "enter", "j", "tab", "enter"} {
		m.Update(press(k))
	}
	for y := 0; y < 40; y++ {
		m.Update(tea.MouseClickMsg{X: 100, Y: y, Button: tea.MouseLeft})
	}
	if m.Snapshot() != nil || m.Selected() != nil {
		t.Fatalf("a snapshot out of nowhere")
	}
}
