package tui

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// harness drives a Model directly: each message goes through Update and the
// commands it returns are run, their messages fed back, until nothing is
// left. Commands that wait on the watcher or on progress block; they are
// given up after a short wait, as the program would keep them pending.
type harness struct {
	t   *testing.T
	m   *Model
	src *fakeSource
	run *fakeRunner
}

func newHarness(t *testing.T, opt Options) *harness {
	t.Helper()
	return newHarnessWith(t, opt, Deps{})
}

// newHarnessWith is newHarness with more dependencies (labs, a changer)
// beside the fake source and runner.
func newHarnessWith(t *testing.T, opt Options, deps Deps) *harness {
	t.Helper()
	src := newFakeSource(fakeSnapshot())
	src.sockets[kRouter] = fakeSockets()
	src.procs[kRouter] = fakeProcs()
	run := &fakeRunner{out: []byte("ok\r\n"), code: 0}
	if opt.Hostname == "" {
		opt.Hostname = "vm"
	}
	deps.Source, deps.Runner = src, run
	m := New(deps, opt)
	t.Cleanup(m.Close)
	h := &harness{t: t, m: m, src: src, run: run}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.settle(m.Init())
	if m.Snapshot() == nil {
		t.Fatal("no snapshot after Init")
	}
	return h
}

func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.settle(cmd)
}

func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		h.send(press(k))
	}
}

func (h *harness) settle(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(50 * time.Millisecond):
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.settle(c)
		}
	default:
		if _, quit := msg.(tea.QuitMsg); quit {
			return
		}
		// tea.Exec's message is internal to Bubble Tea: run the command
		// as the program would and deliver its callback.
		if reflect.TypeOf(msg).String() == "tea.execMsg" {
			return
		}
		h.send(msg)
	}
}

func (h *harness) selected() string {
	if ns := h.m.Selected(); ns != nil {
		return ns.DisplayName()
	}
	return ""
}

func (h *harness) screen() string { return ansi.Strip(h.m.render()) }

// selectName moves the list cursor to the namespace called name.
func (h *harness) selectName(name string) {
	h.t.Helper()
	h.keys("g")
	for i := 0; i < 20 && h.selected() != name; i++ {
		h.keys("j")
	}
	if h.selected() != name {
		h.t.Fatalf("cannot select %q", name)
	}
}

func TestFilterIndex(t *testing.T) {
	snap := fakeSnapshot()
	idx := newFilterIndex(snap)
	names := func(q string) []string {
		var out []string
		for _, i := range idx.match(q) {
			out = append(out, model.Visible(snap.Namespaces[i].DisplayName()))
		}
		return out
	}
	cases := map[string][]string{
		"QROUTER-E945":   {routerName},
		"10.0.0.1":       {routerName},
		"10.0.0.":        {dhcpName, routerName},
		"tap76de":        {"host"},
		"dnsmasq":        {"pid 1234 (dnsmasq)"},
		"2001:db8::10":   {routerName},
		`evil\x1b[31m`:   {model.Visible(evilName)},
		"no-such-thing":  nil,
		"172.17.0.3/16":  {"docker 3f2a9c1b7d0e"},
		"3f2a9c1b":       {"docker 3f2a9c1b7d0e"},
		"  dae14f7d-8a ": {dhcpName},
		// A whole address matches that address, not every one it starts.
		"172.24.4.1":     {"host"},
		"172.24.4.1/24":  {"host"},
		"172.24.4.1/16":  nil,
		"172.24.4.":      {"host", routerName},
		"2001:db8::1":    nil,
		"2001:DB8:0::10": {routerName},
		"10.0.0.2":       {dhcpName},
	}
	for q, want := range cases {
		if got := names(q); !reflect.DeepEqual(got, want) {
			t.Errorf("filter %q: got %q, want %q", q, got, want)
		}
	}
	if got := len(idx.match("")); got != len(snap.Namespaces) {
		t.Errorf("empty filter shows %d of %d", got, len(snap.Namespaces))
	}
}

