package tui

import "time"

// Options are the settings the UI starts with (flags and config file).
type Options struct {
	ReadOnly bool
	NoColor  bool
	// Theme is "auto" (ask the terminal for its background), "dark" or "light".
	Theme string
	// Keys replaces the keys of the named actions (see DefaultKeys).
	Keys map[string][]string
	// Prompt is the shell prompt template; "{ns}" stands for the namespace.
	Prompt   string
	NetnsDir string
	// Colors maps a text role (the names of [colors] in the config file) to
	// a lipgloss colour; "" keeps the terminal's own.
	Colors map[string]string
	// Refresh is 0 to follow the kernel live, an interval to poll instead,
	// or negative to read again only on ctrl+r.
	Refresh time.Duration
	// Hostname is shown in the header; empty means os.Hostname.
	Hostname string
	// Filter is the namespace filter the UI starts with (--filter).
	Filter string
	// Unprivileged is what lazyns lacks to see inside other namespaces and
	// change any ("needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)", as
	// nsops.Privileges says), "" when it has it all. The change keys are
	// then hidden and refused, and the header says what the list is.
	Unprivileged string
}
