package config

import (
	"fmt"
	"io"
	"strings"

	"github.com/lazyns/lazyns/model"
	"github.com/pelletier/go-toml/v2"
)

// Write prints the settings as commented TOML, each line followed by where
// its value came from (lazyns config).
func (s *Settings) Write(w io.Writer) error {
	var b strings.Builder
	switch {
	case s.File != "":
		fmt.Fprintf(&b, "# config file: %s\n", tomlComment(s.File))
	case s.Missing:
		b.WriteString("# config file: none (nothing readable at the default path)\n")
	default:
		b.WriteString("# config file: not read\n")
	}
	top := []tomlLine{
		line("read_only", s.ReadOnly.Val, s.ReadOnly.From),
		line("netns_dir", s.NetnsDir.Val, s.NetnsDir.From),
		line("prompt", s.Prompt.Val, s.Prompt.From),
		line("theme", s.Theme.Val, s.Theme.From),
		line("no_color", s.NoColor.Val, s.NoColor.From),
		line("refresh", s.Refresh.Val, s.Refresh.From),
	}
	var colors, keys []tomlLine
	for _, role := range sortedKeys(s.Colors) {
		colors = append(colors, line(role, s.Colors[role].Val, s.Colors[role].From))
	}
	for _, action := range sortedKeys(s.Keys) {
		keys = append(keys, line(action, s.Keys[action].Val, s.Keys[action].From))
	}
	writeLines(&b, top)
	b.WriteString("\n[colors]\n")
	writeLines(&b, colors)
	b.WriteString("\n[keys]\n")
	writeLines(&b, keys)
	_, err := io.WriteString(w, b.String())
	return err
}

type tomlLine struct{ text, from string }

// line formats key = value with the TOML library, so any value (a prompt
// with quotes or control characters) comes out as valid TOML.
func line(key string, v any, from string) tomlLine {
	out, err := toml.Marshal(map[string]any{key: v})
	if err != nil {
		// Only strings, bools and string lists reach here: never.
		return tomlLine{fmt.Sprintf("%s = %q", key, v), from}
	}
	return tomlLine{strings.TrimSuffix(string(out), "\n"), from}
}

func writeLines(b *strings.Builder, lines []tomlLine) {
	width := 0
	for _, l := range lines {
		width = max(width, len(l.text))
	}
	for _, l := range lines {
		fmt.Fprintf(b, "%-*s  # %s\n", width, l.text, tomlComment(l.from))
	}
}

// tomlComment keeps a path with control characters in it from ending the
// comment or reaching the terminal.
func tomlComment(s string) string { return model.Visible(s) }