func TestFilterTypingAndEsc(t *testing.T) {
	h := newHarness(t, Options{})
	h.keys("/", "1", "0", ".", "6", "6")
	if h.selected() != evilName || len(h.m.main.list.shown) != 1 {
		t.Fatalf("typing 10.66 selected %q of %d shown", h.selected(), len(h.m.main.list.shown))
	}
	h.keys("enter")
	if h.m.main.list.filtering || !strings.Contains(h.screen(), "filter: 10.66") {
		t.Fatalf("enter should keep the filter and leave typing:\n%s", h.screen())
	}
	h.keys("esc")
	if h.m.main.list.filter.Value() != "" || len(h.m.main.list.shown) != len(h.m.snap.Namespaces) {
		t.Fatal("esc did not clear the filter")
	}
	if h.selected() != evilName {
		t.Errorf("clearing the filter lost the selection: %q", h.selected())
	}
	h.keys("/", "z", "z", "z")
	if !strings.Contains(h.screen(), "nothing matches") || h.m.Selected() != nil {
		t.Errorf("a filter matching nothing:\n%s", h.screen())
	}
	h.keys("esc")
	if h.m.main.list.filtering || len(h.m.main.list.shown) == 0 {
		t.Error("esc while typing should clear and close the filter")
	}
}

func TestNavigation(t *testing.T) {
	h := newHarness(t, Options{})
	n := len(h.m.snap.Namespaces)
	if h.selected() != "host" {
		t.Fatalf("starts on %q, want host", h.selected())
	}
	h.keys("k")
	if h.m.main.list.sc.cursor != 0 {
		t.Error("k at the top moved")
	}
	h.keys("j", "down")
	if h.m.main.list.sc.cursor != 2 {
		t.Errorf("j, down: cursor %d", h.m.main.list.sc.cursor)
	}
	h.keys("G")
	if h.m.main.list.sc.cursor != n-1 || h.selected() != "ghost" {
		t.Errorf("G: cursor %d on %q", h.m.main.list.sc.cursor, h.selected())
	}
	h.keys("j")
	if h.m.main.list.sc.cursor != n-1 {
		t.Error("j at the bottom moved")
	}
	h.keys("g")
	if h.m.main.list.sc.cursor != 0 {
		t.Error("g did not go to the top")
	}
	h.keys("pgdown")
	if h.m.main.list.sc.cursor != n-1 {
		t.Errorf("pgdown on a short list: cursor %d", h.m.main.list.sc.cursor)
	}
	h.keys("pgup", "up")
	if h.m.main.list.sc.cursor != 0 {
		t.Errorf("pgup: cursor %d", h.m.main.list.sc.cursor)
	}

	// Tabs: ] and [ wrap, numbers jump.
	h.keys("]", "]")
	if h.m.main.detail.tab != tabRoutes {
		t.Errorf("] ]: tab %d", h.m.main.detail.tab)
	}
	h.keys("[", "[", "[")
	if h.m.main.detail.tab != tabSettings {
		t.Errorf("[ wraps: tab %d", h.m.main.detail.tab)
	}
	h.keys("1")
	if h.m.main.detail.tab != tabLinks {
		t.Errorf("1: tab %d", h.m.main.detail.tab)
	}

	// Focus: the detail rows move, the list stays.
	h.keys("tab", "j", "j", "G")
	if h.m.main.focus != focusDetail || h.m.main.list.sc.cursor != 0 || h.m.main.detail.sc.cursor != len(h.m.main.detail.t.rows)-1 {
		t.Errorf("detail focus: focus %d list %d rows %d", h.m.main.focus, h.m.main.list.sc.cursor, h.m.main.detail.sc.cursor)
	}
	h.keys("shift+tab", "j")
	if h.m.main.focus != focusList || h.m.main.list.sc.cursor != 1 {
		t.Errorf("shift+tab back: focus %d list %d", h.m.main.focus, h.m.main.list.sc.cursor)
	}
	if h.m.main.detail.sc.cursor != 0 {
		t.Error("another namespace should start at its first row")
	}
}

