package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/lazyns/lazyns/model"
	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"
)

func init() { register(newConfigCmd) }

func newConfigCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "The configuration in effect, and where each value came from",
		Long: `Print the settings lazyns runs with, as TOML that can serve as a config file,
each line followed by where its value came from: "default", the config file and
line, "env NAME" or "flag --name".

Settings are read, each overriding the one before, from: defaults, the config
file ($XDG_CONFIG_HOME/lazyns/config.toml, by default ~/.config/lazyns/config.toml,
or --config FILE), the environment (LAZYNS_READ_ONLY, LAZYNS_NETNS_DIR,
LAZYNS_PROMPT, NO_COLOR), and flags. A missing file is fine; a bad one stops
lazyns with its file, line and what is wrong, unless --ignore-config is given.

The file:

    read_only = true          # refuse every change (--write lifts it once)
    netns_dir = "/run/netns"
    prompt = '({ns}) '                # put before your own prompt; {ns}: the namespace
    theme = "auto"            # dark, light or auto
    no_color = false
    refresh = "live"          # live, manual, or an interval such as "5s"

    [colors]                  # name, ifname, up, down, mac, inet, inet6, dim, warn, header
    up = "bright-green"       # a name, a number 0-255 or "#rrggbb"

    [keys]                    # an action = a key or a list of keys
    shell = ["S", "ctrl+s"]`,
		Example: `  lazyns config
  lazyns --config /etc/lazyns.toml config
  LAZYNS_READ_ONLY=1 lazyns config | grep read_only
  lazyns config > ~/.config/lazyns/config.toml   # a starting point`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.cfg.eff.write(a.stdout)
		},
	}
}

// write prints the settings as commented TOML.
func (s *settings) write(w io.Writer) error {
	var b strings.Builder
	switch {
	case s.file != "":
		fmt.Fprintf(&b, "# config file: %s\n", tomlComment(s.file))
	case s.missing:
		b.WriteString("# config file: none (nothing readable at the default path)\n")
	default:
		b.WriteString("# config file: not read\n")
	}
	top := []tomlLine{
		line("read_only", s.readOnly.val, s.readOnly.from),
		line("netns_dir", s.netnsDir.val, s.netnsDir.from),
		line("prompt", s.prompt.val, s.prompt.from),
		line("theme", s.theme.val, s.theme.from),
		line("no_color", s.noColor.val, s.noColor.from),
		line("refresh", s.refresh.val, s.refresh.from),
	}
	var colors, keys []tomlLine
	for _, role := range sortedKeys(s.colors) {
		colors = append(colors, line(role, s.colors[role].val, s.colors[role].from))
	}
	for _, action := range sortedKeys(s.keys) {
		keys = append(keys, line(action, s.keys[action].val, s.keys[action].from))
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
