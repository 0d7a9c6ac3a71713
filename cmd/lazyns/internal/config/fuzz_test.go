package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noRawControl fails when a message printed on a terminal carries a
// control byte from its input.
func noRawControl(t *testing.T, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, c := range []byte(err.Error()) {
		if c < 0x20 && c != '\n' || c == 0x7f {
			t.Fatalf("error for %q carries raw control byte %#x: %q", in, c, err)
		}
	}
}

// A key as written in [keys]: checked without panicking, refused in words,
// and once accepted its canonical form is accepted as itself.
func FuzzCanonicalKey(f *testing.F) {
	for _, s := range []string{"S", "ctrl+r", "shift+tab", "+", "ctrl++", "alt+ctrl+x", "f24", "f25", "ctrl+", "\x1b", "é", " "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, k string) {
		canon, err := canonicalKey(k)
		noRawControl(t, k, err)
		if err != nil {
			return
		}
		again, err := canonicalKey(canon)
		if err != nil || again != canon {
			t.Fatalf("%q → %q, which reads back as %q (%v)", k, canon, again, err)
		}
	})
}

// A colour, theme or refresh as written in the config file.
func FuzzConfigValues(f *testing.F) {
	for _, s := range []string{"", "red", "bright-cyan", "255", "256", "#A0b0C0", "#zzzzzz", "live", "5s", "1ns", "dark", "\x1b[31m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseColor(s)
		noRawControl(t, s, err)
		if err == nil && c != "" && !strings.HasPrefix(c, "#") {
			if len(c) > 3 || strings.Trim(c, "0123456789") != "" {
				t.Fatalf("colour %q read as %q", s, c)
			}
		}
		noRawControl(t, s, checkTheme(s))
		noRawControl(t, s, checkRefresh(s))
	})
}

// A whole config file: read and checked without panicking; a bad one is
// refused in one message with no raw control byte of the file's.
func FuzzConfigFile(f *testing.F) {
	for _, s := range []string{
		"read_only = true\nprompt = '({ns}) '\n",
		"[keys]\nshell = [\"z\", \"ctrl+s\"]\n",
		"[colors]\nup = \"green\"\n",
		"theme = \"neon\"\n",
		"[keys]\nquit = \"j\"\n",
		"refresh = \"\x1b[2J\"\n",
		"x = 1\n",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := readConfigFile(path)
		noRawControl(t, content, err)
	})
}