func TestFollowVeth(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(routerName)
	h.keys("enter") // list → detail
	if h.m.main.focus != focusDetail {
		t.Fatal("enter on the list should focus the detail")
	}
	h.keys("j") // qr-76de6d23-a8
	h.keys("enter")
	if h.selected() != "host" || h.m.main.detail.tab != tabLinks {
		t.Fatalf("followed to %q tab %d", h.selected(), h.m.main.detail.tab)
	}
	row := h.m.main.detail.t.rows[h.m.main.detail.sc.cursor]
	if row.link != 5 {
		t.Errorf("peer row is link %d, want 5 (tap76de6d23-a8)", row.link)
	}
	// And back again, through a filter that hides the router.
	h.keys("/", "t", "a", "p", "7", "6", "enter")
	if h.selected() != "host" || h.m.main.detail.t.rows[h.m.main.detail.sc.cursor].link != 5 {
		t.Fatalf("filtering lost the place: %q", h.selected())
	}
	h.keys("enter")
	if h.selected() != routerName {
		t.Fatalf("followed back to %q", h.selected())
	}
	if h.m.main.list.filter.Value() != "" {
		t.Error("following to a namespace the filter hides should clear the filter")
	}
	if h.m.main.detail.t.rows[h.m.main.detail.sc.cursor].link != 14 {
		t.Error("peer row not selected after following back")
	}
	// A link that is not a veth says so.
	h.keys("g", "enter")
	if h.selected() != routerName || !strings.Contains(h.m.c.status, "not a veth") {
		t.Errorf("enter on lo: %q, status %q", h.selected(), h.m.c.status)
	}
}

func TestLiveReread(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(routerName)
	before := h.m.Snapshot()

	// A reread that finds nothing new changes nothing: no new snapshot,
	// so nothing to draw.
	h.send(changeMsg{model.Change{Ns: kRouter}})
	if h.m.Snapshot() != before || h.src.count("Reread") != 1 {
		t.Fatalf("identical reread replaced the snapshot (rereads %d)", h.src.count("Reread"))
	}

	down := *before.Find(kRouter)
	down.Links = append([]model.Link(nil), down.Links...)
	down.Links[1].OperState = 2
	down.Links[1].Flags &^= model.IFF_UP
	h.src.mu.Lock()
	h.src.reread[kRouter] = &down
	h.src.mu.Unlock()
	h.send(changeMsg{model.Change{Ns: kRouter}})
	if got := h.m.Snapshot().Find(kRouter).Links[1].OperState; got != 2 {
		t.Fatalf("link state after reread: %d", got)
	}
	if before.Find(kRouter).Links[1].OperState != 6 {
		t.Error("the old snapshot was changed in place")
	}
	if !strings.Contains(h.screen(), "DOWN") {
		t.Errorf("the link going down is not on screen:\n%s", h.screen())
	}
	if h.selected() != routerName {
		t.Errorf("selection moved to %q", h.selected())
	}
	// A change in a namespace lazyns does not know is ignored.
	h.send(changeMsg{model.Change{Ns: model.NsKey{Dev: 9, Ino: 9}}})
	if h.src.count("Reread") != 2 {
		t.Errorf("reread an unknown namespace")
	}
}

func TestLiveNamespaces(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(routerName)
	h.src.mu.Lock()
	next := fakeSnapshot()
	next.Namespaces = append(next.Namespaces, model.Namespace{Key: model.NsKey{Dev: 4, Ino: 99}, Name: "aaa-new", Links: []model.Link{lo()}})
	next.Sort()
	h.src.snap = next
	h.src.mu.Unlock()
	h.send(changeMsg{model.Change{Namespaces: true}})
	if h.src.count("Discover") != 2 {
		t.Fatalf("snapshots read: %d", h.src.count("Discover"))
	}
	if !strings.Contains(h.screen(), "aaa-new") || !strings.Contains(h.screen(), "9 namespaces") {
		t.Errorf("new namespace not shown:\n%s", h.screen())
	}
	if h.selected() != routerName {
		t.Errorf("selection moved to %q", h.selected())
	}
	// The watcher follows the selection.
	h.keys("k")
	w := h.src.watcher
	w.mu.Lock()
	last := w.focused[len(w.focused)-1]
	w.mu.Unlock()
	if last != h.m.Selected().Key {
		t.Errorf("watcher focused on %v, selected %v", last, h.m.Selected().Key)
	}
}

