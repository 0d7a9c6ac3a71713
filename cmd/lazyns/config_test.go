package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/tui"
)

// cleanConfigEnv makes the test independent of the caller's environment and
// home: no LAZYNS_* or NO_COLOR, and an empty XDG_CONFIG_HOME.
func cleanConfigEnv(t *testing.T) string {
	t.Helper()
	for _, k := range []string{envReadOnly, envNetnsDir, envPrompt, envNoColor} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	return dir
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// configured runs lazyns with args and returns the app as it was left, to
// look at the effective settings.
func configured(t *testing.T, args ...string) (*app, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	root := newRoot(a)
	root.SetArgs(args)
	err := root.Execute()
	t.Cleanup(a.close)
	return a, out.String() + errb.String(), err
}

func TestConfigPrecedence(t *testing.T) {
	cleanConfigEnv(t)
	path := writeConfig(t, `read_only = true
netns_dir = "/from/file"
prompt = "file {ns}> "
theme = "light"
`)
	// The file alone.
	a, out, err := configured(t, "--config", path, "config")
	if err != nil {
		t.Fatalf("config: %v\n%s", err, out)
	}
	if !a.readOnly || a.netnsDir != "/from/file" || a.uiOptions().Prompt != "file {ns}> " || a.uiOptions().Theme != "light" {
		t.Errorf("file not applied: readOnly %v netnsDir %q options %+v", a.readOnly, a.netnsDir, a.uiOptions())
	}
	for _, want := range []string{
		"read_only = true", path + ":1",
		"netns_dir = '/from/file'", path + ":2",
		"theme = 'light'", path + ":4",
		"refresh = 'live'", "# default",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lazyns config lacks %q:\n%s", want, out)
		}
	}

	// The environment over the file.
	t.Setenv(envNetnsDir, "/from/env")
	t.Setenv(envPrompt, "env> ")
	t.Setenv(envReadOnly, "0")
	t.Setenv(envNoColor, "1")
	a, out, err = configured(t, "--config", path, "config")
	if err != nil {
		t.Fatal(err)
	}
	if a.readOnly || a.netnsDir != "/from/env" || a.uiOptions().Prompt != "env> " || !a.noColor || !a.uiOptions().NoColor {
		t.Errorf("env not over file: readOnly %v netnsDir %q options %+v", a.readOnly, a.netnsDir, a.uiOptions())
	}
	for _, want := range []string{"# env LAZYNS_NETNS_DIR", "# env LAZYNS_PROMPT", "# env LAZYNS_READ_ONLY", "# env NO_COLOR"} {
		if !strings.Contains(out, want) {
			t.Errorf("lazyns config lacks %q:\n%s", want, out)
		}
	}

	// Flags over the environment.
	a, out, err = configured(t, "--config", path, "--netns-dir", "/from/flag", "--prompt", "flag> ",
		"--read-only", "--theme", "dark", "--refresh", "5s", "config")
	if err != nil {
		t.Fatal(err)
	}
	opt := a.uiOptions()
	if !a.readOnly || a.netnsDir != "/from/flag" || opt.Prompt != "flag> " || opt.Theme != "dark" || opt.NetnsDir != "/from/flag" || !opt.ReadOnly {
		t.Errorf("flags not over env: readOnly %v netnsDir %q options %+v", a.readOnly, a.netnsDir, opt)
	}
	for _, want := range []string{"# flag --netns-dir", "# flag --prompt", "# flag --read-only", "# flag --theme", "refresh = '5s'"} {
		if !strings.Contains(out, want) {
			t.Errorf("lazyns config lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigDefaultPath(t *testing.T) {
	home := cleanConfigEnv(t)
	// No file: defaults, no complaint.
	code, stdout, stderr := lazyns(t, "config")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "config file: none") {
		t.Fatalf("no config file: exit %d, stderr %q\n%s", code, stderr, stdout)
	}
	path := filepath.Join(home, "lazyns", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("\n# production node\nread_only = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = lazyns(t, "config")
	if code != 0 || !regexp.MustCompile(`(?m)^read_only = true +# `+regexp.QuoteMeta(path)+`:3$`).MatchString(stdout) {
		t.Errorf("$XDG_CONFIG_HOME/lazyns/config.toml not read: exit %d\n%s", code, stdout)
	}
}

func TestConfigBadFile(t *testing.T) {
	cleanConfigEnv(t)
	cases := []struct{ name, text, want string }{
		{"syntax", "read_only = true\nprompt = \"unclosed\n", ":2: TOML syntax error at column"},
		{"unknown key", "read_only = true\n\nreadonly = true\n", `:3: unknown setting "readonly"`},
		{"unknown table key", "[colors]\nup = \"red\"\n[keyz]\nq = 1\n", `:3: unknown setting "keyz"`},
		{"wrong type", "\nread_only = \"yes\"\n", ":2: read_only must be true or false, not a string"},
		{"wrong type in keys", "[keys]\nquit = 5\n", `:2: keys.quit must be a key such as "S"`},
		{"key conflict", "read_only = true\n[keys]\nshell = \"q\"\n", `:3: key "q" is bound to both quit and shell`},
		{"conflict between remaps", "[keys]\nshell = \"z\"\nexec = [\"x\", \"z\"]\n", `:2: key "z" is bound to both exec and shell`},
		{"unknown action", "[keys]\nfly = \"f\"\n", `:2: unknown action "fly" in [keys]`},
		{"bad key", "[keys]\nshell = \"Ctrl+s\"\n", `:2: keys.shell: key "Ctrl+s": unknown modifier "Ctrl"`},
		{"bad colour", "[colors]\nup = \"grn\"\n", `:2: colors.up: "grn" is not a colour`},
		{"unknown colour", "[colors]\npurple = \"red\"\n", `:2: unknown colour "purple" in [colors]`},
		{"bad theme", "theme = \"blue\"\n", `:1: theme: "blue" is not a theme`},
		{"bad refresh", "refresh = \"soon\"\n", `:1: refresh: "soon": use "live", "manual"`},
		{"empty netns_dir", "netns_dir = \"\"\n", ":1: netns_dir is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeConfig(t, c.text)
			code, stdout, stderr := lazyns(t, "--config", path, "list")
			if code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit 2 and nothing printed", code, stdout)
			}
			want := "lazyns: " + path + c.want
			if !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--ignore-config") {
				t.Errorf("stderr %q\nwant one line starting %q and naming --ignore-config", stderr, want)
			}

			// The UI (no command) stops the same way, before it starts.
			if code, _, _ := lazyns(t, "--config", path); code != 2 {
				t.Errorf("lazyns (the UI) with a bad config: exit %d, want 2", code)
			}

			// --ignore-config: defaults, one line of warning, exit 0.
			code, stdout, stderr = lazyns(t, "--config", path, "--ignore-config", "config")
			if code != 0 || !strings.HasPrefix(stderr, "lazyns: warning: --ignore-config: not using "+path+c.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("--ignore-config: exit %d, stderr %q", code, stderr)
			}
			if !regexp.MustCompile(`(?m)^read_only = false +# default$`).MatchString(stdout) {
				t.Errorf("--ignore-config: not the defaults:\n%s", stdout)
			}
		})
	}
}

func TestConfigBadEnvAndFlags(t *testing.T) {
	cleanConfigEnv(t)
	for _, c := range []struct {
		env  string
		args []string
		want string
	}{
		{"maybe", []string{"config"}, `lazyns: LAZYNS_READ_ONLY="maybe": want 1, true, 0 or false`},
		{"", []string{"--read-only", "--write", "config"}, "lazyns: --read-only and --write contradict"},
		{"", []string{"--theme", "pink", "config"}, `lazyns: --theme: "pink" is not a theme`},
		{"", []string{"--refresh", "10ms", "config"}, `lazyns: --refresh: "10ms": an interval must be at least 500ms`},
		{"", []string{"--config", "/nonexistent/lazyns.toml", "config"}, "lazyns: config file /nonexistent/lazyns.toml does not exist"},
	} {
		t.Setenv(envReadOnly, c.env)
		code, _, stderr := lazyns(t, c.args...)
		if code != 2 || !strings.HasPrefix(stderr, c.want) {
			t.Errorf("%v (env %q): exit %d, stderr %q; want 2 and %q", c.args, c.env, code, stderr, c.want)
		}
	}
}

// Read-only from the config file reaches the System every change goes
// through (nsops refuses changes with ErrReadOnly when System.ReadOnly is
// set); --write lifts it for one session.
func TestConfigReadOnlyReachesSystem(t *testing.T) {
	cleanConfigEnv(t)
	path := writeConfig(t, "read_only = true\n")
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"--config", path, "config"}, true},
		{[]string{"--config", path, "--write", "config"}, false},
	} {
		a, _, err := configured(t, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		sys, err := a.system()
		if err != nil {
			t.Fatal(err)
		}
		if sys.ReadOnly != c.want || a.uiOptions().ReadOnly != c.want {
			t.Errorf("%v: System.ReadOnly %v, Options.ReadOnly %v; want %v", c.args, sys.ReadOnly, a.uiOptions().ReadOnly, c.want)
		}
	}
}

