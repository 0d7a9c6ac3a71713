package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// liveModel is the UI over the fake snapshot with the router's netfilter,
// driven by hand: each command runs only when the test says.
func liveModel(t *testing.T) (*Model, *fakeSource) {
	t.Helper()
	src := newFakeSource(fakeSnapshot())
	fakeNetfilter(src)
	m := New(Deps{Source: src}, Options{Hostname: "vm", NoColor: true, Theme: "dark"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(readHost(src.snap))
	return m, src
}

// press sends a key and returns its command, not run.
func pressed(m *Model, k string) tea.Cmd {
	_, cmd := m.Update(press(k))
	return cmd
}

// The live tabs read the namespace on screen only, one reading at a time,
// and drop an answer for a namespace or tab no longer on screen.
func TestLiveTabReadsWhatIsOnScreen(t *testing.T) {
	m, src := liveModel(t)
	for range 4 {
		pressed(m, "j") // qrouter
	}
	first := pressed(m, "8")
	if first == nil || m.main.detail.live.id == 0 {
		t.Fatal("opening the Firewall tab read nothing")
	}
	// Moving on while the router is read: the next namespace waits for
	// that reading to end, rather than a second reading starting.
	if cmd := pressed(m, "j"); cmd != nil {
		t.Fatal("a second reading started while one was under way")
	}
	ans := first().(lazyMsg)
	if ans.key != kRouter {
		t.Fatalf("the first reading was of %v", ans.key)
	}
	_, next := m.Update(ans)
	if m.main.detail.lazyTab(kRouter, tabFirewall).t != nil {
		t.Fatal("a late answer for the router was kept")
	}
	if strings.Contains(screen(m), "table ip nat") {
		t.Fatal("the router's firewall is on screen for another namespace")
	}
	if next == nil {
		t.Fatal("the namespace on screen is not read after the late answer")
	}
	ans = next().(lazyMsg)
	if want := m.Selected().Key; ans.key != want {
		t.Fatalf("read %v, want the one on screen %v", ans.key, want)
	}
	if got := src.count("Firewall"); got != 2 {
		t.Fatalf("%d readings, want 2", got)
	}

	// Back on the router: read at once, and again only on a tick of
	// what is on screen.
	m.Update(ans)
	_, tick := m.Update(pressed(m, "k")())
	if tick == nil || !strings.Contains(screen(m), "table ip nat") {
		t.Fatalf("the router's firewall is not on screen:\n%s", screen(m))
	}
	id := m.main.detail.live.id
	if _, cmd := m.Update(liveTickMsg{id - 1}); cmd != nil {
		t.Fatal("a tick of an earlier screen read again")
	}
	// Covered by a pane, a tick only waits for the next.
	m.Update(helpMsg{})
	_, cmd := m.Update(liveTickMsg{id})
	if cmd == nil || src.count("Firewall") != 3 {
		t.Fatalf("covered: %d readings", src.count("Firewall"))
	}
	m.showHelp = false
	m.Update(openDialogMsg{NewConfirm("Delete masquerade", "?", func() tea.Cmd { return nil })})
	if _, cmd := m.Update(liveTickMsg{id}); cmd == nil || src.count("Firewall") != 3 {
		t.Fatalf("under a dialog: %d readings", src.count("Firewall"))
	}
	m.dialog = nil
	_, cmd = m.Update(liveTickMsg{id})
	m.Update(cmd())
	if src.count("Firewall") != 4 || !strings.Contains(screen(m), "5↑") {
		t.Fatalf("the tick did not read again and mark what moved (%d readings):\n%s", src.count("Firewall"), screen(m))
	}

	// Another tab stops the readings.
	pressed(m, "1")
	if m.main.detail.live.id != 0 {
		t.Fatal("the Links tab is read live")
	}
	if _, cmd := m.Update(liveTickMsg{id}); cmd != nil {
		t.Fatal("a tick read again with the Firewall tab closed")
	}
}

// The Connections tab's rows are filtered by / with the focus on it, and
// esc clears the filter; on the Links tab / filters namespaces.
func TestRowFilter(t *testing.T) {
	m, _ := liveModel(t)
	for range 4 {
		pressed(m, "j")
	}
	m.Update(pressed(m, "9")())
	for _, k := range []string{"tab", "/", "d", "n", "a", "t", "enter"} {
		pressed(m, k)
	}
	if n := len(m.main.detail.t.rows); n != 1 || !strings.Contains(screen(m), "filter dnat: 1 of 3 rows") {
		t.Fatalf("%d rows:\n%s", n, screen(m))
	}
	if m.main.list.filter.Value() != "" {
		t.Fatal("the namespace filter took the text")
	}
	pressed(m, "esc")
	if n := len(m.main.detail.t.rows); n != 3 {
		t.Fatalf("esc left %d rows", n)
	}
	pressed(m, "1")
	for _, k := range []string{"/", "b", "l", "u", "e", "enter"} {
		pressed(m, k)
	}
	if m.main.list.filter.Value() != "blue" {
		t.Fatalf("/ on the Links tab filtered %q of the namespaces", m.main.list.filter.Value())
	}
}
