package tui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// runAll runs cmd and every command its messages bring, feeding the messages
// to m, except those of commands that do not answer at once.
func runAll(m *Model, cmd tea.Cmd) {
	h := &harness{m: m}
	h.settle(cmd)
}

// A change that comes while a namespace is being read is shown by its
// reread; the read, begun before the change, must not put the old state
// back for good. Issue 14: on a busy host (namespaces coming and going,
// so reads often under way) a link set down with ip was not shown until
// ctrl+r.
func TestChangeWhileSnapshotRead(t *testing.T) {
	src := newFakeSource(fakeSnapshot())
	m := New(Deps{Source: src}, Options{Hostname: "vm"})
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	_, cmd := m.Update(m.discover()())
	runAll(m, cmd)
	for m.Selected().Key != kRouter {
		m.Update(press("j"))
	}
	old := m.Snapshot()

	// Everything is read again (ctrl+r): the chunk with the router is
	// under way, as read before the link goes down.
	m.Update(press("ctrl+r"))
	m.Update(m.discover()())
	asked := m.hostRead.asked
	if !slices.Contains(asked, kRouter) {
		t.Fatalf("the router is not being read: %v", asked)
	}
	down := *old.Find(kRouter)
	down.Links = append([]model.Link(nil), down.Links...)
	down.Links[1].Flags &^= model.IFF_UP
	down.Links[1].OperState = 2
	src.mu.Lock()
	src.reread[kRouter] = &down
	src.mu.Unlock()
	_, cmd = m.Update(changeMsg{model.Change{Ns: kRouter}})
	runAll(m, cmd)
	if m.Snapshot().Find(kRouter).Links[1].OperState != 2 {
		t.Fatal("the reread did not show the link down")
	}
	// The read ends, with the router as it was when it was read.
	var nss []model.Namespace
	for _, k := range asked {
		nss = append(nss, *old.Find(k))
	}
	_, cmd = m.Update(readMsg{keys: asked, nss: nss})
	runAll(m, cmd)
	if got := m.Snapshot().Find(kRouter).Links[1].OperState; got != 2 {
		t.Errorf("after the read begun before the change, the link's state is %d, not down", got)
	}
	if !strings.Contains(screen(m), "DOWN") {
		t.Errorf("the link going down is not on screen:\n%s", screen(m))
	}
}