func TestLazyTabs(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(routerName)
	if h.src.count("Sockets")+h.src.count("Processes") != 0 {
		t.Fatal("sockets or processes read before their tab was opened")
	}
	h.keys("6")
	if h.src.count("Sockets") != 1 || !strings.Contains(h.screen(), "haproxy/2002") {
		t.Fatalf("sockets tab:\n%s", h.screen())
	}
	h.keys("7")
	if h.src.count("Processes") != 1 || !strings.Contains(h.screen(), "/usr/sbin/keepalived") {
		t.Fatalf("processes tab:\n%s", h.screen())
	}
	h.keys("6", "7")
	if h.src.count("Sockets") != 1 || h.src.count("Processes") != 1 {
		t.Error("reopening a tab read again")
	}
	h.keys("ctrl+r")
	if h.src.count("Processes") != 2 {
		t.Error("ctrl+r should read the open tab again")
	}
}

func TestShell(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(dhcpName)
	_, cmd := h.m.Update(press("s"))
	if cmd == nil || len(h.run.shells) != 1 || h.run.shells[0] != dhcpName {
		t.Fatalf("s started %q", h.run.shells)
	}
	h.send(shellDoneMsg{name: dhcpName})
	if h.src.count("Discover") != 2 || h.selected() != dhcpName {
		t.Errorf("after the shell: %d snapshots, on %q", h.src.count("Discover"), h.selected())
	}
	h.keys("G")
	h.keys("s")
	if !strings.Contains(h.m.c.status, "stale") || len(h.run.shells) != 1 {
		t.Errorf("shell in a stale entry: %q", h.m.c.status)
	}
}

func TestExec(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(routerName)
	h.keys("x")
	if h.m.dialog == nil {
		t.Fatal("x opened no dialog")
	}
	h.keys("enter")
	if h.m.dialog == nil || !strings.Contains(h.screen(), "type a command") {
		t.Fatalf("empty command accepted:\n%s", h.screen())
	}
	h.run.out = []byte("\x1b[32mgreen\x1b[0m\r\n\x1b]0;title\x07\x1b[Hend\r\n")
	h.run.code = 2
	for _, r := range "ip a" {
		h.send(press(string(r)))
	}
	h.keys("enter")
	if h.m.dialog != nil || len(h.run.runs) != 1 || h.run.runs[0] != routerName+": ip a" {
		t.Fatalf("ran %q", h.run.runs)
	}
	raw := h.m.render()
	if !strings.Contains(raw, "\x1b[32mgreen") {
		t.Errorf("colours not kept:\n%q", raw)
	}
	scr := h.screen()
	if !strings.Contains(scr, "exit 2") || !strings.Contains(scr, `\x1b]0;title\x07\x1b[Hend`) {
		t.Errorf("output pane:\n%s", scr)
	}
	assertInert(t, stripSGR(raw))
	h.keys("esc")
	if h.m.pane != nil {
		t.Error("esc did not close the output")
	}
	h.keys("x", "esc")
	if h.m.dialog != nil {
		t.Error("esc did not close the dialog")
	}
}

func TestDialogFields(t *testing.T) {
	h := newHarness(t, Options{})
	var got map[string]string
	d := NewDialog("New veth", func(v map[string]string) (tea.Cmd, error) {
		got = v
		return nil, nil
	}, TextField("name", "name", "veth0", ""), ChoiceField("ns", "namespace", []string{"host", "blue"}, 0),
		TextField("peer", "peer name", "veth1", "p1"))
	h.send(nil)
	h.settle(h.m.OpenDialog(d))
	h.keys("a", "tab", "right", "tab", "2", "shift+tab", "shift+tab", "b", "enter")
	want := map[string]string{"name": "ab", "ns": "blue", "peer": "p12"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values %v, want %v", got, want)
	}

	// Typing in a choice field finds a choice: a prefix first, else a part.
	ns := []string{"host", "qdhcp-5d65", "qrouter-e945", "blue", "lz-router"}
	d = NewDialog("Pick", func(v map[string]string) (tea.Cmd, error) { got = v; return nil, nil },
		ChoiceField("ns", "namespace", ns, 0))
	h.settle(h.m.OpenDialog(d))
	for _, step := range []struct{ key, want string }{
		{"q", "qdhcp-5d65"}, {"r", "qrouter-e945"}, {"backspace", "qdhcp-5d65"},
		{"backspace", "qdhcp-5d65"}, {"r", "qrouter-e945"}, {"o", "qrouter-e945"},
		{"left", "qdhcp-5d65"}, {"u", "qrouter-e945"}, {"backspace", "qrouter-e945"},
		{"l", "lz-router"}, {"x", "lz-router"},
	} {
		h.keys(step.key)
		if v := d.Fields[0].Value(); v != step.want {
			t.Errorf("after %q: %q, want %q", step.key, v, step.want)
		}
	}
	if !strings.Contains(h.screen(), "/lx") {
		t.Errorf("the search is not shown:\n%s", h.screen())
	}

	yes := false
	h.settle(h.m.OpenDialog(NewConfirm("Delete", "Delete blue?", func() tea.Cmd { yes = true; return nil })))
	if !strings.Contains(h.screen(), "Delete blue?") {
		t.Errorf("confirm not shown:\n%s", h.screen())
	}
	h.keys("n")
	if yes || h.m.dialog != nil {
		t.Error("n should cancel")
	}
	h.settle(h.m.OpenDialog(NewConfirm("Delete", "Delete blue?", func() tea.Cmd { yes = true; return nil })))
	h.keys("y")
	if !yes {
		t.Error("y should confirm")
	}
}

