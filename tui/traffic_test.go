package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/lazyns/lazyns/model"
)

// trafficHarness is the UI with two readings of every namespace a second
// apart, each namespace moving perSecond bytes a second in and out on
// its last link (none when not given).
func trafficHarness(t *testing.T, perSecond map[model.NsKey]uint64) *harness {
	t.Helper()
	h := newHarness(t, Options{NoColor: true, Theme: "dark"})
	for i := range h.m.snap.Namespaces {
		ns := &h.m.snap.Namespaces[i]
		if ns.Stale || len(ns.Links) == 0 {
			continue
		}
		last := ns.Links[len(ns.Links)-1].Index
		rate := perSecond[ns.Key]
		before := map[int]model.LinkStats{last: {RxPackets: 1000, RxBytes: 1_000_000, TxPackets: 1000, TxBytes: 1_000_000}}
		after := map[int]model.LinkStats{last: {RxPackets: 1000 + rate/100, RxBytes: 1_000_000 + rate/2,
			TxPackets: 1000 + rate/100, TxBytes: 1_000_000 + rate/2}}
		// The host is on screen first: its Links tab reads it too, so it
		// reads the same every time.
		if ns.Host {
			after = before
		}
		h.src.counters[ns.Key] = []*model.Namespace{countersOf(ns, before), countersOf(ns, after)}
	}
	return h
}

// tickTraffic delivers the tick the list waits for between readings.
func (h *harness) tickTraffic() {
	h.send(trafficTickMsg{h.m.main.list.tf.id})
}

// listed is the namespaces of the list in their order, by display name.
func (h *harness) listed() []string {
	var out []string
	for _, i := range h.m.main.list.shown {
		out = append(out, h.m.snap.Namespaces[i].DisplayName())
	}
	return out
}

func busiest() map[model.NsKey]uint64 {
	return map[model.NsKey]uint64{kRouter: 266_000, kDocker: 12_000, kDHCP: 900}
}

// o cycles name and traffic order: in traffic order every namespace's
// counters are read and the busiest comes first, its rate in its row,
// the header saying so; in name order nothing more is read.
func TestOrderCycles(t *testing.T) {
	h := trafficHarness(t, busiest())
	byName := h.listed()
	reads := func() int { return h.src.count("CountersEach") }
	h.keys("j", "k", "tab", "2", "1", "shift+tab")
	if reads() != 0 {
		t.Fatalf("name order read every namespace %d times", reads())
	}
	title := func() string { return strings.Split(h.screen(), "\n")[0] }

	h.keys("o")
	if reads() != 1 || !strings.Contains(title(), "8 namespaces by traffic (reading…)") {
		t.Fatalf("o: %d readings, title %q", reads(), title())
	}
	if got := h.listed(); !slices.Equal(got, byName) {
		t.Errorf("reordered before any rate is known: %q", got)
	}
	h.tickTraffic()
	want := append([]string{routerName, "docker 3f2a9c1b7d0e", dhcpName}, slices.DeleteFunc(slices.Clone(byName), func(n string) bool {
		return n == routerName || n == "docker 3f2a9c1b7d0e" || n == dhcpName
	})...)
	if got := h.listed(); !slices.Equal(got, want) {
		t.Errorf("traffic order %q, want %q", got, want)
	}
	if !strings.Contains(title(), "8 namespaces by traffic ") || strings.Contains(title(), "reading") {
		t.Errorf("title %q", title())
	}
	if h.selected() != "host" {
		t.Errorf("the selection moved to %q", h.selected())
	}
	scr := h.screen()
	for _, row := range []string{"266 kB/s", "12.0 kB/s", "900 B/s", "0 B/s"} {
		if !strings.Contains(scr, row) {
			t.Errorf("no %q in the list:\n%s", row, scr)
		}
	}

	// A pane over the list stops the reading, and the order stays.
	h.keys("t")
	n, old := reads(), h.m.main.list.tf.id
	h.send(trafficTickMsg{old})
	if reads() != n {
		t.Errorf("read with the topology over the list")
	}
	h.keys("esc")
	if reads() != n+1 || !slices.Equal(h.listed(), want) {
		t.Errorf("back from the topology: %d readings, order %q", reads()-n, h.listed())
	}

	h.keys("o")
	old, n = h.m.main.list.tf.id, reads()
	h.send(trafficTickMsg{old})
	if reads() != n {
		t.Errorf("name order read again")
	}
	if got := h.listed(); !slices.Equal(got, byName) {
		t.Errorf("name order %q, want %q", got, byName)
	}
	if scr := h.screen(); strings.Contains(title(), "traffic") || strings.Contains(scr, "kB/s") || !strings.Contains(scr, "10 ifs") {
		t.Errorf("name order still shows traffic:\n%s", scr)
	}
}

func TestTrafficOrderGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := trafficHarness(t, busiest())
			h.keys("o")
			h.tickTraffic()
			h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			out := h.screen()
			assertInert(t, out)
			golden.RequireEqual(t, out)
		})
	}
}
