package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/lazyns/lazyns/model"
)

const notRoot = "needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)"

// unreadableSnapshot is what a user without privileges finds: the host,
// read without entering it, the names under /run/netns it cannot see
// inside, and a stale name. Namespaces held by other users' processes are
// not found at all.
func unreadableSnapshot() *model.Snapshot {
	denied := &model.NsError{Kind: model.ErrPermission, Msg: "permission denied: " + notRoot}
	snap := &model.Snapshot{Namespaces: []model.Namespace{
		{Key: kHost, Host: true, Path: "/proc/self/ns/net", Links: []model.Link{lo(),
			link(2, "eth0", "", "52:54:00:12:34:56", "192.168.122.10/24")}},
		{Key: kRouter, Name: routerName, Path: "/run/netns/" + routerName, Err: denied},
		{Key: kBlue, Name: "blue", Path: "/run/netns/blue", Err: denied},
		{Name: "ghost", Stale: true, Path: "/run/netns/ghost"},
	}}
	snap.Sort()
	return snap
}

func unprivilegedHarness(t *testing.T, snap *model.Snapshot) *harness {
	h := newHarness(t, Options{Unprivileged: notRoot})
	h.send(readHost(snap))
	return h
}

// Without privileges the change keys are neither offered nor run: each
// says why in the status line; what changes nothing still works.
func TestUnprivilegedHidesAndRefusesChanges(t *testing.T) {
	h := unprivilegedHarness(t, fakeSnapshot())
	lines := strings.Split(h.screen(), "\n")
	if !strings.Contains(lines[0], "NOT ROOT") {
		t.Errorf("the header does not say lazyns runs without privileges:\n%s", lines[0])
	}
	for _, focus := range [][]string{nil, {"tab"}} {
		h.keys(focus...)
		footer := strings.Split(h.screen(), "\n")[39]
		for _, k := range []string{"n new ns", "v veth", "D delete ns", "u up/down", "a addr", "m master", "b bridge", "r route", "N move", "d delete", "L lab"} {
			if strings.Contains(footer, k) {
				t.Errorf("footer offers %q without privileges:\n%s", k, footer)
			}
		}
		if !strings.Contains(footer, "? help") {
			t.Errorf("footer lost help:\n%s", footer)
		}
	}
	h.keys("tab")
	for _, pre := range [][]string{nil, {"tab", "j"}} {
		h.keys(pre...)
		for _, k := range []string{"n", "D", "v", "b", "m", "M", "u", "a", "r", "N", "d", "L"} {
			h.keys(k)
			if h.m.dialog != nil || h.m.pane != nil {
				t.Fatalf("%s opened something without privileges", k)
			}
			if !strings.Contains(h.m.c.status, ": not root: a change "+notRoot) || !h.m.c.statusErr {
				t.Errorf("%s: status %q", k, h.m.c.status)
			}
		}
		h.keys("tab")
	}
	h.keys("H")
	if _, ok := h.m.pane.(*historyPane); !ok {
		t.Errorf("H does not open the history without privileges: %T", h.m.pane)
	}
	// Everything was readable (CAP_SYS_ADMIN without CAP_NET_ADMIN): no note.
	if strings.Contains(h.screen(), "unreadable") || strings.Contains(h.screen(), "Only the namespace") {
		t.Errorf("a note about unreadable namespaces where all were read:\n%s", h.screen())
	}
}

// With nothing readable beyond its own namespace, lazyns says so under the
// list, and the header counts what it could not read.
func TestUnprivilegedNothingReadable(t *testing.T) {
	h := unprivilegedHarness(t, unreadableSnapshot())
	scr := h.screen()
	if head := strings.Split(scr, "\n")[0]; !strings.Contains(head, "4 namespaces (2 unreadable)") || !strings.Contains(head, "NOT ROOT") {
		t.Errorf("header %q", head)
	}
	note := strings.Join(strings.Fields(listColumn(scr, h.m.layout().listW)), " ")
	if !strings.Contains(note, "Only the namespace lazyns runs in can be read: seeing more "+notRoot+".") {
		t.Errorf("no note saying why the list is bare:\n%s", scr)
	}
	// The note takes rows from the list, not the cursor's place: the last
	// namespace is still reached and drawn.
	h.keys("G")
	if h.selected() != "ghost" || !strings.Contains(h.screen(), "▸ ghost") {
		t.Errorf("G selected %q:\n%s", h.selected(), h.screen())
	}

	// Root, with namespaces unreadable for another reason: no such note.
	root := newHarness(t, Options{})
	root.send(readHost(unreadableSnapshot()))
	if scr := root.screen(); strings.Contains(scr, "Only the namespace") || strings.Contains(scr, "NOT ROOT") || strings.Contains(scr, "unreadable)") {
		t.Errorf("root is told it lacks privileges:\n%s", scr)
	}
}

// listColumn is the list's part of each body line of a screen.
func listColumn(scr string, width int) string {
	var b strings.Builder
	for _, l := range strings.Split(scr, "\n")[1:] {
		if r := []rune(l); len(r) > width {
			l = string(r[:width])
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// The screens of a user without privileges: one who can read every
// namespace found but change none, and one who can read only its own.
func TestUnprivilegedGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range []struct {
			name string
			snap func() *model.Snapshot
		}{{"readable", fakeSnapshot}, {"nothing_readable", unreadableSnapshot}} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				m := New(Deps{Source: newFakeSource(sc.snap()), Runner: &fakeRunner{}}, Options{Hostname: "vm", NoColor: true, Theme: "dark", Unprivileged: notRoot})
				t.Cleanup(m.Close)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				waitScreen(t, tm, "NAMESPACES")
				tm.Send(press("v"))
				waitScreen(t, tm, "new veth pair: not root")
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				out := screen(tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model))
				assertInert(t, out)
				golden.RequireEqual(t, out)
			})
		}
	}
}