func TestChangeKeysAndReadOnly(t *testing.T) {
	h := newHarness(t, Options{ReadOnly: true})
	if !strings.Contains(strings.SplitN(h.screen(), "\n", 2)[0], "READ-ONLY") {
		t.Error("no READ-ONLY badge")
	}
	h.keys("v")
	if !strings.Contains(h.m.c.status, "read-only") {
		t.Errorf("v: status %q", h.m.c.status)
	}
	if strings.Contains(strings.Split(h.screen(), "\n")[39], "veth") {
		t.Error("change keys shown in the footer")
	}
}

func TestKeysOverride(t *testing.T) {
	h := newHarness(t, Options{Keys: map[string][]string{ActDown: {"n"}, ActQuit: {"Q"}}})
	h.keys("j")
	if h.m.main.list.sc.cursor != 0 {
		t.Error("j still moves after down was rebound")
	}
	h.keys("n")
	if h.m.main.list.sc.cursor != 1 {
		t.Error("n does not move down")
	}
	h.keys("?")
	if !strings.Contains(h.screen(), "n          down") {
		t.Errorf("help does not show the rebound key:\n%s", h.screen())
	}
	_, cmd := h.m.Update(press("Q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("Q does not quit")
	}
}

func TestMouse(t *testing.T) {
	h := newHarness(t, Options{})
	h.send(tea.MouseClickMsg{X: 3, Y: 6, Button: tea.MouseLeft}) // body line 5: list row 4
	if h.selected() != routerName {
		t.Fatalf("click selected %q", h.selected())
	}
	l := h.m.layout()
	h.send(tea.MouseClickMsg{X: l.detailX + 1, Y: l.tableY + 1, Button: tea.MouseLeft})
	if h.m.main.focus != focusDetail || h.m.main.detail.sc.cursor != 1 {
		t.Errorf("click on the second link: focus %d row %d", h.m.main.focus, h.m.main.detail.sc.cursor)
	}
	// Where Routes is drawn on the tab line, in columns.
	tabLine := strings.Split(h.screen(), "\n")[l.tabsY]
	x := displaywidth.String(tabLine[:strings.Index(tabLine, "Routes")])
	h.send(tea.MouseClickMsg{X: x + 2, Y: l.tabsY, Button: tea.MouseLeft})
	if h.m.main.detail.tab != tabRoutes {
		t.Errorf("click on Routes: tab %d", h.m.main.detail.tab)
	}
	h.send(tea.MouseWheelMsg{X: 2, Y: 5, Button: tea.MouseWheelDown})
	if h.m.main.list.sc.offset != 0 || h.selected() != routerName {
		t.Error("wheel on a list that fits moved it")
	}
}

func TestQuitClosesWatcher(t *testing.T) {
	h := newHarness(t, Options{})
	_, cmd := h.m.Update(press("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q does not quit")
	}
	if !h.src.watcher.closed {
		t.Error("watcher still open after quit")
	}
}

func TestHostileNamesInert(t *testing.T) {
	h := newHarness(t, Options{Theme: "dark"}) // colours on
	h.selectName(evilName)
	for _, k := range []string{"1", "2", "3", "7", "?"} {
		h.keys(k)
		raw := h.m.render()
		assertInert(t, stripSGR(raw))
		if !strings.Contains(ansi.Strip(raw), `\x1b`) && k != "?" && k != "7" && k != "3" {
			t.Errorf("tab %s does not show the escape as text", k)
		}
	}
}

func TestTerminalText(t *testing.T) {
	got := terminalText([]byte("a\tb\r\n\x1b[1;31mred\x1b[0m \x1b[2J\x9b\xff\r\nlast"))
	want := []string{"a       b", "\x1b[1;31mred\x1b[0m \\x1b[2J\\x9b\\xff\x1b[m", "last"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if terminalText(nil) != nil {
		t.Error("no output should be no lines")
	}
}

// stripSGR removes colour sequences only, so any other escape is left for
// assertInert to find.
func stripSGR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if n := sgrLen(s[i:]); n > 0 {
			i += n - 1
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestTopology(t *testing.T) {
	h := newHarness(t, Options{})
	h.keys("t")
	p, ok := h.m.pane.(*topoPane)
	if !ok {
		t.Fatal("t opened no topology")
	}
	scr := h.screen()
	for _, want := range []string{"br-int", "tap76de6d23-a8 ⇄ " + routerName + " qr-76de6d23-a8 10.0.0.1/24", `evil\x1b[31mred`} {
		if !strings.Contains(scr, want) {
			t.Errorf("topology lacks %q:\n%s", want, scr)
		}
	}
	assertInert(t, scr)
	// Find the line of the router's qr- port and open it.
	line := -1
	for i, l := range p.targets {
		if l.Ns == kHost && l.Link == 5 {
			line = i
		}
	}
	if line < 0 {
		t.Fatalf("no line for tap76de6d23-a8: %+v", p.targets)
	}
	for h.m.pane != nil && p.sc.cursor < line {
		h.keys("j")
	}
	h.keys("enter")
	if h.m.pane != nil || h.selected() != "host" || h.m.main.detail.tab != tabLinks || h.m.main.detail.t.rows[h.m.main.detail.sc.cursor].link != 5 {
		t.Errorf("enter on a port: pane %v, on %q, tab %d", h.m.pane, h.selected(), h.m.main.detail.tab)
	}
	// The topology follows new snapshots while open; esc leaves it.
	h.keys("t")
	h.send(readHost(fakeSnapshot()))
	if _, ok := h.m.pane.(*topoPane); !ok {
		t.Fatal("a new snapshot closed the topology")
	}
	h.keys("esc")
	if h.m.pane != nil {
		t.Error("esc did not leave the topology")
	}
}

func TestColorsOption(t *testing.T) {
	st := NewStyles(false, true, map[string]string{"ifname": "#ff0000", "up": "", "bogus": "1"})
	if got := st.Paint(model.RoleIfname, "eth0"); !strings.Contains(got, "38;2;255;0;0") {
		t.Errorf("ifname colour not applied: %q", got)
	}
	if got := st.Paint(model.RoleUp, "UP"); got != "UP" {
		t.Errorf(`"" should leave up in the terminal's colour: %q`, got)
	}
	if got := st.Paint(model.RoleDown, "DOWN"); !strings.Contains(got, "38;5;1m") {
		t.Errorf("roles not named keep ip -c's colour: %q", got)
	}
	plain := NewStyles(true, true, map[string]string{"ifname": "#ff0000"})
	if got := plain.Paint(model.RoleIfname, "eth0"); got != "eth0" {
		t.Errorf("no colour at all under NoColor: %q", got)
	}
}

func TestRefreshModes(t *testing.T) {
	h := newHarness(t, Options{Refresh: -1})
	if h.src.count("Watch") != 0 {
		t.Error("manual refresh started the watcher")
	}
	h.keys("ctrl+r")
	if h.src.count("Discover") != 2 {
		t.Error("ctrl+r did not read again")
	}
	p := newHarness(t, Options{Refresh: time.Hour})
	if p.src.count("Watch") != 0 {
		t.Error("polling started the watcher")
	}
	p.send(tickMsg{})
	if p.src.count("Discover") != 2 {
		t.Error("a tick did not read again")
	}
	live := newHarness(t, Options{})
	if live.src.count("Watch") != 1 {
		t.Error("live refresh did not start the watcher")
	}
}

func TestSnapshotShrinks(t *testing.T) {
	h := newHarness(t, Options{})
	h.keys("G")
	h.src.mu.Lock()
	h.src.snap = &model.Snapshot{Namespaces: fakeSnapshot().Namespaces[:2]}
	h.src.mu.Unlock()
	h.send(changeMsg{model.Change{Namespaces: true}})
	if h.selected() != "blue" || !strings.Contains(h.screen(), "2 namespaces") {
		t.Errorf("after the selected namespace vanished: on %q\n%s", h.selected(), h.screen())
	}
	h.src.mu.Lock()
	h.src.snap = &model.Snapshot{}
	h.src.mu.Unlock()
	h.send(changeMsg{model.Change{Namespaces: true}})
	if h.m.Selected() != nil || !strings.Contains(h.screen(), "0 namespaces") {
		t.Errorf("no namespaces at all:\n%s", h.screen())
	}
	h.keys("j", "enter", "tab", "enter", "s", "x", "t", "6")
}

// Until the namespaces are found the body says so and keys do nothing
// harmful; once found they are listed at once, the header counting the
// reading of what is inside them.
func TestProgressWhileLoading(t *testing.T) {
	src := newFakeSource(fakeSnapshot())
	m := New(Deps{Source: src}, Options{Hostname: "vm"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 24})
	if scr := ansi.Strip(m.render()); !strings.Contains(scr, "reading namespaces…") {
		t.Errorf("nothing says the namespaces are being found:\n%s", scr)
	}
	for _, k := range []string{"j", "enter", "tab", "s", "x", "t", "/", "a", "esc", "?"} {
		m.Update(press(k))
	}
	m.Update(tea.MouseClickMsg{X: 3, Y: 4, Button: tea.MouseLeft})
	found, _ := src.Discover(context.Background())
	m.Update(discoveredMsg{snap: found})
	m.Update(press("esc")) // the help, from ? above
	scr := ansi.Strip(m.render())
	if !strings.Contains(scr, "8 namespaces  ·  reading 0/7") || !strings.Contains(scr, routerName[:20]) {
		t.Errorf("keys before the first snapshot broke it, or no progress:\n%s", scr)
	}
}

// Every screen at sizes down to tiny ones: lines exactly as wide as the
// terminal, as many as it is high, and no panic.
func TestSizes(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(evilName)
	screens := []func(){
		func() {}, func() { h.keys("?") }, func() { h.keys("esc", "t") }, func() { h.keys("esc", "x") },
		func() { h.keys("esc", "/", "e") }, func() { h.keys("esc", "esc", "3") },
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}, {40, 10}, {20, 5}, {1, 1}} {
		h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for i, open := range screens {
			open()
			lines := strings.Split(h.m.render(), "\n")
			if len(lines) != size[1] && size[1] >= 4 {
				t.Errorf("%v screen %d: %d lines", size, i, len(lines))
			}
			for j, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%v screen %d line %d is %d wide: %q", size, i, j, w, ansi.Strip(l))
				}
			}
		}
		h.keys("esc", "esc")
	}
}

