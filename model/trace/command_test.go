package trace

import (
	"strings"
	"testing"
)

// A trace's DEST and SRC: accepted only as one unicast address (and a
// source of the same family); refused in words without raw bytes.
func FuzzParseAddrs(f *testing.F) {
	for _, p := range [][2]string{{"10.0.0.1", ""}, {"fd00::2", "fd00::1"}, {"10.0.0.1", "fd00::1"}, {"0.0.0.0", ""}, {"224.0.0.1", ""}, {"x\x1b", "\xff"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, dstText, srcText string) {
		dst, src, err := ParseAddrs(dstText, srcText)
		if err != nil {
			if strings.ContainsFunc(err.Error(), func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("error for %q carries a raw control byte: %q", dstText+" "+srcText, err)
			}
			return
		}
		if dst == nil || dst.IsUnspecified() || dst.IsMulticast() {
			t.Fatalf("accepted destination %q as %v", dstText, dst)
		}
		if src != nil && (src.To4() == nil) != (dst.To4() == nil) {
			t.Fatalf("accepted %v from %v: families differ", dst, src)
		}
		if src == nil && strings.TrimSpace(srcText) != "" {
			t.Fatalf("source %q dropped", srcText)
		}
	})
}
