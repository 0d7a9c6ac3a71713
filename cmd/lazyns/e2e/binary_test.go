package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The lazyns binary, built once for the whole run on first use, into a
// directory any user can read (setpriv runs it as nobody).
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
	// src is where go test started, inside the module: a test may have
	// moved into a temporary directory by the time the first build runs.
	src string
}

func TestMain(m *testing.M) {
	binary.src, _ = os.Getwd()
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// buildBinary is the path of the lazyns binary built from this tree.
func buildBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "lazyns-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.dir = dir
		if err := os.Chmod(dir, 0o755); err != nil {
			binary.err = err
			return
		}
		bin := filepath.Join(dir, "lazyns")
		build := exec.Command("go", "build", "-o", bin, "github.com/lazyns/lazyns/cmd/lazyns")
		build.Dir = binary.src
		out, err := build.CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		binary.path = bin
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// lazyns runs the binary with args and nothing on its standard input, and
// returns its exit code and output.
func lazyns(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Stdin = strings.NewReader("")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("lazyns %q: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// rawControl finds a control byte (but newline and tab) in s.
func rawControl(s string) (byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return c, true
		}
	}
	return 0, false
}
