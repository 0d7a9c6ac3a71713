package model

import "strings"

// ShellQuote quotes s for a POSIX shell so that it stays one word and
// nothing in it is expanded. Used for the ip commands lazyns shows and
// writes: a name like x$(id) must reach ip as exactly those bytes.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_./:@%+=,", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	if isPrintableASCII(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	// Bytes a terminal would act on are written as $'\xNN' so a script
	// shows them inertly yet passes the exact bytes to ip (bash, zsh, ksh).
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
