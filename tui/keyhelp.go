package tui

// KeyHelpEntry is one binding as documentation shows it: "j/↓", "down".
type KeyHelpEntry struct{ Keys, Desc string }

// KeyGroup is a titled group of bindings, in the help screen's order.
type KeyGroup struct {
	Title   string
	Entries []KeyHelpEntry
}

// KeyHelp lists the bindings of keys (DefaultKeys with overrides laid over
// it) as the help screen groups them, so the man page says what `?` says.
func KeyHelp(keys map[string][]string) []KeyGroup {
	km := newKeyMap(keys)
	var out []KeyGroup
	for _, g := range actionGroups {
		kg := KeyGroup{Title: g.title}
		for _, a := range g.actions {
			b := km.b[a]
			if len(b.Keys()) == 0 {
				continue
			}
			kg.Entries = append(kg.Entries, KeyHelpEntry{Keys: b.Help().Key, Desc: b.Help().Desc})
		}
		out = append(out, kg)
	}
	return out
}
