package tui

import (
	"strings"

	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// terminalText makes a command's output safe to draw inside the UI: colour
// (SGR) sequences are kept, tabs expanded, CR LF read as a line end, and
// every other control byte — cursor movement, screen clearing, titles —
// shown as text by model.Visible, so the command cannot disturb the screen.
func terminalText(out []byte) []string {
	s := strings.ReplaceAll(string(out), "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	raw := strings.Split(s, "\n")
	lines := make([]string, len(raw))
	for i, l := range raw {
		lines[i] = sanitizeLine(l)
	}
	return lines
}

func sanitizeLine(l string) string {
	var b strings.Builder
	col := 0
	text := func(t string) {
		for j, part := range strings.Split(t, "\t") {
			if j > 0 {
				n := 8 - col%8
				b.WriteString(strings.Repeat(" ", n))
				col += n
			}
			v := model.Visible(part)
			b.WriteString(v)
			col += displaywidth.String(v)
		}
	}
	start := 0
	for i := 0; i < len(l); i++ {
		if l[i] != 0x1b {
			continue
		}
		if n := sgrLen(l[i:]); n > 0 {
			text(l[start:i])
			b.WriteString(l[i : i+n])
			i += n - 1
			start = i + 1
		}
	}
	text(l[start:])
	if strings.Contains(b.String(), "\x1b[") {
		b.WriteString("\x1b[m")
	}
	return b.String()
}

// sgrLen is the length of the SGR sequence (ESC [ digits ; … m) s starts
// with, or 0 if it starts with anything else.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}
