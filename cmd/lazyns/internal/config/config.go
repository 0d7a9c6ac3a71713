// Package config is what lazyns runs with: settings come from, lowest
// first, defaults, the config file, the environment and flags, and each
// keeps where its value came from (lazyns config prints both).
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
	"github.com/spf13/pflag"
)

// Sourced is one setting's value and where it came from ("default",
// "FILE:LINE", "env NAME", "flag --name").
type Sourced[T any] struct {
	Val  T
	From string
}

// Settings are the settings in effect.
type Settings struct {
	File    string // the config file read, "" when none
	Missing bool   // File was the default path and does not exist

	ReadOnly Sourced[bool]
	NetnsDir Sourced[string]
	Prompt   Sourced[string]
	Theme    Sourced[string]
	NoColor  Sourced[bool]
	Refresh  Sourced[string]
	Colors   map[string]Sourced[string] // role → colour as written (parseColor)
	Keys     map[string]Sourced[[]string]
}

const fromDefault = "default"

// Defaults are the settings before any file, variable or flag.
func Defaults() *Settings {
	s := &Settings{
		ReadOnly: Sourced[bool]{false, fromDefault},
		NetnsDir: Sourced[string]{nsops.DefaultNetnsDir, fromDefault},
		Prompt:   Sourced[string]{"", fromDefault},
		Theme:    Sourced[string]{"auto", fromDefault},
		NoColor:  Sourced[bool]{false, fromDefault},
		Refresh:  Sourced[string]{"live", fromDefault},
		Colors:   map[string]Sourced[string]{},
		Keys:     map[string]Sourced[[]string]{},
	}
	for role, c := range defaultColors {
		s.Colors[role] = Sourced[string]{c, fromDefault}
	}
	for action, keys := range tui.DefaultKeys() {
		s.Keys[action] = Sourced[[]string]{keys, fromDefault}
	}
	return s
}

// AddFlags defines on fs (the root command's persistent flags) every flag
// that reaches the settings; Load reads them back from the parsed set.
func AddFlags(fs *pflag.FlagSet) {
	fs.Bool("read-only", false, "refuse every change to the kernel")
	fs.String("netns-dir", "/run/netns", "directory of named namespaces")
	fs.Bool("no-color", false, "no colours (also when NO_COLOR is set)")
	fs.String("config", "", "config `FILE` (default $XDG_CONFIG_HOME/lazyns/config.toml)")
	fs.Bool("ignore-config", false, "start without the config file (defaults, environment and flags)")
	fs.Bool("write", false, "allow changes for this session although the config says read_only")
	fs.String("theme", "auto", "colour `THEME`: dark, light or auto (asks the terminal)")
	fs.String("prompt", "", "shell prompt `TEMPLATE`; {ns} stands for the namespace")
	fs.String("refresh", "live", "update the UI `WHEN`: live (follow the kernel), manual (ctrl+r) or every interval such as 5s")
}

// flags reads the flags AddFlags defined from a parsed set.
type flags struct{ fs *pflag.FlagSet }

func (f flags) changed(name string) bool {
	fl := f.fs.Lookup(name)
	return fl != nil && fl.Changed
}

func (f flags) str(name string) string {
	fl := f.fs.Lookup(name)
	if fl == nil {
		return ""
	}
	return fl.Value.String()
}

func (f flags) bool(name string) bool {
	b, _ := strconv.ParseBool(f.str(name))
	return b
}

// Load computes the settings for a command whose parsed flags are fs. A
// config file that cannot be used stops it with the file, the line and
// what is wrong; under --ignore-config it is a warning on warn instead.
func Load(fs *pflag.FlagSet, warn io.Writer) (*Settings, error) {
	f := flags{fs}
	return load(f, warn, f.bool("ignore-config"))
}

// LoadWithoutFile computes the settings from defaults, the environment and
// flags alone, saying nothing: for completing a word, which must never
// print an error into the shell.
func LoadWithoutFile(fs *pflag.FlagSet) (*Settings, error) {
	return load(flags{fs}, io.Discard, true)
}

func load(f flags, warn io.Writer, ignore bool) (*Settings, error) {
	s := Defaults()
	path, explicit := configPath(f.str("config"))
	if path != "" {
		file, err := readConfigFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !explicit:
			s.Missing = true
		case errors.Is(err, fs.ErrPermission) && !explicit:
			// Someone else's home (setpriv, su without -): not this user's
			// file, and without privileges nothing can be changed anyway.
			s.Missing = true
		case err != nil && ignore:
			fmt.Fprintf(warn, "lazyns: warning: --ignore-config: not using %v\n", err)
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("config file %s does not exist (--config)", path)
		case err != nil:
			return nil, fmt.Errorf("%w (fix it, or run with --ignore-config)", err)
		case ignore:
		default:
			s.File = path
			s.applyFile(file)
		}
	}
	if err := s.applyEnv(); err != nil {
		return nil, err
	}
	if err := s.applyFlags(f); err != nil {
		return nil, err
	}
	return s, nil
}

// configPath is the file to read (named, else the default) and whether the
// user named it.
func configPath(named string) (string, bool) {
	if named != "" {
		return named, true
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", false
	}
	return filepath.Join(dir, "lazyns", "config.toml"), false
}

