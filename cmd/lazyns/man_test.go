package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestManPagesRenderWithoutWarnings(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("groff is not installed (apt-get install groff-base)")
		}
		t.Skip("groff is not installed")
	}
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	if code, _, stderr := lazyns(t, "man", dir); code != 0 {
		t.Fatalf("lazyns man: exit %d: %s", code, stderr)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	want := map[string]bool{"lazyns.1": true, "lazyns-show.1": true, "lazyns-list.1": true, "lazyns-config.1": true, "lazyns-completion.1": true}
	for _, p := range pages {
		delete(want, filepath.Base(p))
		cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", p)
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("groff -man -Tutf8 -ww %s: %v\n%s", filepath.Base(p), err, out)
		}
	}
	if len(want) > 0 {
		t.Errorf("pages missing: %v (have %v)", want, pages)
	}
	main, err := os.ReadFile(filepath.Join(dir, "lazyns.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{".SH KEYS", "new veth pair", ".SH ENVIRONMENT", "LAZYNS_READ_ONLY", ".SH FILES", "config.toml", ".SH SEE ALSO", "lazyns-show(1)", "ip\\-netns(8)", "Nov 2023"} {
		if !strings.Contains(string(main), s) {
			t.Errorf("lazyns.1 lacks %q", s)
		}
	}
	for _, p := range pages {
		b, _ := os.ReadFile(p)
		for _, r := range string(b) {
			if r >= 0x80 {
				t.Errorf("%s: %q is not escaped for groff", filepath.Base(p), r)
				break
			}
		}
	}
}

// Every command's --help shows an example.
func TestEveryCommandHasAnExample(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() != "help" && !strings.HasPrefix(c.Name(), "__") && strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(&app{}))
}
