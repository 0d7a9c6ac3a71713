// Package tui is the lazyns terminal UI (Bubble Tea v2).
//
// The root Model routes: each message goes to what is on top — a dialog,
// the filter, the help screen, a pane, or the main screen — and the root
// owns only what they share: the snapshot on screen and how the host is
// read and followed (live.go). Everything else belongs to a component
// that owns its state: the namespace list (list.go) and the detail pane
// (detail.go) make up the main screen (mainscreen.go); the topology, a
// trace, a command's output, a capture and the history are panes
// (pane.go). A
// component never reaches into the root: it asks by message (common.ask)
// to go back, open a dialog or a pane, or open a namespace (openNsMsg: a
// veth's peer, a trace hop and a topology line all open one way). What
// all of them share — dependencies (Deps), options, keys, styles, the
// history, the status line — is one common value.
//
// Every key is one row of its screen's table (binding.go): keys, help
// text, group, whether it changes the kernel, what it needs selected, its
// place in the footer, and its handler. Help, the footer, the man page
// (KeyHelp) and the config file's [keys] (DefaultKeys) read the tables;
// read-only and not-root turn the changing rows into their refusal in one
// place (build).
//
// How to add:
//
//   - A key on the main screen: an Act constant (actions.go), a row in
//     mainKeys (keys.go) — keys, help, group, changes: true if it touches
//     the kernel, needs (needLink, needNamed, needInside…) for what must be
//     selected, foot/footDetail for a place in the footer — and its handler,
//     func(*mainScreen) tea.Cmd, in the feature's file. A change key's
//     handler opens its form with s.c.openDialog and runs the change with
//     runChange; the Changer gets the method. A key that changes the kernel
//     also joins kernelChanges in keys_test.go.
//   - A key in a pane or dialog: a row in that pane's table (topoKeys,
//     historyKeys, traceKeys, outputKeys, formKeys…); a row naming an Act
//     of the main screen takes that action's keys, act "" is a fixed key.
//   - A detail tab: one entry in tabs (tabs.go) — build from the snapshot,
//     or read (a Source method) when opened; what it needs beyond the
//     namespace is a field of tabInput (the Links tab's rates: traffic).
//   - Something read again and again while it is on screen (the Links
//     tab's counters, the list's traffic): decided in one place after
//     every Update (followCounters in rates.go, as watchScreen for the
//     watcher), each start with its id from c.nextID, so that answers and
//     ticks of a reading stopped are dropped.
//   - A pane: a type embedding linesPane with key, footer (paneKey,
//     paneFooter over its paneKeys table) and what it overrides (update
//     for answers of work it started, carrying its id from c.nextID;
//     refresh for new snapshots; close to stop its work), opened by a
//     main-screen row's handler with c.openPane; its table joins the
//     checks of TestKeyTables and TestRestrictedHidesExactlyTheChanges.
package tui
