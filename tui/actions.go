// Package tui is the lazyns terminal UI.
package tui

// Action names are how the help screen, the config file ([keys]) and the
// key map refer to each binding.
const (
	ActQuit        = "quit"
	ActHelp        = "help"
	ActFilter      = "filter"
	ActUp          = "up"
	ActDown        = "down"
	ActPageUp      = "page-up"
	ActPageDown    = "page-down"
	ActTop         = "top"
	ActBottom      = "bottom"
	ActFocusNext   = "focus-next"
	ActFocusPrev   = "focus-prev"
	ActTabNext     = "tab-next"
	ActTabPrev     = "tab-prev"
	ActFollow      = "follow"
	ActTopology    = "topology"
	ActReload      = "reload"
	ActShell       = "shell"
	ActExec        = "exec"
	ActNewNetns    = "new-netns"
	ActDeleteNetns = "delete-netns"
	ActNewVeth     = "new-veth"
	ActNewBridge   = "new-bridge"
	ActAttach      = "attach"
	ActDetach      = "detach"
	ActToggleUp    = "toggle-up"
	ActAddAddr     = "add-addr"
	ActAddRoute    = "add-route"
	ActMoveLink    = "move-link"
	ActDelete      = "delete"
	ActHistory     = "history"
	ActTrace       = "trace"
	ActLab         = "lab"
)

// DefaultKeys is the default key map (PRODUCT.md), by action. It returns a
// new map each time so no caller can change another's.
func DefaultKeys() map[string][]string {
	return map[string][]string{
		ActQuit:        {"q", "ctrl+c"},
		ActHelp:        {"?"},
		ActFilter:      {"/"},
		ActUp:          {"k", "up"},
		ActDown:        {"j", "down"},
		ActPageUp:      {"pgup"},
		ActPageDown:    {"pgdown"},
		ActTop:         {"g", "home"},
		ActBottom:      {"G", "end"},
		ActFocusNext:   {"tab"},
		ActFocusPrev:   {"shift+tab"},
		ActTabNext:     {"]"},
		ActTabPrev:     {"["},
		ActFollow:      {"enter"},
		ActTopology:    {"t"},
		ActReload:      {"ctrl+r"},
		ActShell:       {"s"},
		ActExec:        {"x"},
		ActNewNetns:    {"n"},
		ActDeleteNetns: {"D"},
		ActNewVeth:     {"v"},
		ActNewBridge:   {"b"},
		ActAttach:      {"m"},
		ActDetach:      {"M"},
		ActToggleUp:    {"u"},
		ActAddAddr:     {"a"},
		ActAddRoute:    {"r"},
		ActMoveLink:    {"N"},
		ActDelete:      {"d"},
		ActHistory:     {"H"},
		ActTrace:       {"T"},
		ActLab:         {"L"},
	}
}
