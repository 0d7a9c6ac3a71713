package tui

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// filterer is what a filter typed on the status line narrows: the
// namespace list (/ with the focus on it), or the rows of the detail
// pane's open tab (/ with the focus there). Both take the same keys.
type filterer interface {
	input() *textinput.Model
	// typing is set while the filter has the keys.
	typing() *bool
	// setFilter applies q, keeping the cursor where it can.
	setFilter(q string)
	moveCursor(act string)
}

func newFilterInput(placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = placeholder
	// The terminal's own cursor: a drawn one blinks, and a blink is a
	// redraw twice a second.
	in.SetVirtualCursor(false)
	return in
}

// filterKeys are the keys while a filter is typed into; every other key
// is typed.
func filterKeys() []binding[filterer] {
	move := func(act string) func(filterer) tea.Cmd {
		return func(f filterer) tea.Cmd { f.moveCursor(act); return nil }
	}
	return []binding[filterer]{
		{keys: []string{"enter"}, help: "keep filter", tail: true, run: keepFilter},
		{keys: []string{"esc"}, help: "clear", tail: true, run: dropFilter},
		{keys: []string{"up"}, help: "up", run: move(ActUp)},
		{keys: []string{"down"}, help: "down", run: move(ActDown)},
		{keys: []string{"pgup"}, help: "page up", run: move(ActPageUp)},
		{keys: []string{"pgdown"}, help: "page down", run: move(ActPageDown)},
	}
}

func startFilter(f filterer) tea.Cmd {
	*f.typing() = true
	return f.input().Focus()
}

func keepFilter(f filterer) tea.Cmd {
	*f.typing() = false
	f.input().Blur()
	return nil
}

func dropFilter(f filterer) tea.Cmd {
	keepFilter(f)
	f.setFilter("")
	return nil
}

// filterKey is a key while the filter is typed into.
func filterKey(f filterer, msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := dispatch(filterKeys(), f, msg.String(), nil); ok {
		return cmd
	}
	in := f.input()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	f.setFilter(in.Value())
	return cmd
}

// updateFilterInput passes other messages (paste, blink) to the input.
func updateFilterInput(f filterer, msg tea.Msg) tea.Cmd {
	in := f.input()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	return cmd
}
