package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// Names come from whoever made them. lazyns must show them inertly on a
// terminal, never run them, and give them back exactly in JSON.
func TestHostileNames(t *testing.T) {
	nstest.RequireRoot(t)
	// A name holds no slash, so the marker is relative: were the name ever
	// run by a shell, the file would appear in that shell's directory.
	marker := nstest.Name("pwned")
	nsName := "x`touch " + marker + "`$(touch " + marker + ")\x1b[2J\xff" + nstest.Name("")
	nstest.NetnsNamed(t, nsName)
	ifName := "e\x1b[31m\xfe;$(x)" // 12 bytes: within IFNAMSIZ
	nstest.IP(t, "-n", nsName, "link", "add", ifName, "type", "veth", "peer", "name", "p\a`id`")

	for _, args := range [][]string{{"list"}, {"show"}, {"show", nsName}} {
		code, stdout, stderr := lazyns(t, args...)
		if code != 0 {
			t.Fatalf("lazyns %q: exit %d: %s", args, code, stderr)
		}
		for i := 0; i < len(stdout); i++ {
			if c := stdout[i]; (c < 0x20 && c != '\n') || c == 0x7f {
				t.Fatalf("lazyns %q wrote raw control byte %#x:\n%q", args, c, stdout)
			}
		}
		if !strings.Contains(stdout, `\x1b[2J\xff`) {
			t.Errorf("lazyns %q: the namespace name is not shown escaped:\n%s", args, stdout)
		}
		if args[0] == "show" && !strings.Contains(stdout, `e\x1b[31m\xfe;$(x)`) {
			t.Errorf("lazyns %q: the interface name is not shown escaped:\n%s", args, stdout)
		}
	}

	code, stdout, stderr := lazyns(t, "show", nsName, "--json")
	if code != 0 {
		t.Fatalf("show --json: %d %s", code, stderr)
	}
	if !json.Valid([]byte(stdout)) {
		t.Fatalf("invalid JSON:\n%q", stdout)
	}
	// Go's decoder maps the \udcXX escapes of invalid bytes to U+FFFD, so
	// compare the raw text: the exact bytes must be recoverable from it.
	if !strings.Contains(stdout, `\u001b[2J\udcff`) || !strings.Contains(stdout, `e\u001b[31m\udcfe;$(x)`) {
		t.Errorf("names not exact in JSON:\n%s", stdout)
	}
	for _, dir := range []string{".", "/", os.TempDir()} {
		if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
			t.Fatalf("a namespace name was executed")
		}
	}
}
