package config

import (
	"testing"

	"github.com/lazyns/lazyns/tui"
)

func TestDefaultKeysHaveNoConflict(t *testing.T) {
	f := &configFile{path: "defaults"}
	if _, err := f.keyMap(); err != nil {
		t.Fatal(err)
	}
	for action, keys := range tui.DefaultKeys() {
		for _, k := range keys {
			if c, err := canonicalKey(k); err != nil || c != k {
				t.Errorf("default key %q of %s: canonical %q, %v", k, action, c, err)
			}
		}
	}
}

func TestCanonicalKey(t *testing.T) {
	good := map[string]string{
		"a": "a", "G": "G", "?": "?", "+": "+", "ctrl++": "ctrl++", "é": "é",
		"alt+shift+ctrl+x": "ctrl+alt+shift+x", "f12": "f12", "shift+tab": "shift+tab", "space": "space",
	}
	for in, want := range good {
		if got, err := canonicalKey(in); err != nil || got != want {
			t.Errorf("canonicalKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", "ctrl+", "Ctrl+a", "ctl+a", "f0", "f25", "F1", "enterr", "\x1b", "ab"} {
		if got, err := canonicalKey(bad); err == nil {
			t.Errorf("canonicalKey(%q) = %q, want an error", bad, got)
		}
	}
}
