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
	if !strings.Contains(h.m.c.status, "nothing in the topology contains no-such-thing") {
		t.Errorf("status %q", h.m.c.status)
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

// enter on a line found with / opens the namespace the found text belongs
// to: a port's peer, or a pair's second end, when the text is about it.
func TestTopologyEnterOpensWhatWasFound(t *testing.T) {
	cases := []struct {
		find, ns, link string
		moves          []string // keys between finding and enter
	}{
		{find: "ns-dae14f7d", ns: dhcpName, link: "ns-dae14f7d-11"},
		{find: "QDHCP-dae14f7d", ns: dhcpName, link: "ns-dae14f7d-11"},
		{find: "tapdae14f7d", ns: "host", link: "tapdae14f7d-11"},
		{find: "10.99.0.2", ns: "pid 1234 (dnsmasq)", link: "eth0"},
		{find: "veth1234", ns: "host", link: "veth1234"},
		{find: "br-int", ns: "host", link: "br-int"},
		// Off the found line, enter opens the line's own namespace again.
		{find: "ns-dae14f7d", ns: "host", link: "tap76de6d23-a8", moves: []string{"k"}},
		{find: "ns-dae14f7d", ns: dhcpName, link: "ns-dae14f7d-11", moves: []string{"k", "j"}},
	}
	for _, c := range cases {
		t.Run(c.find+strings.Join(c.moves, ""), func(t *testing.T) {
			h := newHarness(t, Options{})
			h.keys("t", "/")
			for _, k := range c.find {
				h.keys(string(k))
			}
			h.keys("enter")
			h.keys(c.moves...)
			h.keys("enter")
			if h.m.pane != nil {
				t.Fatalf("enter left the topology open (status %q)", h.m.c.status)
			}
			r := h.m.main.detail.cursorRow()
			ns := h.m.Selected()
			if h.selected() != c.ns || r == nil || ns.Link(r.link) == nil || ns.Link(r.link).Name != c.link {
				got := ""
				if r != nil && ns.Link(r.link) != nil {
					got = ns.Link(r.link).Name
				}
				t.Errorf("opened %q with %q selected, want %q with %q", h.selected(), got, c.ns, c.link)
			}
		})
	}
}
