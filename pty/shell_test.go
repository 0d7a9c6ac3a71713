package pty

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// screen collects what the shell prints, for waiting on.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *screen) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("never saw %q; the terminal shows:\n%q", want, s.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// locate finds a namespace the way the command line does.
func locate(t *testing.T, arg string) *model.Namespace {
	t.Helper()
	sys, err := nsops.New("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	ns, err := sys.Target(arg)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// session is a shell started through the pty package, typed into through
// a pipe, its terminal output collected.
type session struct {
	sh    *Shell
	keys  *os.File
	out   *screen
	done  chan error
	input *os.File
}

func startShell(t *testing.T, ns *model.Namespace, opt Options) *session {
	t.Helper()
	sh, err := NewShell(ns, opt)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &session{sh: sh, keys: w, out: &screen{}, done: make(chan error, 1), input: r}
	sh.SetStdin(r)
	sh.SetStdout(s.out)
	sh.SetStderr(s.out)
	go func() { s.done <- sh.Run() }()
	t.Cleanup(func() { w.Close(); r.Close() })
	return s
}

func (s *session) typeLine(t *testing.T, line string) {
	t.Helper()
	if _, err := s.keys.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
}

func (s *session) wait(t *testing.T) {
	t.Helper()
	defer s.keys.Close()
	defer s.input.Close()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("shell: %v\n%q", err, s.out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the shell did not exit; the terminal shows:\n%q", s.out.String())
	}
}

// homeWith makes a home directory holding the given files, as $HOME.
func homeWith(t *testing.T, files map[string]string) {
	t.Helper()
	home := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(home, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv(NetnsEnv, "")
	os.Unsetenv(NetnsEnv)
	t.Setenv(PromptEnv, "")
}

func requireShell(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		nstest.RequireTool(t, filepath.Base(path))
	}
}

func TestShellInNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct {
		shell, rcName, rc, userPrompt string
	}{
		// The user's ~/.bashrc is read: its prompt follows ours.
		{"/bin/bash", ".bashrc", "PS1='mine\\$ '\n", "mine# "},
		// A prompt rebuilt before each prompt (starship, git prompts) keeps
		// the prefix too.
		{"/bin/bash", ".bashrc", "PROMPT_COMMAND='PS1=\"dyn\\$ \"'\n", "dyn$ "},
		// The user's $ENV file is read by sh.
		{"/bin/dash", "env.sh", "PS1='mine# '\n", "mine# "},
		{"/bin/sh", "env.sh", "PS1='mine# '\n", "mine# "},
		// zsh reads the user's .zshrc through ZDOTDIR.
		{"/usr/bin/zsh", ".zshrc", "PROMPT='mine%# '\n", "mine# "},
	} {
		t.Run(filepath.Base(tc.shell), func(t *testing.T) {
			requireShell(t, tc.shell)
			home := nstest.HomeNamespace(t)
			homeWith(t, map[string]string{tc.rcName: tc.rc})
			t.Setenv("ENV", filepath.Join(os.Getenv("HOME"), "env.sh"))
			name := nstest.Netns(t)
			ns := locate(t, name)

			s := startShell(t, ns, Options{Shell: tc.shell, Color: true})
			prompt := promptColor + "[netns " + name + "] \x1b[0m" + tc.userPrompt
			s.out.waitFor(t, prompt)
			s.typeLine(t, "readlink /proc/self/ns/net; echo \"<$LAZYNS_NETNS>\"; exit 7")
			s.wait(t)
			out := s.out.String()
			if want := nstest.NetnsInode(t, "/run/netns/"+name); !strings.Contains(out, want+"\r\n") {
				t.Errorf("the shell is not in %s:\n%q", want, out)
			}
			if !strings.Contains(out, "<"+name+">\r\n") {
				t.Errorf("LAZYNS_NETNS is not %q:\n%q", name, out)
			}
			if code := s.sh.ExitCode(); code != 7 {
				t.Errorf("exit code %d, want 7", code)
			}
			nstest.WaitThreadsHome(t, home)
		})
	}
}

// A namespace may be called anything ip netns accepts: the prompt shows
// the name, made visible, and no shell runs any of it.
func TestShellHostileName(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct{ shell, rc, name string }{
		{"/bin/bash", "", "\x1b[1m%d"},
		{"/bin/bash", "", "$(touch p)"},
		{"/bin/bash", "shopt -u promptvars\n", "\x1b[1m%d"},
		{"/bin/bash", "shopt -u promptvars\n", "$(touch p)"},
		{"/bin/dash", "", "\x1b[1m%d"},
		{"/bin/dash", "", "$(touch p)"},
		{"/usr/bin/zsh", "", "\x1b[1m%d"},
		{"/usr/bin/zsh", "", "$(touch p)"},
		{"/usr/bin/zsh", "setopt prompt_subst\n", "\x1b[1m%d"},
		{"/usr/bin/zsh", "setopt prompt_subst\n", "$(touch p)"},
	} {
		t.Run(filepath.Base(tc.shell)+" "+tc.rc, func(t *testing.T) {
			requireShell(t, tc.shell)
			homeWith(t, map[string]string{".bashrc": tc.rc, ".zshrc": tc.rc})
			dir := t.TempDir()
			t.Chdir(dir)
			// Both the name and the prompt template carry what a shell
			// would run or interpret; the working directory is the test's
			// own, so the marker file p cannot collide.
			name := tc.name + nstest.Name("")
			template := "`id`$(touch p)\\w<{ns}> "
			nstest.NetnsNamed(t, name)
			ns := locate(t, name)

			s := startShell(t, ns, Options{Shell: tc.shell, Prompt: template})
			prompt := "`id`$(touch p)\\w<" + model.Visible(name) + "> "
			if got := PromptText(template, name); got != prompt {
				t.Fatalf("prompt text %q, want %q", got, prompt)
			}
			s.out.waitFor(t, prompt)
			s.typeLine(t, "echo; echo shown; exit")
			s.wait(t)
			out := s.out.String()
			if _, err := os.Stat(filepath.Join(dir, "p")); err == nil {
				t.Errorf("the prompt was run: p exists")
			}
			if strings.Contains(out, "uid=") || strings.Contains(out, "\x1b[1m%d") {
				t.Errorf("the name was run or reached the terminal raw:\n%q", out)
			}
			if !strings.Contains(out, "shown") {
				t.Errorf("the shell did not run the typed command:\n%q", out)
			}
		})
	}
}

func TestShellNested(t *testing.T) {
	nstest.RequireRoot(t)
	requireShell(t, "/bin/dash")
	homeWith(t, nil)
	t.Setenv(NetnsEnv, "outer")
	ns := locate(t, nstest.Netns(t))
	s := startShell(t, ns, Options{Shell: "/bin/dash"})
	s.out.waitFor(t, "already in a lazyns shell in outer")
	s.typeLine(t, "exit")
	s.wait(t)
}

func TestShellMissing(t *testing.T) {
	ns := &model.Namespace{Host: true}
	if _, err := NewShell(ns, Options{Shell: "/nonexistent/zsh"}); err == nil || !strings.Contains(err.Error(), "/nonexistent/zsh") {
		t.Errorf("missing shell: %v", err)
	}
	t.Setenv("SHELL", "/nonexistent/fish")
	if _, err := NewShell(ns, Options{}); err == nil || !strings.Contains(err.Error(), "$SHELL") {
		t.Errorf("missing $SHELL: %v", err)
	}
}

func TestPromptText(t *testing.T) {
	for _, tc := range []struct{ template, name, want string }{
		{DefaultPrompt, "blue", "[netns blue] "},
		{DefaultPrompt, "qrouter-e945b6b1-54be-49ef-95ed-5d524d2f3616", "[netns qrouter-e945b6b1…] "},
		{"({ns}) ", "a\x1bb", `(a\x1bb) `},
		{"{ns}\x07> ", "n", `n\x07> `},
	} {
		if got := PromptText(tc.template, tc.name); got != tc.want {
			t.Errorf("PromptText(%q, %q) = %q, want %q", tc.template, tc.name, got, tc.want)
		}
	}
}

// A job left running in the background holds the terminal open: the
// shell still returns when the shell itself exits, and leaks nothing.
func TestShellBackgroundJobNoLeak(t *testing.T) {
	nstest.RequireRoot(t)
	requireShell(t, "/bin/dash")
	home := nstest.HomeNamespace(t)
	homeWith(t, nil)
	ns := locate(t, nstest.Netns(t))
	round := func(script string) {
		s := startShell(t, ns, Options{Shell: "/bin/dash"})
		s.typeLine(t, script)
		s.wait(t)
	}
	began := time.Now()
	round("sleep 3 & exit")
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("the shell took %v to return with a background job", took)
	}
	nstest.AssertNoLeak(t, home, 20, func() { round("exit") })
}

// What could not be set up inside is said before the shell starts, and
// the shell still starts.
func TestShellWarnings(t *testing.T) {
	nstest.RequireRoot(t)
	requireShell(t, "/bin/dash")
	homeWith(t, nil)
	name := nstest.Netns(t)
	etc := filepath.Join(nsops.EtcNetnsDir, name)
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(etc) })
	if err := os.WriteFile(filepath.Join(etc, "lazyns-no-such-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := startShell(t, locate(t, name), Options{Shell: "/bin/dash"})
	s.out.waitFor(t, "lazyns: warning: bind /etc/netns/"+name+"/lazyns-no-such-file over /etc/lazyns-no-such-file")
	s.typeLine(t, "echo started; exit")
	s.wait(t)
	if !strings.Contains(s.out.String(), "started") {
		t.Errorf("the shell did not start:\n%q", s.out.String())
	}
}
