package tui

// Deps are everything the UI reads the host through and changes it by,
// in one value: cmd/lazyns fills them with nsops and pty, tests with fakes.
// Only Source is required; a key whose dependency is nil says it is not
// available in this build.
type Deps struct {
	Source  Source
	Runner  Runner  // s and x
	Changer Changer // the change keys
	Labs    Labs    // L
	Tracer  Tracer  // T
	// Capturer captures packets for c.
	Capturer Capturer
}
