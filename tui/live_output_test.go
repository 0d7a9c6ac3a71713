package tui

import (
	"strings"
	"testing"
)

// What a running command has printed shows on a tick, before it ends, and
// the pane follows the end of it.
func TestOutputShowsWhileRunning(t *testing.T) {
	h := newHarness(t, Options{})
	h.m.pane = nil
	p := &outputPane{linesPane: linesPane{c: h.m.c}, id: 7, cancel: func() {}, command: "ping", ns: "blue", live: &liveOutput{}}
	p.sc.height = 5
	h.m.pane = p
	_, _ = p.live.Write([]byte("64 bytes from 10.0.1.2: icmp_seq=1\r\n"))
	if next := p.update(outputTickMsg{7}); next == nil {
		t.Fatal("the tick stopped while the command runs")
	}
	if len(p.lines) == 0 || !strings.Contains(p.lines[0], "icmp_seq=1") {
		t.Fatalf("lines %q", p.lines)
	}
	for i := 2; i <= 9; i++ {
		_, _ = p.live.Write([]byte("64 bytes from 10.0.1.2: icmp_seq=" + string(rune('0'+i)) + "\r\n"))
	}
	p.update(outputTickMsg{7})
	if got := p.lines[p.sc.cursor]; !strings.Contains(got, "icmp_seq=9") && !strings.Contains(strings.Join(p.lines[p.sc.offset:], "\n"), "icmp_seq=9") {
		t.Errorf("the pane does not follow the end: cursor %d offset %d of %d", p.sc.cursor, p.sc.offset, len(p.lines))
	}
	// Once done, or for another command, the tick ends.
	p.done = true
	if p.update(outputTickMsg{7}) != nil {
		t.Error("the tick goes on after the command ended")
	}
	if p.update(outputTickMsg{8}) != nil {
		t.Error("a tick for another command went on")
	}
}

// --filter opens the UI with the list already filtered.
func TestStartFiltered(t *testing.T) {
	h := newHarness(t, Options{Filter: "qdhcp"})
	scr := h.screen()
	if !strings.Contains(scr, "filter: qdhcp") || len(h.m.main.list.shown) != 1 || !strings.HasPrefix(h.selected(), "qdhcp-") {
		t.Errorf("shown %d, selected %q:\n%s", len(h.m.main.list.shown), h.selected(), scr)
	}
}
