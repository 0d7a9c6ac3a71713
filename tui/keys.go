package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// actionHelp is what the help screen says each action does, in the order
// it lists them, grouped.
var actionGroups = []struct {
	title   string
	actions []string
}{
	{"move", []string{ActUp, ActDown, ActPageUp, ActPageDown, ActTop, ActBottom, ActFocusNext, ActFocusPrev}},
	{"view", []string{ActFilter, ActTabPrev, ActTabNext, actNumberTab, ActFollow, ActTopology, ActReload, ActHelp, ActQuit}},
	{"inside", []string{ActShell, ActExec}},
	{"change", []string{ActNewNetns, ActDeleteNetns, ActNewVeth, ActNewBridge, ActAttach, ActDetach,
		ActToggleUp, ActAddAddr, ActAddRoute, ActMoveLink, ActDelete, ActHistory, ActTrace, ActLab}},
}

var actionDesc = map[string]string{
	ActQuit: "quit", ActHelp: "help", ActFilter: "filter", ActUp: "up", ActDown: "down",
	ActPageUp: "page up", ActPageDown: "page down", ActTop: "top", ActBottom: "bottom",
	ActFocusNext: "next pane", ActFocusPrev: "previous pane", ActTabNext: "next tab",
	ActTabPrev: "previous tab", ActFollow: "open / follow veth", ActTopology: "topology",
	ActReload: "reload", ActShell: "shell", ActExec: "run command", ActNewNetns: "new namespace",
	ActDeleteNetns: "delete namespace", ActNewVeth: "new veth pair", ActNewBridge: "new bridge",
	ActAttach: "attach to bridge", ActDetach: "detach from bridge", ActToggleUp: "link up/down",
	ActAddAddr: "add address", ActAddRoute: "add route", ActMoveLink: "move link",
	ActDelete: "delete", ActHistory: "history", ActTrace: "trace", ActLab: "lab",
}

// actNumberTab stands for the fixed keys 1…7 in the help screen.
const actNumberTab = "number-tab"

// extraActions are the keys of the change, trace and lab features: each
// registers its handler with onAction (extend.go).
var extraActions = map[string]bool{}

func init() {
	for _, a := range actionGroups[3].actions {
		extraActions[a] = true
	}
}

// keyMap is the bindings by action, from DefaultKeys with Options.Keys
// laid over it.
type keyMap struct {
	b map[string]key.Binding
}

func newKeyMap(override map[string][]string) keyMap {
	km := keyMap{b: map[string]key.Binding{}}
	for act, keys := range DefaultKeys() {
		if o, ok := override[act]; ok {
			keys = o
		}
		km.b[act] = key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKeys(keys), actionDesc[act]))
	}
	// Fixed, beside the rebindable [ and ]: not an action of the config.
	km.b[actNumberTab] = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"), key.WithHelp("1…7", "detail tab"))
	return km
}

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

// action returns the action msg is bound to, or "".
func (km keyMap) action(msg tea.KeyPressMsg) string {
	s := msg.String()
	for _, g := range actionGroups {
		for _, a := range g.actions {
			for _, k := range km.b[a].Keys() {
				if k == s {
					return a
				}
			}
		}
	}
	return ""
}

func (km keyMap) bindings(actions ...string) []key.Binding {
	out := make([]key.Binding, 0, len(actions))
	for _, a := range actions {
		if b := km.b[a]; len(b.Keys()) > 0 {
			out = append(out, b)
		}
	}
	return out
}
