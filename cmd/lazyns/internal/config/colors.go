package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// defaultColors are the colours of ip -c; "" is the terminal's own colour
// (names and headers are bold, dim text faint).
var defaultColors = map[string]string{
	"name": "", "ifname": "cyan", "up": "green", "down": "red", "mac": "yellow",
	"inet": "magenta", "inet6": "blue", "dim": "", "warn": "red", "header": "",
}

var basicColors = []string{"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"}

// parseColor reads a colour as written in the config: "" (the terminal's),
// a name ("red", "bright-red"), an ANSI number 0–255 or "#rrggbb". It returns
// the colour as lipgloss.Color takes it: "" , "0"…"255" or "#rrggbb".
func parseColor(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	for i, name := range basicColors {
		if s == name {
			return strconv.Itoa(i), nil
		}
		if s == "bright-"+name {
			return strconv.Itoa(i + 8), nil
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 255 && strconv.Itoa(n) == s {
		return s, nil
	}
	if len(s) == 7 && s[0] == '#' {
		if _, err := strconv.ParseUint(s[1:], 16, 32); err == nil {
			return strings.ToLower(s), nil
		}
	}
	return "", fmt.Errorf(`%q is not a colour (a name such as "cyan" or "bright-red", a number 0-255, or "#rrggbb")`, s)
}

// Color is the effective colour of a role in lipgloss form.
func (s *Settings) Color(role string) string {
	// Checked when read: a bad colour never gets this far.
	parsed, _ := parseColor(s.Colors[role].Val)
	return parsed
}

// UIColors are the effective [colors] by role name, in lipgloss.Color form
// ("" is the terminal's own colour), for the UI's styles.
func (s *Settings) UIColors() map[string]string {
	out := make(map[string]string, len(model.RoleNames))
	for role := range model.RoleNames {
		out[role] = s.Color(role)
	}
	return out
}
