package tui

import (
	"slices"
	"strconv"

	tea "charm.land/bubbletea/v2"
)

// mainKey is a binding of the main screen: the list and the detail pane.
type mainKey = binding[*mainScreen]

// mainKeys is the main screen's table, in the order help lists it. It is
// also where every action's default keys are (DefaultKeys), and what the
// man page's KEYS section and the config file's [keys] read.
//
// How to add a key: one row here (its act constant in actions.go, its
// default keys, help text, group, changes if it touches the kernel, needs
// for what must be selected first, foot/footDetail for a place in the
// footer) and its handler, a func(*mainScreen) tea.Cmd in the feature's
// own file. Read-only, not-root, help, the footer, the man page and the
// config file follow from the row.
func mainKeys() []mainKey {
	rows := moves((*mainScreen).move, false)
	rows = append(rows,
		mainKey{act: ActFocusNext, keys: []string{"tab"}, help: "next pane", short: "focus", group: groupMove, footDetail: 3,
			run: (*mainScreen).switchFocus},
		mainKey{act: ActFocusPrev, keys: []string{"shift+tab"}, help: "previous pane", group: groupMove,
			run: (*mainScreen).switchFocus},

		mainKey{act: ActFilter, keys: []string{"/"}, help: "filter", shortFn: (*mainScreen).filterSays, group: groupView,
			foot: 1, footDetail: 14, run: (*mainScreen).startFilter},
		mainKey{act: ActTabPrev, keys: []string{"["}, help: "previous tab", group: groupView,
			run: func(s *mainScreen) tea.Cmd { return s.setTab(s.detail.tab - 1) }},
		mainKey{act: ActTabNext, keys: []string{"]"}, help: "next tab", group: groupView, foot: 3, footDetail: 1,
			run: func(s *mainScreen) tea.Cmd { return s.setTab(s.detail.tab + 1) }},
	)
	rows = append(rows, numberTabKeys()...)
	rows = append(rows,
		mainKey{act: ActFollow, keys: []string{"enter"}, help: "open / follow veth", shortFn: (*mainScreen).enterSays,
			group: groupView, foot: 2, footDetail: 2, run: (*mainScreen).enter},
		mainKey{act: ActTopology, keys: []string{"t"}, help: "topology", group: groupView, foot: 6, run: openTopology},
		mainKey{act: ActReload, keys: []string{"ctrl+r"}, help: "reload", group: groupView, run: (*mainScreen).reload},
		// foot 6 as topology: after it.
		mainKey{act: ActOrder, keys: []string{"o"}, help: "order the list: name / traffic", short: "order", group: groupView, foot: 6,
			run: (*mainScreen).cycleOrder},
		mainKey{act: ActHelp, keys: []string{"?"}, help: "help", group: groupView, tail: true, run: askHelp[*mainScreen]},
		mainKey{act: ActQuit, keys: []string{"q", "ctrl+c"}, help: "quit", group: groupView, tail: true,
			run: func(s *mainScreen) tea.Cmd { s.c.ask(quitMsg{}); return nil }},

		mainKey{act: ActShell, keys: []string{"s"}, help: "shell", group: groupInside, foot: 4, footDetail: 4,
			needs: needInside | needRunner, run: shell},
		mainKey{act: ActExec, keys: []string{"x"}, help: "run command", short: "exec", name: "run", group: groupInside,
			foot: 5, footDetail: 5, needs: needInside | needRunner, run: execPrompt},
		// footDetail 5 as exec: after it. Capture only reads: allowed read-only.
		mainKey{act: ActCapture, keys: []string{"c"}, help: "capture packets", short: "capture", group: groupInside,
			footDetail: 5, needs: needInsideLink | needCapturer, run: captureForm},

		mainKey{act: ActNewNetns, keys: []string{"n"}, help: "new namespace", short: "new ns", group: groupChange, changes: true,
			foot: 7, needs: needChanger | needSnapshot, run: newNetnsForm},
		mainKey{act: ActDeleteNetns, keys: []string{"D"}, help: "delete namespace", short: "delete ns", group: groupChange, changes: true,
			foot: 9, needs: needChanger | needSnapshot, run: deleteNetnsConfirm},
		mainKey{act: ActNewVeth, keys: []string{"v"}, help: "new veth pair", short: "veth", group: groupChange, changes: true,
			foot: 8, needs: needChanger | needSnapshot, run: newVethForm},
		mainKey{act: ActNewBridge, keys: []string{"b"}, help: "new bridge", short: "bridge", group: groupChange, changes: true,
			footDetail: 9, needs: needChanger | needSnapshot | needNamed, run: newBridgeForm},
		mainKey{act: ActAttach, keys: []string{"m"}, help: "attach to bridge", short: "master", group: groupChange, changes: true,
			footDetail: 8, needs: needChanger | needSnapshot | needLink, run: attachForm},
		mainKey{act: ActDetach, keys: []string{"M"}, help: "detach from bridge", group: groupChange, changes: true,
			needs: needChanger | needSnapshot | needLink, run: detachLink},
		mainKey{act: ActToggleUp, keys: []string{"u"}, help: "link up/down", short: "up/down", group: groupChange, changes: true,
			footDetail: 6, needs: needChanger | needSnapshot | needLink, run: toggleLink},
		mainKey{act: ActAddAddr, keys: []string{"a"}, help: "add address", short: "addr", group: groupChange, changes: true,
			footDetail: 7, needs: needChanger | needSnapshot | needLink, run: addAddrForm},
		mainKey{act: ActAddRoute, keys: []string{"r"}, help: "add route", short: "route", group: groupChange, changes: true,
			footDetail: 10, needs: needChanger | needSnapshot | needNamed, run: addRouteForm},
		mainKey{act: ActMoveLink, keys: []string{"N"}, help: "move link", short: "move", group: groupChange, changes: true,
			footDetail: 12, needs: needChanger | needSnapshot | needLink, run: moveLinkForm},
		mainKey{act: ActDelete, keys: []string{"d"}, help: "delete", group: groupChange, changes: true,
			footDetail: 11, needs: needChanger | needSnapshot, run: deleteConfirm},
		mainKey{act: ActForwarding, keys: []string{"F"}, help: "forwarding on/off", group: groupChange, changes: true,
			needs: needChanger | needSnapshot | needNamed, run: forwardingForm},
		mainKey{act: ActAddRule, keys: []string{"R"}, help: "add policy rule", group: groupChange, changes: true,
			needs: needChanger | needSnapshot | needNamed, run: addRuleForm},
		mainKey{act: ActMasquerade, keys: []string{"S"}, help: "masquerade a subnet", group: groupChange, changes: true,
			needs: needChanger | needSnapshot | needNamed, run: masqueradeForm},
		mainKey{act: ActHistory, keys: []string{"H"}, help: "history", group: groupChange, foot: 11, run: openHistory},
		mainKey{act: ActTrace, keys: []string{"T"}, help: "trace", group: groupChange, foot: 10, footDetail: 13,
			needs: needInside | needTracer, run: tracePrompt},
		mainKey{act: ActLab, keys: []string{"L"}, help: "lab", group: groupChange, changes: true, needs: needLabs, run: labDialog},

		// esc clears a filter kept with enter; last, so a remapped action
		// on esc still wins, as before.
		mainKey{keys: []string{"esc"}, help: "clear the filter", run: (*mainScreen).clearFilter},
	)
	return rows
}

