package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
)

func TestCompletionScripts(t *testing.T) {
	clitest.CleanConfigEnv(t)
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, stdout, stderr := lazyns(t, "completion", shell)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, %d bytes without __complete", shell, code, stderr, len(stdout))
			continue
		}
		// Syntax check with the shell itself where it is installed.
		if path, err := exec.LookPath(shell); err == nil {
			check := "-n"
			if shell == "fish" {
				check = "--no-execute"
			}
			cmd := exec.Command(path, check)
			cmd.Stdin = strings.NewReader(stdout)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s -n on the script: %v\n%s", shell, err, out)
			}
		}
	}
	if code, _, _ := lazyns(t, "completion", "tcsh"); code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
	// The script must not depend on the config file: make install runs it.
	bad := clitest.WriteConfig(t, "nonsense = 1\n")
	if code, _, stderr := lazyns(t, "--config", bad, "completion", "bash"); code != 0 {
		t.Errorf("completion with a bad config: exit %d, %s", code, stderr)
	}
}

// lab down completes only the labs whose record says they are up.
func TestCompleteLabDownOffersLabsThatAreUp(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "router.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ := lazyns(t, "__complete", "lab", "down", "--state-dir", dir, "")
	if got := strings.Fields(out); len(got) != 2 || got[0] != "router" {
		t.Errorf("lab down completes %q, want router only", out)
	}
	_, out, _ = lazyns(t, "__complete", "lab", "up", "--state-dir", dir, "")
	if !strings.Contains(out, "veth") || !strings.Contains(out, "openstack") {
		t.Errorf("lab up completes %q, want every lab", out)
	}
}
