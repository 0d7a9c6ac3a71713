package pty

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A prompt template (from --prompt, $LAZYNS_PROMPT or the config file) and
// a namespace name (anyone's) never put a control byte or invalid UTF-8 in
// the prompt, and a short plain name always shows.
func FuzzPromptText(f *testing.F) {
	for _, p := range [][2]string{{DefaultPrompt, "blue"}, {"({ns}) ", "a\x1bb"}, {"{ns}\a> ", "\xff$(id)"}, {"{ns}{ns}", "\u202eevil"}, {"", ""}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, template, name string) {
		got := PromptText(template, name)
		for i := 0; i < len(got); i++ {
			if c := got[i]; c < 0x20 || c == 0x7f {
				t.Fatalf("PromptText(%q, %q) = %q keeps byte %#x", template, name, got, c)
			}
		}
		if !utf8.ValidString(got) {
			t.Fatalf("PromptText(%q, %q) = %q is not UTF-8", template, name, got)
		}
		if plain := "blue"; strings.Contains(template, "{ns}") && !strings.Contains(PromptText(template, plain), plain) {
			t.Fatalf("template %q loses the name", template)
		}
	})
}
