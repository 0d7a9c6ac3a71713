package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The command a hint names runs this binary: its name when PATH leads
// there, else the path it was run as, made absolute.
func TestSelfCommand(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	onPath, other := t.TempDir(), t.TempDir()
	if err := os.Symlink(exe, filepath.Join(onPath, "lazyns")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "lazyns"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(exe))
	rel := "./" + filepath.Base(exe)
	for _, c := range []struct{ path, runAs, want string }{
		{onPath, rel, "lazyns"},         // installed: the short name
		{onPath, exe, "lazyns"},         // installed, run by its full path
		{other, rel, exe},               // another lazyns on PATH: not that one
		{other, exe, exe},               //
		{"/nonexistent", rel, exe},      // not on PATH: the path, absolute
		{"/nonexistent", "lazyns", exe}, // a name that leads nowhere now
	} {
		t.Setenv("PATH", c.path)
		if got := selfCommand(c.runAs); got != c.want {
			t.Errorf("PATH=%s, run as %s: %q, want %q", c.path, c.runAs, got, c.want)
		}
	}
}
