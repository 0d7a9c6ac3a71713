package model

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// AppendJSONString writes s as a JSON string. Names come from whoever made
// them and need not be UTF-8; encoding/json would turn a stray byte into
// U+FFFD and lose it. Here each byte that is not part of valid UTF-8 is
// written as the lone surrogate \udcXX (Python's "surrogateescape"), so the
// exact bytes can be recovered, and the output is still plain ASCII JSON.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, '\\', 'u', 'd', 'c', hexDigits[c>>4], hexDigits[c&0xf])
			i++
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