// numberTabKeys are 1…9 for the first detail tabs and 0 for the tenth,
// as on the keyboard's row of digits: fixed, beside the rebindable [ and
// ]. Help lists them as one line, the first row's.
func numberTabKeys() []mainKey {
	n := min(len(tabs), 10)
	rows := make([]mainKey, n)
	for i := range rows {
		rows[i] = mainKey{keys: []string{strconv.Itoa((i + 1) % 10)}, help: tabs[i].name + " tab",
			run: func(s *mainScreen) tea.Cmd { return s.setTab(i) }}
	}
	label := "1…" + strconv.Itoa(min(n, 9))
	if n == 10 {
		label += ", 0"
	}
	rows[0].label, rows[0].help, rows[0].group = label, "detail tab", groupView
	return rows
}

// DefaultKeys is the default key map (PRODUCT.md), by action, read from
// the main screen's table. It returns a new map each time so no caller can
// change another's.
func DefaultKeys() map[string][]string {
	out := map[string][]string{}
	for _, b := range mainKeys() {
		if b.act != "" {
			out[b.act] = slices.Clone(b.keys)
		}
	}
	return out
}

// KeyHelpEntry is one binding as documentation shows it: "j/↓", "down".
type KeyHelpEntry struct{ Keys, Desc string }

// KeyGroup is a titled group of bindings, in the help screen's order.
type KeyGroup struct {
	Title   string
	Entries []KeyHelpEntry
}

// KeyHelp lists the main screen's bindings with keys (DefaultKeys with
// overrides laid over it) as the help screen groups them, so the man page
// says what ? says.
func KeyHelp(keys map[string][]string) []KeyGroup {
	c := &common{keys: newKeyMap(keys)}
	var out []KeyGroup
	for _, b := range build(c, mainKeys()) {
		if b.group == "" {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Title != b.group {
			out = append(out, KeyGroup{Title: b.group})
		}
		if len(b.keys) > 0 {
			g := &out[len(out)-1]
			g.Entries = append(g.Entries, KeyHelpEntry{Keys: b.helpKeys(), Desc: b.help})
		}
	}
	return out
}
