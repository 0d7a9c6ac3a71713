package nsops

import (
	"os"
	"path/filepath"
	"testing"
)

// A rule's ipproto is named as getprotobynumber(3) names it: the first
// name /etc/protocols gives a number.
func TestReadProtocols(t *testing.T) {
	path := filepath.Join(t.TempDir(), "protocols")
	text := "# comment\nip\t0\tIP\nhopopt\t0\tHOPOPT\ntcp\t6\tTCP\t# transmission control\nbad\tx\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got := readProtocols(path)
	if len(got) != 2 || got[0] != "ip" || got[6] != "tcp" {
		t.Errorf("readProtocols: %v, want 0 ip and 6 tcp", got)
	}
	if got := readProtocols(filepath.Join(t.TempDir(), "none")); len(got) != 0 {
		t.Errorf("a missing file gives %v", got)
	}
}