func TestConfigKeysReachUI(t *testing.T) {
	cleanConfigEnv(t)
	path := writeConfig(t, "[keys]\nshell = [\"S\", \"shift+ctrl+s\"]\ntrace = []\n")
	a, out, err := configured(t, "--config", path, "config")
	if err != nil {
		t.Fatal(err)
	}
	keys := a.uiOptions().Keys
	if !reflect.DeepEqual(keys[tui.ActShell], []string{"S", "ctrl+shift+s"}) || len(keys[tui.ActTrace]) != 0 {
		t.Errorf("remapped keys: shell %q trace %q", keys[tui.ActShell], keys[tui.ActTrace])
	}
	if !reflect.DeepEqual(keys[tui.ActQuit], tui.DefaultKeys()[tui.ActQuit]) {
		t.Errorf("untouched action lost its default keys: quit %q", keys[tui.ActQuit])
	}
	if !regexp.MustCompile(`(?m)^shell = \['S', 'ctrl\+shift\+s'\] +# ` + regexp.QuoteMeta(path) + `:2$`).MatchString(out) {
		t.Errorf("lazyns config does not show the remap and its line:\n%s", out)
	}
}

func TestDefaultKeysHaveNoConflict(t *testing.T) {
	f := &configFile{path: "defaults"}
	if _, err := f.keyMap(); err != nil {
		t.Fatal(err)
	}
	for action, keys := range tui.DefaultKeys() {
		for _, k := range keys {
			if c, err := canonicalKey(k); err != nil || c != k {
				t.Errorf("default key %q of %s: canonical %q, %v", k, action, c, err)
			}
		}
	}
}

