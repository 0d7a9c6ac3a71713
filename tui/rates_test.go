package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/lazyns/lazyns/model"
)

// countersOf is a reading of ns's counters: its links, each with the
// counters stats gives for its index.
func countersOf(ns *model.Namespace, stats map[int]model.LinkStats) *model.Namespace {
	read := &model.Namespace{Key: ns.Key, Name: ns.Name}
	for _, l := range ns.Links {
		if s, ok := stats[l.Index]; ok {
			l.Stats = &s
		}
		read.Links = append(read.Links, l)
	}
	return read
}

// routerReadings are two readings of the qrouter a second apart: its qr-
// port receives 190 packets a second and sends nothing (the fir3net
// clue), its qg- port carries traffic both ways and dropped 3 packets
// meanwhile, lo is idle.
func routerReadings(router *model.Namespace) []*model.Namespace {
	before := map[int]model.LinkStats{
		1:  {RxPackets: 100, RxBytes: 8000, TxPackets: 100, TxBytes: 8000},
		14: {RxPackets: 266200, RxBytes: 372_000_000, TxPackets: 10, TxBytes: 840},
		15: {RxPackets: 5000, RxBytes: 600_000, TxPackets: 5000, TxBytes: 700_000, RxDropped: 2},
	}
	after := map[int]model.LinkStats{
		1:  before[1],
		14: {RxPackets: 266390, RxBytes: 372_266_390, TxPackets: 10, TxBytes: 840},
		15: {RxPackets: 5012, RxBytes: 601_400, TxPackets: 5011, TxBytes: 701_300, RxDropped: 5},
	}
	return []*model.Namespace{countersOf(router, before), countersOf(router, after)}
}

// ratesHarness is the UI on the qrouter's Links tab, the detail pane
// focused, with its two readings shown: the first when the tab comes on
// screen, the second a tick later.
func ratesHarness(t *testing.T, opt Options) *harness {
	t.Helper()
	h := newHarness(t, opt)
	h.src.counters[kRouter] = routerReadings(h.m.snap.Find(kRouter))
	h.selectName(routerName)
	h.keys("tab")
	h.tickRates()
	return h
}

// tickRates delivers the tick the Links tab waits for (the harness does
// not wait a second).
func (h *harness) tickRates() {
	h.send(ratesTickMsg{h.m.main.detail.rates.id})
}

func TestLinksRatesGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := ratesHarness(t, Options{NoColor: true, Theme: "dark"})
			h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			out := h.screen()
			assertInert(t, out)
			golden.RequireEqual(t, out)
		})
	}
}

// The counters of the Links tab: bytes a second each way, packets a
// second, drops and errors; a link that receives and sends nothing says
// "none"; what moved is painted, and without colour still stands out.
func TestLinksRates(t *testing.T) {
	h := ratesHarness(t, Options{NoColor: true, Theme: "dark"})
	tr := h.m.main.detail.trafficOf(h.m.Selected())
	if tr == nil || tr.rates == nil {
		t.Fatalf("no rates after two readings: %+v", tr)
	}
	text := func(cs []cell) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.text)
		}
		return strings.Join(out, " | ")
	}
	for _, tc := range []struct {
		link  int
		want  string
		roles []model.Role
	}{
		{1, "· | · | 0/0 | 0 | 0", []model.Role{model.RoleDim, model.RoleDim, model.RoleDim, model.RoleDim, model.RoleDim}},
		{14, "266 kB | none | 190/0 | 0 | 0", []model.Role{roleMoved, roleAlarm, roleMoved, model.RoleDim, model.RoleDim}},
		{15, "1.4 kB! | 1.3 kB | 12/11 | 5 | 0", []model.Role{roleAlarm, roleMoved, roleMoved, roleAlarm, model.RoleDim}},
	} {
		cs := tr.cells(tc.link)
		if got := text(cs); got != tc.want {
			t.Errorf("link %d: %q, want %q", tc.link, got, tc.want)
		}
		for i, c := range cs {
			if c.role != tc.roles[i] {
				t.Errorf("link %d, %s: role %d, want %d", tc.link, rateHead[i], c.role, tc.roles[i])
			}
		}
	}
	// NO_COLOR: moved is bold, an alarm bold and reversed, idle faint
	// (the cursor's row, lo's, is left plain under the cursor's style).
	raw := h.m.render()
	for what, re := range map[string]string{
		"moved":  `\x1b\[1m266 kB`,
		"alarm":  `\x1b\[1;7mnone`,
		"idle":   `\x1b\[2m0\x1b`,
		"drops":  `\x1b\[1;7m5\x1b`,
		"header": `RX/s.*TX/s`,
	} {
		if !regexp.MustCompile(re).MatchString(raw) {
			t.Errorf("%s: no %q in the screen without colour:\n%q", what, re, raw)
		}
	}
}

// Counters are read for the namespace on screen, and only while its
// Links tab is: another tab, a pane over it, or help stop the reading,
// and a tick of a reading stopped reads nothing.
func TestRatesOnlyWhileLinksOnScreen(t *testing.T) {
	h := ratesHarness(t, Options{})
	calls := func() int { return h.src.count("Counters") }
	n := calls()
	h.tickRates()
	if calls() != n+1 {
		t.Fatalf("a tick on the Links tab read %d times, want once", calls()-n)
	}
	for _, away := range []struct {
		name      string
		go_, back []string
	}{
		{"another tab", []string{"2"}, []string{"1"}},
		{"the topology", []string{"t"}, []string{"esc"}},
		{"help", []string{"?"}, []string{"esc"}},
	} {
		old := h.m.main.detail.rates.id
		h.keys(away.go_...)
		n := calls()
		h.send(ratesTickMsg{old})
		h.tickRates()
		if calls() != n {
			t.Errorf("%s: %d readings while the Links tab is not on screen", away.name, calls()-n)
		}
		h.keys(away.back...)
		if calls() != n+1 {
			t.Errorf("back from %s: %d readings, want one at once", away.name, calls()-n)
		}
		if h.m.main.detail.rates.id == old {
			t.Errorf("back from %s: the reading before goes on", away.name)
		}
	}
	// Another namespace: read at once, and the old tick reads nothing.
	old := h.m.main.detail.rates.id
	h.keys("shift+tab", "k")
	n = calls()
	h.send(ratesTickMsg{old})
	if calls() != n {
		t.Errorf("a tick for the namespace left read again")
	}
	if h.m.main.detail.rates.key != h.m.Selected().Key {
		t.Errorf("reads %v, the screen shows %v", h.m.main.detail.rates.key, h.m.Selected().Key)
	}
	// A late reading of the namespace left is not shown.
	h.send(ratesMsg{id: old, read: h.src.counters[kRouter][1]})
	if strings.Contains(h.screen(), "266 kB") {
		t.Errorf("a late reading of the qrouter is shown:\n%s", h.screen())
	}
}
