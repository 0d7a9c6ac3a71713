package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lazyns/lazyns/tui"
)

// keyMap checks [keys] and returns the remapped actions, each with its keys
// in the form Bubble Tea prints them (tea.KeyPressMsg.String), so the UI can
// compare them as they are. Two actions on one key is an error naming both.
func (f *configFile) keyMap() (map[string][]string, error) {
	defaults := tui.DefaultKeys()
	remap := map[string][]string{}
	for _, action := range sortedKeys(f.Keys) {
		at := "keys." + action
		if _, ok := defaults[action]; !ok {
			return nil, f.errorf(at, "unknown action %q in [keys] (lazyns config lists them)", action)
		}
		raw, ok := keyStrings(f.Keys[action])
		if !ok {
			return nil, f.errorf(at, `keys.%s must be a key such as "S" or a list such as ["S", "ctrl+s"]`, action)
		}
		keys := make([]string, 0, len(raw))
		for _, k := range raw {
			canon, err := canonicalKey(k)
			if err != nil {
				return nil, f.errorf(at, "keys.%s: %v", action, err)
			}
			keys = append(keys, canon)
		}
		remap[action] = keys
	}
	for action, keys := range remap {
		defaults[action] = keys
	}
	owner := map[string]string{}
	for _, action := range sortedKeys(defaults) {
		for _, k := range defaults[action] {
			other, taken := owner[k]
			if !taken {
				owner[k] = action
				continue
			}
			// Point at a line the user wrote: the action they remapped.
			at := action
			if _, ok := remap[at]; !ok {
				at = other
			}
			return nil, f.errorf("keys."+at, "key %q is bound to both %s and %s: give one of them another key in [keys]", k, other, action)
		}
	}
	return remap, nil
}

// keyStrings accepts "k" or ["k", ...].
func keyStrings(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// keyModifiers in the order Bubble Tea prints them.
var keyModifiers = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// keyNames are the named keys of Bubble Tea v2 that make sense to bind
// (its parser is not exported, so a misspelt key would otherwise just never
// match).
var keyNames = map[string]bool{
	"enter": true, "tab": true, "backspace": true, "esc": true, "space": true,
	"up": true, "down": true, "left": true, "right": true, "home": true, "end": true,
	"pgup": true, "pgdown": true, "insert": true, "delete": true,
}

// canonicalKey checks a key such as "ctrl+r", "G", "f5" or "shift+tab" and
// puts its modifiers in Bubble Tea's order.
func canonicalKey(k string) (string, error) {
	if k == "" {
		return "", fmt.Errorf(`empty key ("" matches nothing)`)
	}
	// The base key is after the last "+", unless the key is "+" itself.
	prefix, base := "", k
	switch i := strings.LastIndexByte(k, '+'); {
	case strings.HasSuffix(k, "++"):
		prefix, base = k[:len(k)-2], "+"
	case i > 0 && i < len(k)-1:
		prefix, base = k[:i], k[i+1:]
	}
	var parts []string
	if prefix != "" {
		parts = strings.Split(prefix, "+")
	}
	mods := map[string]bool{}
	for _, m := range parts {
		if !isModifier(m) {
			return "", fmt.Errorf("key %q: unknown modifier %q (use %s, lower case)", k, m, strings.Join(keyModifiers, ", "))
		}
		mods[m] = true
	}
	if !validKeyBase(base) {
		return "", fmt.Errorf(`key %q: %q is not a key (a character such as "S", "f1"…"f24", or one of %s)`, k, base, strings.Join(sortedKeys(keyNames), ", "))
	}
	var out []string
	for _, m := range keyModifiers {
		if mods[m] {
			out = append(out, m)
		}
	}
	return strings.Join(append(out, base), "+"), nil
}

func isModifier(m string) bool {
	for _, x := range keyModifiers {
		if m == x {
			return true
		}
	}
	return false
}

func validKeyBase(b string) bool {
	if keyNames[b] {
		return true
	}
	if r, size := utf8.DecodeRuneInString(b); size == len(b) && r != utf8.RuneError {
		return unicode.IsPrint(r) && !unicode.IsSpace(r)
	}
	var n int
	if _, err := fmt.Sscanf(b, "f%d", &n); err == nil && fmt.Sprintf("f%d", n) == b {
		return n >= 1 && n <= 24
	}
	return false
}
