package tui

import (
	"testing"

	"github.com/lazyns/lazyns/model"
)

// A storm of changes in one namespace reads it once at a time: the changes
// that come while a read is under way ask for one more read, not one each.
func TestRereadsArePaced(t *testing.T) {
	src := newFakeSource(fakeSnapshot())
	m := New(Deps{Source: src}, Options{Hostname: "vm", NoColor: true, Theme: "dark"})
	t.Cleanup(m.Close)
	m.Update(readHost(src.snap))

	first := m.rereadPaced(kRouter)
	if first == nil {
		t.Fatal("a change started no read")
	}
	for range 50 {
		if cmd := m.rereadPaced(kRouter); cmd != nil {
			t.Fatal("a change during a read started another read")
		}
	}
	msg, ok := first().(pacedMsg)
	if !ok || src.count("Reread") != 1 {
		t.Fatalf("got %T, %d rereads", msg, src.count("Reread"))
	}
	_, tick := m.Update(msg)
	if tick == nil {
		t.Fatal("the changes during the read asked for no further read")
	}
	// The tick starts exactly one more read; then all is quiet.
	_, next := m.Update(rereadTickMsg{kRouter})
	if next == nil {
		t.Fatal("the tick started no read")
	}
	if _, again := m.Update(next()); again != nil {
		t.Error("a read with no change since asked for another")
	}
	if src.count("Reread") != 2 {
		t.Errorf("%d rereads for 51 changes, want 2", src.count("Reread"))
	}
	// A namespace not in the snapshot is not read.
	if m.rereadPaced(model.NsKey{Ino: 1}) != nil {
		t.Error("a read started for an unknown namespace")
	}
}
