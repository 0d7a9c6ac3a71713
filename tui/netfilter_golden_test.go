package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
)

// The Firewall, Connections and Settings tabs of the router, from fake
// readings delivered by hand: a second reading of the firewall marks the
// counters that moved, which a real clock would make a matter of timing.
func TestNetfilterGolden(t *testing.T) {
	scenarios := []struct {
		name  string
		ns    string
		steps func(h *harness)
		wait  string
	}{
		{"firewall", routerName, func(h *harness) { h.keys("8") }, "table ip nat"},
		{"firewall_moved", routerName, func(h *harness) { h.keys("8"); h.tick() }, "3↑"},
		{"firewall_nat_row", routerName, func(h *harness) { h.keys("8", "tab", "G", "k", "k", "k", "k", "k", "k", "k") }, "↳ masquerade"},
		{"firewall_empty", "blue", func(h *harness) { h.keys("8") }, "no rules"},
		{"connections", routerName, func(h *harness) { h.keys("9") }, "nf_conntrack_max"},
		{"connections_filtered", routerName, func(h *harness) { h.keys("9", "tab", "/", "s", "n", "a", "t", "enter") }, "filter snat"},
		{"settings", routerName, func(h *harness) { h.keys("0") }, "ip_forward 1"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range scenarios {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				h := newHarness(t, Options{NoColor: true, Theme: "dark"})
				fakeNetfilter(h.src)
				h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				h.selectName(sc.ns)
				sc.steps(h)
				out := h.screen()
				if !strings.Contains(out, sc.wait) {
					t.Fatalf("no %q on screen:\n%s", sc.wait, out)
				}
				assertInert(t, out)
				golden.RequireEqual(t, out)
			})
		}
	}
}

// tick delivers the tick that reads the live tab on screen again, as a
// second passing would.
func (h *harness) tick() {
	h.t.Helper()
	id := h.m.main.detail.live.id
	if id == 0 {
		h.t.Fatal("no live tab is being read")
	}
	h.send(liveTickMsg{id})
}
