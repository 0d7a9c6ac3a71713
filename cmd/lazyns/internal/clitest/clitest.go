// Package clitest holds what the tests of lazyns's command line share,
// in-process and end to end: an environment free of the caller's config,
// config files of their own, /etc/netns files, and a check of Graphviz
// output.
package clitest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/config"
)

// CleanConfigEnv makes the test independent of the caller's environment
// and home: no LAZYNS_* or NO_COLOR, and an empty XDG_CONFIG_HOME, which
// it returns.
func CleanConfigEnv(t testing.TB) string {
	t.Helper()
	for _, k := range []string{config.EnvReadOnly, config.EnvNetnsDir, config.EnvPrompt, config.EnvNoColor} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	return dir
}

// WriteConfig writes a config file holding text and returns its path.
func WriteConfig(t testing.TB, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// RenderDot checks that Graphviz, when installed, renders the graph
// without a complaint.
func RenderDot(t testing.TB, graph string) {
	t.Helper()
	if _, err := exec.LookPath("dot"); err != nil {
		return
	}
	cmd := exec.Command("dot", "-Tsvg")
	cmd.Stdin = strings.NewReader(graph)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil || errb.Len() > 0 {
		t.Errorf("dot -Tsvg: %v %s", err, errb.String())
	}
}

// EtcNetns makes /etc/netns/NAME/resolv.conf, removed at the end, and
// returns the line it holds (exec and shell mount it over /etc).
func EtcNetns(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("/etc/netns", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	line := "nameserver 192.0.2.53 # lazyns test " + name
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return line
}