func TestCanonicalKey(t *testing.T) {
	good := map[string]string{
		"a": "a", "G": "G", "?": "?", "+": "+", "ctrl++": "ctrl++", "é": "é",
		"alt+shift+ctrl+x": "ctrl+alt+shift+x", "f12": "f12", "shift+tab": "shift+tab", "space": "space",
	}
	for in, want := range good {
		if got, err := canonicalKey(in); err != nil || got != want {
			t.Errorf("canonicalKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", "ctrl+", "Ctrl+a", "ctl+a", "f0", "f25", "F1", "enterr", "\x1b", "ab"} {
		if got, err := canonicalKey(bad); err == nil {
			t.Errorf("canonicalKey(%q) = %q, want an error", bad, got)
		}
	}
}

func TestConfigColors(t *testing.T) {
	cleanConfigEnv(t)
	// The defaults are ip -c's colours.
	a, _, err := configured(t, "config")
	if err != nil {
		t.Fatal(err)
	}
	p := a.colorPaint()
	for role, want := range map[model.Role]string{
		model.RoleUp: "\x1b[32mUP\x1b[0m", model.RoleHeader: "\x1b[1mUP\x1b[0m",
		model.RoleDim: "\x1b[2mUP\x1b[0m", model.RolePlain: "UP",
	} {
		if got := p(role, "UP"); got != want {
			t.Errorf("default paint of role %d: %q, want %q", role, got, want)
		}
	}
	path := writeConfig(t, "[colors]\nup = \"#00ff80\"\ndown = \"bright-red\"\nheader = \"208\"\ndim = \"8\"\n")
	a, _, err = configured(t, "--config", path, "config")
	if err != nil {
		t.Fatal(err)
	}
	p = a.colorPaint()
	for role, want := range map[model.Role]string{
		model.RoleUp: "\x1b[38;2;0;255;128mx\x1b[0m", model.RoleDown: "\x1b[91mx\x1b[0m",
		model.RoleHeader: "\x1b[1;38;5;208mx\x1b[0m", model.RoleDim: "\x1b[90mx\x1b[0m",
		model.RoleIfname: "\x1b[36mx\x1b[0m",
	} {
		if got := p(role, "x"); got != want {
			t.Errorf("configured paint of role %d: %q, want %q", role, got, want)
		}
	}
}

// The example file in lazyns config --help is a valid config file.
func TestConfigHelpExampleIsValid(t *testing.T) {
	cleanConfigEnv(t)
	long := newConfigCmd(&app{}).Long
	_, example, ok := strings.Cut(long, "The file:\n\n")
	if !ok {
		t.Fatal("no example file in lazyns config --help")
	}
	var lines []string
	for _, l := range strings.Split(example, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "    "))
	}
	path := writeConfig(t, strings.Join(lines, "\n"))
	a, out, err := configured(t, "--config", path, "config")
	if err != nil {
		t.Fatalf("the example does not load: %v\n%s", err, out)
	}
	if !a.readOnly || a.uiOptions().Prompt != `({ns}) ` || !reflect.DeepEqual(a.uiOptions().Keys[tui.ActShell], []string{"S", "ctrl+s"}) {
		t.Errorf("the example loads as readOnly %v, options %+v", a.readOnly, a.uiOptions())
	}
}

func TestConfigRefreshAndUIColors(t *testing.T) {
	cleanConfigEnv(t)
	for refresh, want := range map[string]time.Duration{"live": 0, "manual": -1, "2m30s": 150 * time.Second} {
		path := writeConfig(t, "refresh = '"+refresh+"'\n[colors]\nup = 'bright-green'\ninet = '#AbCdEf'\n")
		a, _, err := configured(t, "--config", path, "config")
		if err != nil {
			t.Fatal(err)
		}
		if got := a.refreshEvery(); got != want {
			t.Errorf("refresh = %q: %v, want %v", refresh, got, want)
		}
		colors := a.uiColors()
		if colors["up"] != "10" || colors["inet"] != "#abcdef" || colors["down"] != "1" || colors["name"] != "" || len(colors) != len(model.RoleNames) {
			t.Errorf("UI colours: %v", colors)
		}
	}
}