func (s *Settings) applyFile(f *configFile) {
	setFrom(&s.ReadOnly, f.ReadOnly, f.source("read_only"))
	setFrom(&s.NetnsDir, f.NetnsDir, f.source("netns_dir"))
	setFrom(&s.Prompt, f.Prompt, f.source("prompt"))
	setFrom(&s.Theme, f.Theme, f.source("theme"))
	setFrom(&s.NoColor, f.NoColor, f.source("no_color"))
	setFrom(&s.Refresh, f.Refresh, f.source("refresh"))
	for role, c := range f.Colors {
		s.Colors[role] = Sourced[string]{c, f.source("colors." + role)}
	}
	remap, _ := f.keyMap() // checked when the file was read
	for action, keys := range remap {
		s.Keys[action] = Sourced[[]string]{keys, f.source("keys." + action)}
	}
}

func setFrom[T any](s *Sourced[T], v *T, from string) {
	if v != nil {
		*s = Sourced[T]{*v, from}
	}
}

// Environment variables, above the file and below flags.
const (
	EnvReadOnly = "LAZYNS_READ_ONLY"
	EnvNetnsDir = "LAZYNS_NETNS_DIR"
	EnvPrompt   = "LAZYNS_PROMPT"
	EnvNoColor  = "NO_COLOR"
)

func (s *Settings) applyEnv() error {
	if v := os.Getenv(EnvReadOnly); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%s=%q: want 1, true, 0 or false", EnvReadOnly, v)
		}
		s.ReadOnly = Sourced[bool]{b, "env " + EnvReadOnly}
	}
	if v := os.Getenv(EnvNetnsDir); v != "" {
		s.NetnsDir = Sourced[string]{v, "env " + EnvNetnsDir}
	}
	if v := os.Getenv(EnvPrompt); v != "" {
		s.Prompt = Sourced[string]{v, "env " + EnvPrompt}
	}
	// no-color.org: set and not empty means no colour, whatever the value.
	if os.Getenv(EnvNoColor) != "" {
		s.NoColor = Sourced[bool]{true, "env " + EnvNoColor}
	}
	return nil
}

func (s *Settings) applyFlags(f flags) error {
	if f.changed("read-only") && f.changed("write") {
		return errors.New("--read-only and --write contradict each other: give one")
	}
	if f.changed("read-only") {
		s.ReadOnly = Sourced[bool]{f.bool("read-only"), "flag --read-only"}
	}
	if f.changed("write") && f.bool("write") {
		s.ReadOnly = Sourced[bool]{false, "flag --write"}
	}
	if f.changed("netns-dir") {
		s.NetnsDir = Sourced[string]{f.str("netns-dir"), "flag --netns-dir"}
	}
	if f.changed("no-color") {
		s.NoColor = Sourced[bool]{f.bool("no-color"), "flag --no-color"}
	}
	if f.changed("prompt") {
		s.Prompt = Sourced[string]{f.str("prompt"), "flag --prompt"}
	}
	if f.changed("theme") {
		theme := f.str("theme")
		if err := checkTheme(theme); err != nil {
			return fmt.Errorf("--theme: %w", err)
		}
		s.Theme = Sourced[string]{theme, "flag --theme"}
	}
	if f.changed("refresh") {
		refresh := f.str("refresh")
		if err := checkRefresh(refresh); err != nil {
			return fmt.Errorf("--refresh: %w", err)
		}
		s.Refresh = Sourced[string]{refresh, "flag --refresh"}
	}
	if s.NetnsDir.Val == "" {
		return fmt.Errorf("the netns directory is empty (%s): give one such as %s", s.NetnsDir.From, nsops.DefaultNetnsDir)
	}
	return nil
}

func checkTheme(t string) error {
	switch t {
	case "dark", "light", "auto":
		return nil
	}
	return fmt.Errorf(`%q is not a theme: use "dark", "light" or "auto"`, t)
}

// minRefresh keeps a polling interval from re-reading the host in a loop.
const minRefresh = 500 * time.Millisecond

func checkRefresh(r string) error {
	if r == "live" || r == "manual" {
		return nil
	}
	d, err := time.ParseDuration(r)
	if err != nil {
		return fmt.Errorf(`%q: use "live", "manual" or an interval such as "5s"`, r)
	}
	if d < minRefresh {
		return fmt.Errorf("%q: an interval must be at least %v", r, minRefresh)
	}
	return nil
}

// RefreshEvery is the refresh setting as the UI uses it: 0 follows the
// kernel (live), a positive interval re-reads that often, -1 waits for
// ctrl+r.
func (s *Settings) RefreshEvery() time.Duration {
	switch s.Refresh.Val {
	case "live":
		return 0
	case "manual":
		return -1
	}
	// Checked when read: only a valid interval gets this far.
	d, _ := time.ParseDuration(s.Refresh.Val)
	return d
}

// UIOptions are the settings the terminal UI starts with.
func (s *Settings) UIOptions() tui.Options {
	keys := map[string][]string{}
	for action, k := range s.Keys {
		keys[action] = k.Val
	}
	return tui.Options{
		ReadOnly: s.ReadOnly.Val,
		NoColor:  s.NoColor.Val,
		Theme:    s.Theme.Val,
		Keys:     keys,
		Prompt:   s.Prompt.Val,
		Colors:   s.UIColors(),
		Refresh:  s.RefreshEvery(),
		NetnsDir: s.NetnsDir.Val,
	}
}
