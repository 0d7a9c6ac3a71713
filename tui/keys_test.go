package tui

import (
	"slices"
	"strings"
	"testing"
)

// checkTable fails for a binding without help text, handler or keys, and
// for two bindings of the screen on one key: the key would only ever do
// the first.
func checkTable[S any](t *testing.T, screen string, rows []binding[S]) {
	t.Helper()
	c := &common{keys: newKeyMap(nil)}
	owner := map[string]string{}
	for _, b := range build(c, rows) {
		name := b.act
		if name == "" {
			name = strings.Join(b.keys, "/")
		}
		if b.help == "" {
			t.Errorf("%s: %s has no help text", screen, name)
		}
		if b.run == nil {
			t.Errorf("%s: %s has no handler", screen, name)
		}
		if len(b.keys) == 0 {
			t.Errorf("%s: %s has no key (a pane's row must name an action of the main screen)", screen, name)
		}
		for _, k := range b.keys {
			if other, ok := owner[k]; ok {
				t.Errorf("%s: %q is bound to both %s and %s", screen, k, other, name)
			}
			owner[k] = name
		}
	}
}

func TestKeyTables(t *testing.T) {
	checkTable(t, "main", mainKeys())
	checkTable(t, "filter", filterKeys())
	checkTable(t, "form", formKeys())
	checkTable(t, "confirm", confirmKeys())
	checkTable(t, "topology", topoKeys())
	checkTable(t, "history", historyKeys())
	checkTable(t, "trace", traceKeys())
	checkTable(t, "output", outputKeys())
	checkTable(t, "capture", captureKeys())

	// Help lists each group once: a group's rows are together.
	var groups []string
	for _, b := range mainKeys() {
		if b.group != "" && (len(groups) == 0 || groups[len(groups)-1] != b.group) {
			if slices.Contains(groups, b.group) {
				t.Errorf("the rows of group %s are apart: help would list it twice", b.group)
			}
			groups = append(groups, b.group)
		}
	}
	if want := []string{groupMove, groupView, groupInside, groupChange}; !slices.Equal(groups, want) {
		t.Errorf("help's groups %q, want %q", groups, want)
	}
	// The config file's actions are the main screen's.
	for act := range DefaultKeys() {
		if !slices.ContainsFunc(mainKeys(), func(b mainKey) bool { return b.act == act }) {
			t.Errorf("DefaultKeys has %s, which no row of the main screen has", act)
		}
	}
}

// kernelChanges are the actions that change the kernel: the change keys
// of PRODUCT.md and the labs. History and trace only read.
var kernelChanges = []string{ActNewNetns, ActDeleteNetns, ActNewVeth, ActNewBridge, ActAttach, ActDetach,
	ActToggleUp, ActAddAddr, ActAddRoute, ActMoveLink, ActDelete, ActForwarding, ActAddRule, ActMasquerade, ActLab}

// hiddenActs are the actions of rows build hid under opt.
func hiddenActs[S any](opt Options, rows []binding[S]) []string {
	c := &common{opt: opt, keys: newKeyMap(nil)}
	var out []string
	for _, b := range build(c, rows) {
		if b.hidden {
			out = append(out, b.act)
		}
	}
	return out
}

// Read-only and without privileges, exactly the bindings that change the
// kernel are hidden from the footer and refused with the reason, each
// named by its help text; with both, nothing is hidden.
func TestRestrictedHidesExactlyTheChanges(t *testing.T) {
	var marked []string
	for _, b := range mainKeys() {
		if b.changes {
			marked = append(marked, b.act)
		}
	}
	if !slices.Equal(marked, kernelChanges) {
		t.Errorf("the rows marked as changing the kernel are %q, want %q", marked, kernelChanges)
	}
	for _, tc := range []struct {
		name string
		opt  Options
		why  string
	}{
		{"read-only", Options{ReadOnly: true}, "lazyns runs read-only (--read-only or read_only in the config)"},
		{"not root", Options{Unprivileged: notRoot}, "not root: a change " + notRoot},
	} {
		if got := hiddenActs(tc.opt, mainKeys()); !slices.Equal(got, kernelChanges) {
			t.Errorf("%s hides %q, want %q", tc.name, got, kernelChanges)
		}
		for screen, n := range map[string]int{
			"filter": len(hiddenActs(tc.opt, filterKeys())), "form": len(hiddenActs(tc.opt, formKeys())),
			"confirm": len(hiddenActs(tc.opt, confirmKeys())), "topology": len(hiddenActs(tc.opt, topoKeys())),
			"history": len(hiddenActs(tc.opt, historyKeys())), "trace": len(hiddenActs(tc.opt, traceKeys())),
			"output": len(hiddenActs(tc.opt, outputKeys())), "capture": len(hiddenActs(tc.opt, captureKeys())),
		} {
			if n != 0 {
				t.Errorf("%s hides %d bindings of the %s screen, which change nothing", tc.name, n, screen)
			}
		}

		h := newHarnessWith(t, tc.opt, Deps{Labs: &fakeLabs{up: map[string]bool{}}})
		for _, focus := range [][]string{nil, {"tab", "j"}} {
			h.keys(focus...)
			keys, _ := h.m.main.footer()
			for _, b := range keys {
				for _, r := range h.m.main.keys {
					if r.changes && slices.Contains(r.keys, b.Keys()[0]) {
						t.Errorf("%s: the footer offers %s", tc.name, r.help)
					}
				}
			}
			for _, b := range h.m.main.keys {
				if !b.changes {
					continue
				}
				h.keys(b.keys[0])
				if h.m.dialog != nil || h.m.pane != nil || h.m.c.status != b.help+": "+tc.why || !h.m.c.statusErr {
					t.Errorf("%s: %s opened %v/%T, status %q", tc.name, b.keys[0], h.m.dialog != nil, h.m.pane, h.m.c.status)
				}
			}
			h.keys("shift+tab")
		}
	}
	// Capture and the list's order only read: read-only keeps them.
	for _, act := range []string{ActCapture, ActOrder} {
		if slices.Contains(hiddenActs(Options{ReadOnly: true}, mainKeys()), act) {
			t.Errorf("read-only hides %s", act)
		}
	}
	if got := hiddenActs(Options{}, mainKeys()); len(got) != 0 {
		t.Errorf("with every privilege, %q are hidden", got)
	}
}
