package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestTopologyFind(t *testing.T) {
	h := newHarness(t, Options{})
	h.keys("t")
	p, ok := h.m.pane.(*topoPane)
	if !ok {
		t.Fatalf("t opened %T", h.m.pane)
	}
	line := func() string { return ansi.Strip(p.lines[p.sc.cursor]) }
	h.keys("/")
	for _, k := range "tap" {
		h.keys(string(k))
	}
	h.keys("enter")
	first := p.sc.cursor
	if !strings.Contains(line(), "tap") {
		t.Fatalf("the cursor is on %q, want a line with tap", line())
	}
	h.keys("n")
	if p.sc.cursor == first || !strings.Contains(line(), "tap") {
		t.Errorf("n went to line %d %q, want the next line with tap after %d", p.sc.cursor, line(), first)
	}
	// Keys typed in the pane never reach the change keys beneath it.
	if h.m.dialog != nil || h.m.pane != p {
		t.Errorf("dialog %v, pane %T", h.m.dialog != nil, h.m.pane)
	}
	h.keys("/")
	for _, k := range "no-such-thing" {
		h.keys(string(k))
	}
	h.keys("enter")
	if !strings.Contains(h.m.status, "nothing in the topology contains no-such-thing") {
		t.Errorf("status %q", h.m.status)
	}
}

// ? opens help over a pane too, and closing it leaves the pane as it was.
func TestHelpFromAPane(t *testing.T) {
	h := newHarness(t, Options{})
	h.keys("t")
	h.keys("?")
	if !h.m.showHelp || !strings.Contains(h.screen(), "MOVE") {
		t.Fatalf("? in the topology view shows no help:\n%s", h.screen())
	}
	h.keys("?")
	if _, ok := h.m.pane.(*topoPane); h.m.showHelp || !ok {
		t.Errorf("after help: showHelp %v, pane %T", h.m.showHelp, h.m.pane)
	}
}
