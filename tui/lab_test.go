package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// fakeLabs records what the L dialog asked for.
type fakeLabs struct {
	up    map[string]bool
	calls []string
	fail  error
}

func (f *fakeLabs) Labs() []LabInfo {
	return []LabInfo{
		{Name: "veth", Summary: "two namespaces joined by a veth pair", Up: f.up["veth"]},
		{Name: "bridge", Summary: "a bridge in the host", Up: f.up["bridge"]},
		{Name: "openstack", Summary: "a miniature network node", Up: f.up["openstack"], Routers: true},
	}
}

func (f *fakeLabs) LabUp(_ context.Context, name string, routers int, progress func(done, total int)) ([]model.Cmd, error) {
	f.calls = append(f.calls, "up "+name+" "+string(rune('0'+routers)))
	progress(1, 2)
	if f.fail != nil {
		return nil, f.fail
	}
	f.up[name] = true
	return []model.Cmd{{Argv: []string{"ip", "netns", "add", "lz-" + name}}}, nil
}

func (f *fakeLabs) LabDown(name string) error {
	f.calls = append(f.calls, "down "+name)
	delete(f.up, name)
	return f.fail
}

func TestLabKey(t *testing.T) {
	labs := &fakeLabs{up: map[string]bool{}}
	h := newHarnessWith(t, Options{}, Deps{Labs: labs})

	h.keys("L")
	if scr := h.screen(); !strings.Contains(scr, "Practice lab") || !strings.Contains(scr, "openstack: a miniature network node") {
		t.Fatalf("no lab dialog:\n%s", scr)
	}
	// A size for a lab that takes none is explained, and nothing runs.
	h.keys("tab", "tab", "4", "enter")
	if len(labs.calls) != 0 || !strings.Contains(h.screen(), "only the openstack lab takes a size") {
		t.Fatalf("calls %v, screen:\n%s", labs.calls, h.screen())
	}
	// openstack with 4 routers, found by typing its name.
	h.keys("tab", "o", "enter")
	if strings.Join(labs.calls, ",") != "up openstack 4" {
		t.Fatalf("calls %v", labs.calls)
	}
	if !strings.Contains(h.m.c.status, "lab openstack is up") || h.m.History().Len() != 1 {
		t.Errorf("status %q, history %d", h.m.c.status, h.m.History().Len())
	}
	// It is up now: up again is refused in the dialog, down takes it down.
	h.keys("L", "o", "enter")
	if !strings.Contains(h.screen(), "lab openstack is already up") {
		t.Errorf("up twice:\n%s", h.screen())
	}
	h.keys("tab", "right", "enter")
	if labs.calls[len(labs.calls)-1] != "down openstack" || !strings.Contains(h.m.c.status, "is down") {
		t.Errorf("calls %v, status %q", labs.calls, h.m.c.status)
	}
	// A failure is said in words.
	labs.fail = errors.New("a namespace named lz-veth-a already exists")
	h.keys("L", "enter")
	if !strings.Contains(h.m.c.status, "✗ a namespace named lz-veth-a already exists") {
		t.Errorf("status %q", h.m.c.status)
	}
}

func TestLabKeyReadOnly(t *testing.T) {
	labs := &fakeLabs{up: map[string]bool{}}
	h := newHarnessWith(t, Options{ReadOnly: true}, Deps{Labs: labs})
	h.keys("L")
	if h.m.dialog != nil || len(labs.calls) != 0 || !strings.Contains(h.m.c.status, "read-only") {
		t.Errorf("read-only: dialog %v, calls %v, status %q", h.m.dialog != nil, labs.calls, h.m.c.status)
	}
}

func TestLabProgressLine(t *testing.T) {
	h := newHarness(t, Options{})
	r := &labRun{name: "openstack"}
	r.done.Store(120)
	r.total.Store(500)
	if cmd := labTicked(h.m.c, labTickMsg{r}); cmd == nil || !strings.Contains(h.m.c.status, "building… 120 of 500") {
		t.Errorf("status %q, next tick %v", h.m.c.status, cmd != nil)
	}
	r.over.Store(true)
	if cmd := labTicked(h.m.c, labTickMsg{r}); cmd != nil {
		t.Error("a finished lab still ticks")
	}
}
