package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// The detail cursor stays on the link the person chose when links before
// it vanish, and says so when the chosen one goes: a change key must never
// act on whatever slid into its place.
func TestDetailCursorFollowsTheLink(t *testing.T) {
	h := newHarness(t, Options{})
	h.selectName(routerName)
	h.keys("tab", "j")
	if r := h.m.main.detail.cursorRow(); r == nil || r.link != 14 {
		t.Fatalf("cursor on %+v, want qr- (14)", r)
	}
	without := func(idx int) *model.Namespace {
		ns := *h.m.Selected()
		ns.Links = slices.DeleteFunc(slices.Clone(ns.Links), func(l model.Link) bool { return l.Index == idx })
		return &ns
	}
	// The row above the cursor goes: qg- would slide under the cursor.
	h.send(nsMsg{kRouter, without(1), nil})
	if r := h.m.main.detail.cursorRow(); r == nil || r.link != 14 {
		t.Fatalf("after lo went, the cursor is on %+v, want qr- (14)", r)
	}
	if strings.Contains(h.m.c.status, "gone") {
		t.Errorf("status %q: the selected row is still there", h.m.c.status)
	}
	// Then the selected one itself goes.
	h.send(nsMsg{kRouter, without(14), nil})
	if !strings.Contains(h.m.c.status, "the selected row is gone") {
		t.Errorf("status %q after the selected link went", h.m.c.status)
	}
}

func TestCutNameKeepsTheEndOfPaths(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/run/lazyns/bench-netns/qdhcp-1234", "…netns/qdhcp-1234"},
		{"qrouter-e945b6b1-54be-49ef", "qrouter-e945b6b1…"},
		{"/short", "/short"},
	} {
		if got := cutName(tc.in, 17); got != tc.want {
			t.Errorf("cutName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
