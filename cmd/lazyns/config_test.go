package main

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/config"
	"github.com/lazyns/lazyns/tui"
)

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

// The settings loaded before a command runs are the ones every command
// reads: the app's fields and the UI's options, whatever they came from.
func TestConfigReachesTheApp(t *testing.T) {
	clitest.CleanConfigEnv(t)
	path := clitest.WriteConfig(t, "read_only = true\nnetns_dir = \"/from/file\"\nprompt = \"file {ns}> \"\n")
	a, out, err := configured(t, "--config", path, "config")
	if err != nil {
		t.Fatalf("config: %v\n%s", err, out)
	}
	if !a.readOnly || a.netnsDir != "/from/file" || a.noColor || a.effective().UIOptions().Prompt != "file {ns}> " {
		t.Errorf("file not applied: readOnly %v netnsDir %q options %+v", a.readOnly, a.netnsDir, a.effective().UIOptions())
	}
	if !strings.Contains(out, "netns_dir = '/from/file'  # "+path+":2") {
		t.Errorf("lazyns config does not print the settings:\n%s", out)
	}
	t.Setenv(config.EnvNoColor, "1")
	a, _, err = configured(t, "--config", path, "--netns-dir", "/from/flag", "--write", "config")
	if err != nil {
		t.Fatal(err)
	}
	if a.readOnly || a.netnsDir != "/from/flag" || !a.noColor || !a.effective().UIOptions().NoColor {
		t.Errorf("env and flags not applied: readOnly %v netnsDir %q noColor %v", a.readOnly, a.netnsDir, a.noColor)
	}
}

// A config that cannot be used is a usage error, said in one line before
// anything runs, the UI included; --ignore-config starts without it.
func TestConfigErrorsExit2(t *testing.T) {
	clitest.CleanConfigEnv(t)
	bad := clitest.WriteConfig(t, "read_only = true\nprompt = \"unclosed\n")
	for _, c := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"--config", bad, "list"}, "lazyns: " + bad + ":2: TOML syntax error at column"},
		{"maybe", []string{"config"}, `lazyns: LAZYNS_READ_ONLY="maybe": want 1, true, 0 or false`},
		{"", []string{"--read-only", "--write", "config"}, "lazyns: --read-only and --write contradict"},
		{"", []string{"--theme", "pink", "config"}, `lazyns: --theme: "pink" is not a theme`},
		{"", []string{"--refresh", "10ms", "config"}, `lazyns: --refresh: "10ms": an interval must be at least 500ms`},
		{"", []string{"--config", "/nonexistent/lazyns.toml", "config"}, "lazyns: config file /nonexistent/lazyns.toml does not exist"},
	} {
		t.Setenv(config.EnvReadOnly, c.env)
		code, stdout, stderr := lazyns(t, c.args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v (env %q): exit %d, stdout %q, stderr %q; want 2, nothing printed and one line %q", c.args, c.env, code, stdout, stderr, c.want)
		}
	}
	t.Setenv(config.EnvReadOnly, "")
	if code, _, stderr := lazyns(t, "--config", bad, "list"); !strings.Contains(stderr, "--ignore-config") || code != 2 {
		t.Errorf("a bad file: exit %d, %q does not name --ignore-config", code, stderr)
	}
	// The UI (no command) stops the same way, before it starts.
	if code, _, _ := lazyns(t, "--config", bad); code != 2 {
		t.Errorf("lazyns (the UI) with a bad config: exit %d, want 2", code)
	}
	code, stdout, stderr := lazyns(t, "--config", bad, "--ignore-config", "config")
	if code != 0 || !strings.HasPrefix(stderr, "lazyns: warning: --ignore-config: not using "+bad) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("--ignore-config: exit %d, stderr %q", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^read_only = false +# default$`).MatchString(stdout) {
		t.Errorf("--ignore-config: not the defaults:\n%s", stdout)
	}
	// No file at the default path: defaults, no complaint.
	if code, stdout, stderr := lazyns(t, "config"); code != 0 || stderr != "" || !strings.Contains(stdout, "config file: none") {
		t.Errorf("no config file: exit %d, stderr %q\n%s", code, stderr, stdout)
	}
}

// Read-only from the config file reaches the System every change goes
// through (nsops refuses changes with ErrReadOnly when System.ReadOnly is
// set); --write lifts it for one session.
func TestConfigReadOnlyReachesSystem(t *testing.T) {
	clitest.CleanConfigEnv(t)
	path := clitest.WriteConfig(t, "read_only = true\n")
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
		if sys.ReadOnly != c.want || a.effective().UIOptions().ReadOnly != c.want {
			t.Errorf("%v: System.ReadOnly %v, Options.ReadOnly %v; want %v", c.args, sys.ReadOnly, a.effective().UIOptions().ReadOnly, c.want)
		}
	}
}

// The example file in lazyns config --help is a valid config file.
func TestConfigHelpExampleIsValid(t *testing.T) {
	clitest.CleanConfigEnv(t)
	long := newConfigCmd(&app{}).Long
	_, example, ok := strings.Cut(long, "The file:\n\n")
	if !ok {
		t.Fatal("no example file in lazyns config --help")
	}
	var lines []string
	for _, l := range strings.Split(example, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "    "))
	}
	path := clitest.WriteConfig(t, strings.Join(lines, "\n"))
	a, out, err := configured(t, "--config", path, "config")
	if err != nil {
		t.Fatalf("the example does not load: %v\n%s", err, out)
	}
	opt := a.effective().UIOptions()
	if !a.readOnly || opt.Prompt != `({ns}) ` || !reflect.DeepEqual(opt.Keys[tui.ActShell], []string{"z", "ctrl+s"}) {
		t.Errorf("the example loads as readOnly %v, options %+v", a.readOnly, opt)
	}
}
