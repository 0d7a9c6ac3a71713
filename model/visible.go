package model

import (
	"strings"
	"unicode/utf8"
)

// Visible returns s with every byte that could act on a terminal made
// visible: control characters (C0, DEL, C1), bytes that are not UTF-8,
// and the Unicode controls that reorder text on screen, each written as
// \xNN or \u{NNNN}. Names of namespaces and interfaces come from whoever
// made them (a container may name its eth0 with an escape sequence); they
// pass through here before they reach a terminal.
func Visible(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHexByte(&b, s[i])
		case r < 0x20 || r == 0x7f:
			writeHexByte(&b, byte(r))
		case r >= 0x80 && r < 0xa0, isBidi(r):
			b.WriteString(`\u{`)
			b.WriteString(strings.ToUpper(hex4(r)))
			b.WriteByte('}')
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return !printableUTF8(s)
		}
	}
	return false
}

func printableUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidi(r) {
			return false
		}
		i += size
	}
	return true
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

func writeHexByte(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}

func hex4(r rune) string {
	const n = 4
	out := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = hexDigits[r&0xf]
		r >>= 4
	}
	return string(out)
}