func TestPaintWords(t *testing.T) {
	tag := func(r model.Role, s string) string { return "<" + strconv.Itoa(int(r)) + ":" + s + ">" }
	got := paintWords(tag, "10.0.0.0/24 dev qr-1 proto kernel scope link src 10.0.0.1")
	want := "<6:10.0.0.0/24> dev <2:qr-1> proto kernel scope link src <6:10.0.0.1>"
	if got != want {
		t.Errorf("route:\n got %s\nwant %s", got, want)
	}
	got = paintWords(tag, "fe80::1 dev eth0 lladdr fa:16:3e:aa:bb:cc router REACHABLE")
	want = "<7:fe80::1> dev <2:eth0> lladdr <5:fa:16:3e:aa:bb:cc> router REACHABLE"
	if got != want {
		t.Errorf("neighbour:\n got %s\nwant %s", got, want)
	}
	if got := paintWords(tag, "default via 172.24.4.1 dev qg"); got != "default via <6:172.24.4.1> dev <2:qg>" {
		t.Errorf("default route: %s", got)
	}
}

// Changes that arrive while a snapshot is read are read once more, after a
// pause in proportion to how long reading took.
func TestReloadUnderChurn(t *testing.T) {
	h := newHarness(t, Options{})
	h.m.loading = true
	for i := 0; i < 5; i++ {
		h.m.Update(changeMsg{model.Change{Namespaces: true}})
	}
	if !h.m.reload || h.src.count("Discover") != 1 {
		t.Fatalf("changes during a read: reload %v, %d reads", h.m.reload, h.src.count("Discover"))
	}
	h.m.Update(discoveredMsg{snap: fakeSnapshot(), took: 10 * time.Millisecond})
	if !h.m.loading || h.m.reload {
		t.Fatal("the next read should be pending")
	}
	h.send(reloadMsg{})
	if h.src.count("Discover") != 2 || h.m.loading {
		t.Errorf("after the pause: %d reads, loading %v", h.src.count("Discover"), h.m.loading)
	}
	if reloadPause(time.Second) != 2*time.Second || reloadPause(0) != 50*time.Millisecond || reloadPause(100*time.Millisecond) != 300*time.Millisecond {
		t.Error("reloadPause bounds")
	}
}

