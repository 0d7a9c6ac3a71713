package config_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/config"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/tui"
	"github.com/spf13/pflag"
)

// load parses args as lazyns's flags and loads the settings; it returns
// them, what lazyns config prints for them, and what was warned.
func load(t *testing.T, args ...string) (*config.Settings, string, string, error) {
	t.Helper()
	fs := pflag.NewFlagSet("lazyns", pflag.ContinueOnError)
	config.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	var warn, out bytes.Buffer
	s, err := config.Load(fs, &warn)
	if err != nil {
		return nil, "", warn.String(), err
	}
	if err := s.Write(&out); err != nil {
		t.Fatal(err)
	}
	return s, out.String(), warn.String(), nil
}

func TestConfigPrecedence(t *testing.T) {
	clitest.CleanConfigEnv(t)
	path := clitest.WriteConfig(t, `read_only = true
netns_dir = "/from/file"
prompt = "file {ns}> "
theme = "light"
`)
	// The file alone.
	s, out, _, err := load(t, "--config", path)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if !s.ReadOnly.Val || s.NetnsDir.Val != "/from/file" || s.UIOptions().Prompt != "file {ns}> " || s.UIOptions().Theme != "light" {
		t.Errorf("file not applied: %+v options %+v", s, s.UIOptions())
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
	t.Setenv(config.EnvNetnsDir, "/from/env")
	t.Setenv(config.EnvPrompt, "env> ")
	t.Setenv(config.EnvReadOnly, "0")
	t.Setenv(config.EnvNoColor, "1")
	s, out, _, err = load(t, "--config", path)
	if err != nil {
		t.Fatal(err)
	}
	if s.ReadOnly.Val || s.NetnsDir.Val != "/from/env" || s.UIOptions().Prompt != "env> " || !s.NoColor.Val || !s.UIOptions().NoColor {
		t.Errorf("env not over file: %+v options %+v", s, s.UIOptions())
	}
	for _, want := range []string{"# env LAZYNS_NETNS_DIR", "# env LAZYNS_PROMPT", "# env LAZYNS_READ_ONLY", "# env NO_COLOR"} {
		if !strings.Contains(out, want) {
			t.Errorf("lazyns config lacks %q:\n%s", want, out)
		}
	}

	// Flags over the environment.
	s, out, _, err = load(t, "--config", path, "--netns-dir", "/from/flag", "--prompt", "flag> ",
		"--read-only", "--theme", "dark", "--refresh", "5s")
	if err != nil {
		t.Fatal(err)
	}
	opt := s.UIOptions()
	if !s.ReadOnly.Val || s.NetnsDir.Val != "/from/flag" || opt.Prompt != "flag> " || opt.Theme != "dark" || opt.NetnsDir != "/from/flag" || !opt.ReadOnly {
		t.Errorf("flags not over env: %+v options %+v", s, opt)
	}
	for _, want := range []string{"# flag --netns-dir", "# flag --prompt", "# flag --read-only", "# flag --theme", "refresh = '5s'"} {
		if !strings.Contains(out, want) {
			t.Errorf("lazyns config lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigDefaultPath(t *testing.T) {
	home := clitest.CleanConfigEnv(t)
	// No file: defaults, no complaint.
	_, out, warn, err := load(t)
	if err != nil || warn != "" || !strings.Contains(out, "config file: none") {
		t.Fatalf("no config file: %v, warned %q\n%s", err, warn, out)
	}
	path := filepath.Join(home, "lazyns", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("\n# production node\nread_only = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _, err = load(t)
	if err != nil || !regexp.MustCompile(`(?m)^read_only = true +# `+regexp.QuoteMeta(path)+`:3$`).MatchString(out) {
		t.Errorf("$XDG_CONFIG_HOME/lazyns/config.toml not read: %v\n%s", err, out)
	}
}

func TestConfigBadFile(t *testing.T) {
	clitest.CleanConfigEnv(t)
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
			path := clitest.WriteConfig(t, c.text)
			_, _, warn, err := load(t, "--config", path)
			if err == nil || warn != "" {
				t.Fatalf("loaded a bad file (warned %q)", warn)
			}
			want := path + c.want
			if msg := err.Error(); !strings.HasPrefix(msg, want) || strings.Contains(msg, "\n") || !strings.Contains(msg, "--ignore-config") {
				t.Errorf("error %q\nwant one line starting %q and naming --ignore-config", msg, want)
			}

			// --ignore-config: defaults, one line of warning.
			_, out, warn, err := load(t, "--config", path, "--ignore-config")
			if err != nil || !strings.HasPrefix(warn, "lazyns: warning: --ignore-config: not using "+path+c.want) || strings.Count(warn, "\n") != 1 {
				t.Errorf("--ignore-config: %v, warned %q", err, warn)
			}
			if !regexp.MustCompile(`(?m)^read_only = false +# default$`).MatchString(out) {
				t.Errorf("--ignore-config: not the defaults:\n%s", out)
			}
		})
	}
}

func TestConfigBadEnvAndFlags(t *testing.T) {
	clitest.CleanConfigEnv(t)
	for _, c := range []struct {
		env  string
		args []string
		want string
	}{
		{"maybe", nil, `LAZYNS_READ_ONLY="maybe": want 1, true, 0 or false`},
		{"", []string{"--read-only", "--write"}, "--read-only and --write contradict"},
		{"", []string{"--theme", "pink"}, `--theme: "pink" is not a theme`},
		{"", []string{"--refresh", "10ms"}, `--refresh: "10ms": an interval must be at least 500ms`},
		{"", []string{"--config", "/nonexistent/lazyns.toml"}, "config file /nonexistent/lazyns.toml does not exist"},
		{"", []string{"--netns-dir", ""}, "the netns directory is empty (flag --netns-dir)"},
	} {
		t.Setenv(config.EnvReadOnly, c.env)
		if _, _, _, err := load(t, c.args...); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%v (env %q): %v; want %q", c.args, c.env, err, c.want)
		}
	}
}

// Completing a word loads what it can without the file, and says nothing.
func TestConfigWithoutFile(t *testing.T) {
	clitest.CleanConfigEnv(t)
	t.Setenv(config.EnvNetnsDir, "/from/env")
	path := clitest.WriteConfig(t, "nonsense = 1\n")
	fs := pflag.NewFlagSet("lazyns", pflag.ContinueOnError)
	config.AddFlags(fs)
	if err := fs.Parse([]string{"--config", path, "--prompt", "p> "}); err != nil {
		t.Fatal(err)
	}
	s, err := config.LoadWithoutFile(fs)
	if err != nil || s.File != "" || s.NetnsDir.Val != "/from/env" || s.Prompt.Val != "p> " {
		t.Errorf("without the file: %v %+v", err, s)
	}
}

// --write lifts read_only from the file for one session.
func TestConfigWrite(t *testing.T) {
	clitest.CleanConfigEnv(t)
	path := clitest.WriteConfig(t, "read_only = true\n")
	for _, c := range []struct {
		args []string
		want bool
		from string
	}{
		{[]string{"--config", path}, true, path + ":1"},
		{[]string{"--config", path, "--write"}, false, "flag --write"},
	} {
		s, _, _, err := load(t, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		if s.ReadOnly.Val != c.want || s.ReadOnly.From != c.from || s.UIOptions().ReadOnly != c.want {
			t.Errorf("%v: read_only %+v, Options.ReadOnly %v; want %v from %s", c.args, s.ReadOnly, s.UIOptions().ReadOnly, c.want, c.from)
		}
	}
}

func TestConfigKeysReachUI(t *testing.T) {
	clitest.CleanConfigEnv(t)
	path := clitest.WriteConfig(t, "[keys]\nshell = [\"z\", \"shift+ctrl+s\"]\ntrace = []\n")
	s, out, _, err := load(t, "--config", path)
	if err != nil {
		t.Fatal(err)
	}
	keys := s.UIOptions().Keys
	if !reflect.DeepEqual(keys[tui.ActShell], []string{"z", "ctrl+shift+s"}) || len(keys[tui.ActTrace]) != 0 {
		t.Errorf("remapped keys: shell %q trace %q", keys[tui.ActShell], keys[tui.ActTrace])
	}
	if !reflect.DeepEqual(keys[tui.ActQuit], tui.DefaultKeys()[tui.ActQuit]) {
		t.Errorf("untouched action lost its default keys: quit %q", keys[tui.ActQuit])
	}
	if !regexp.MustCompile(`(?m)^shell = \['z', 'ctrl\+shift\+s'\] +# ` + regexp.QuoteMeta(path) + `:2$`).MatchString(out) {
		t.Errorf("lazyns config does not show the remap and its line:\n%s", out)
	}
}

func TestConfigColors(t *testing.T) {
	clitest.CleanConfigEnv(t)
	// The defaults are ip -c's colours.
	s, _, _, err := load(t)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Paint()
	for role, want := range map[model.Role]string{
		model.RoleUp: "\x1b[32mUP\x1b[0m", model.RoleHeader: "\x1b[1mUP\x1b[0m",
		model.RoleDim: "\x1b[2mUP\x1b[0m", model.RolePlain: "UP",
	} {
		if got := p(role, "UP"); got != want {
			t.Errorf("default paint of role %d: %q, want %q", role, got, want)
		}
	}
	path := clitest.WriteConfig(t, "[colors]\nup = \"#00ff80\"\ndown = \"bright-red\"\nheader = \"208\"\ndim = \"8\"\n")
	s, _, _, err = load(t, "--config", path)
	if err != nil {
		t.Fatal(err)
	}
	p = s.Paint()
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

func TestConfigRefreshAndUIColors(t *testing.T) {
	clitest.CleanConfigEnv(t)
	for refresh, want := range map[string]time.Duration{"live": 0, "manual": -1, "2m30s": 150 * time.Second} {
		path := clitest.WriteConfig(t, "refresh = '"+refresh+"'\n[colors]\nup = 'bright-green'\ninet = '#AbCdEf'\n")
		s, _, _, err := load(t, "--config", path)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.RefreshEvery(); got != want || s.UIOptions().Refresh != want {
			t.Errorf("refresh = %q: %v, want %v", refresh, got, want)
		}
		colors := s.UIColors()
		if colors["up"] != "10" || colors["inet"] != "#abcdef" || colors["down"] != "1" || colors["name"] != "" || len(colors) != len(model.RoleNames) {
			t.Errorf("UI colours: %v", colors)
		}
	}
}
