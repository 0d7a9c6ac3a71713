package tui

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
	// Hostname is shown in the header; empty means os.Hostname.
	Hostname string
}
