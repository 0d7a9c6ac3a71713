package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// binding is one key of one screen, everything about it in one value: its
// keys, what help and the footer say, whether it changes the kernel, what
// must be on screen before it runs, and what it does. Each screen has one
// table of them (keys.go for the main screen, each pane and dialog beside
// its code); help, the footer, the man page and the config file's [keys]
// read the tables, so a new key is one row and its handler.
type binding[S any] struct {
	// act is the name the config file's [keys] knows it by. A pane's row
	// that names a main-screen act takes that act's keys; act "" is a
	// fixed key, given in keys.
	act  string
	keys []string
	// label is how help writes the keys when not one by one ("1…7").
	label string
	help  string // what help says it does
	short string // the footer's word for it, when shorter than help
	// shortFn is the footer's word when it depends on what is on screen.
	shortFn func(S) string
	// name is what status messages call it, when not its help text.
	name  string
	group string // the heading help lists it under; "" leaves it out
	// changes says it changes the kernel: read-only or without privileges
	// it is refused with the reason, and left out of the footer (build).
	changes bool
	needs   need // what must be there before it runs (main screen)
	// foot is its place in the footer, lowest first, 0 for none; on the
	// main screen, when the list has the focus, and footDetail when the
	// detail pane has it. tail keeps it at the end of the footer, always
	// shown (help, quit, back).
	foot, footDetail int
	tail             bool
	run              func(S) tea.Cmd

	hidden bool // refused in this session (build): not in the footer
}

// The headings of help, in its order.
const (
	groupMove   = "move"
	groupView   = "view"
	groupInside = "inside"
	groupChange = "change"
)

func (b *binding[S]) what() string {
	if b.name != "" {
		return b.name
	}
	return b.help
}

// helpKeys is how help writes the binding's keys.
func (b *binding[S]) helpKeys() string {
	if b.label != "" {
		return b.label
	}
	return helpKeys(b.keys)
}

// build makes a screen's table as this session has it: each binding with
// its keys (the config's, where it names an action), and — read-only or
// without privileges — each one that changes the kernel turned into its
// refusal and hidden from the footer. The one place changes are dropped.
func build[S any](c *common, rows []binding[S]) []binding[S] {
	out := slices.Clone(rows)
	why := c.refusal()
	for i := range out {
		b := &out[i]
		if b.act != "" {
			b.keys = c.keys[b.act]
		}
		if b.changes && why != "" {
			say := b.help + ": " + why
			b.run = func(S) tea.Cmd { c.setStatus(say, true); return nil }
			b.needs, b.hidden = 0, true
		}
	}
	return out
}

// dispatch runs the first binding of rows that has key; handled is false
// when none has, so the screen may pass the key on (to a text input).
// guard, when not nil, checks what a binding needs before it runs.
func dispatch[S any](rows []binding[S], s S, key string, guard func(*binding[S]) bool) (cmd tea.Cmd, handled bool) {
	for i := range rows {
		if b := &rows[i]; slices.Contains(b.keys, key) {
			return runBinding(b, s, guard), true
		}
	}
	return nil, false
}

func runBinding[S any](b *binding[S], s S, guard func(*binding[S]) bool) tea.Cmd {
	if guard != nil && !guard(b) {
		return nil
	}
	return b.run(s)
}

// footer is what the footer shows of rows: the bindings placed in it, in
// their places, each by its first key, and the tail.
func footer[S any](rows []binding[S], s S, detail bool) (keys, tail []key.Binding) {
	var placed []*binding[S]
	for i := range rows {
		b := &rows[i]
		if b.hidden || len(b.keys) == 0 {
			continue
		}
		if b.tail {
			tail = append(tail, footKey(b, s))
		}
		if place(b, detail) > 0 {
			placed = append(placed, b)
		}
	}
	slices.SortStableFunc(placed, func(x, y *binding[S]) int { return place(x, detail) - place(y, detail) })
	for _, b := range placed {
		keys = append(keys, footKey(b, s))
	}
	return keys, tail
}

func place[S any](b *binding[S], detail bool) int {
	if detail {
		return b.footDetail
	}
	return b.foot
}

func footKey[S any](b *binding[S], s S) key.Binding {
	desc := b.help
	switch {
	case b.shortFn != nil:
		desc = b.shortFn(s)
	case b.short != "":
		desc = b.short
	}
	return key.NewBinding(key.WithKeys(b.keys...), key.WithHelp(helpKeys(b.keys[:1]), desc))
}

// moves are the movement bindings every screen shares, with the default
// keys of the actions; move does them. footed puts up, down and page down
// in the footer first, as panes show them.
func moves[S any](move func(S, string) tea.Cmd, footed bool) []binding[S] {
	row := func(act, help string, foot int, keys ...string) binding[S] {
		if !footed {
			foot = 0
		}
		return binding[S]{act: act, keys: keys, help: help, group: groupMove, foot: foot,
			run: func(s S) tea.Cmd { return move(s, act) }}
	}
	return []binding[S]{
		row(ActUp, "up", 1, "k", "up"),
		row(ActDown, "down", 2, "j", "down"),
		row(ActPageUp, "page up", 0, "pgup"),
		row(ActPageDown, "page down", 3, "pgdown"),
		row(ActTop, "top", 0, "g", "home"),
		row(ActBottom, "bottom", 0, "G", "end"),
	}
}

// askHelp is the handler of ? on every screen: the root shows help over it.
func askHelp[S interface{ shared() *common }](s S) tea.Cmd {
	s.shared().ask(helpMsg{})
	return nil
}

// keyMap is the keys of each action: the defaults of the main screen's
// table with Options.Keys laid over them.
type keyMap map[string][]string

func newKeyMap(override map[string][]string) keyMap {
	km := keyMap(DefaultKeys())
	for act, keys := range override {
		if _, ok := km[act]; ok {
			km[act] = keys
		}
	}
	return km
}

func (km keyMap) has(act, key string) bool { return slices.Contains(km[act], key) }

// helpKeys is how a key list reads in help: "j/↓".
func helpKeys(keys []string) string {
	shown := make([]string, len(keys))
	for i, k := range keys {
		switch k {
		case "up":
			k = "↑"
		case "down":
			k = "↓"
		}
		shown[i] = k
	}
	return strings.Join(shown, "/")
}