type failingSource struct{ *fakeSource }

func (failingSource) Discover(context.Context) (*model.Snapshot, error) {
	return nil, errors.New("open /run/netns: permission \x1b[31mdenied")
}

func TestFirstReadFails(t *testing.T) {
	m := New(Deps{Source: failingSource{newFakeSource(fakeSnapshot())}}, Options{Hostname: "vm"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(m.discover()())
	scr := ansi.Strip(m.render())
	if !strings.Contains(scr, `permission \x1b[31mdenied`) || !strings.Contains(scr, "ctrl+r tries again") {
		t.Errorf("a failed first read:\n%s", scr)
	}
	assertInert(t, scr)
	m.Update(press("ctrl+r"))
	if !m.loading {
		t.Error("ctrl+r did not try again")
	}
}

// A feature's binding runs its handler from its key, help lists it, and
// read-only refuses the one that changes the kernel (lab) but not the one
// that only reads (history). (It was TestRegisteredAction, when features
// registered their handlers from init.)
func TestActionFromTheTable(t *testing.T) {
	labs := &fakeLabs{up: map[string]bool{}}
	h := newHarnessWith(t, Options{}, Deps{Labs: labs})
	h.keys("L")
	if h.m.dialog == nil || !strings.Contains(h.screen(), "Practice lab") {
		t.Fatalf("L did not run its handler:\n%s", h.screen())
	}
	h.keys("esc", "?")
	if scr := h.screen(); !strings.Contains(scr, "lab  ") || strings.Contains(scr, "(not yet)") {
		t.Errorf("help does not list the lab key:\n%s", scr)
	}
	ro := newHarnessWith(t, Options{ReadOnly: true}, Deps{Labs: labs})
	ro.keys("L")
	if ro.m.dialog != nil || !strings.Contains(ro.m.c.status, "read-only") {
		t.Errorf("read-only: dialog %v, status %q", ro.m.dialog != nil, ro.m.c.status)
	}
	ro.keys("H")
	if _, ok := ro.m.pane.(*historyPane); !ok {
		t.Errorf("read-only: H opened %T, not the history", ro.m.pane)
	}
}

func TestLinkStateNoCarrier(t *testing.T) {
	ns := fakeSnapshot().Find(kRouter)
	l := &ns.Links[1]
	l.OperState, l.Flags = 2, l.Flags&^model.IFF_RUNNING
	if got := linksTable(ns, nil).rows[1].cells[3].text; got != "NO-CARRIER" {
		t.Errorf("up without carrier shows %q", got)
	}
	l.Flags &^= model.IFF_UP
	if got := linksTable(ns, nil).rows[1].cells[3].text; got != "DOWN" {
		t.Errorf("down shows %q", got)
	}
}

func TestCtrlCQuitsFromAnywhere(t *testing.T) {
	for _, open := range []string{"x", "/", "t", "?"} {
		h := newHarness(t, Options{})
		h.keys(open)
		_, cmd := h.m.Update(press("ctrl+c"))
		if cmd == nil || cmd() != tea.Quit() {
			t.Errorf("ctrl+c after %q does not quit", open)
		}
	}
}
