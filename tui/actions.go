// Package tui is the lazyns terminal UI.
package tui

// Action names are how the help screen, the config file ([keys]) and the
// key tables refer to each binding that can be remapped.
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
