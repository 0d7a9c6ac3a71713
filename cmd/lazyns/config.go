package main

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
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Settings come from, lowest first: defaults, the config file, the
// environment, flags. configFlags are the flags that exist only to reach the
// settings; eff is the outcome, kept with where each value came from.
type configFlags struct {
	path          string
	ignore, write bool
	theme, prompt string
	refresh       string
	eff           *settings
}

// sourced is one setting's value and where it came from ("default",
// "FILE:LINE", "env NAME", "flag --name").
type sourced[T any] struct {
	val  T
	from string
}

type settings struct {
	file    string // the config file read, "" when none
	missing bool   // file was the default path and does not exist

	readOnly sourced[bool]
	netnsDir sourced[string]
	prompt   sourced[string]
	theme    sourced[string]
	noColor  sourced[bool]
	refresh  sourced[string]
	colors   map[string]sourced[string] // role → colour as written (parseColor)
	keys     map[string]sourced[[]string]
}

const fromDefault = "default"

func defaultSettings() *settings {
	s := &settings{
		readOnly: sourced[bool]{false, fromDefault},
		netnsDir: sourced[string]{nsops.DefaultNetnsDir, fromDefault},
		prompt:   sourced[string]{"", fromDefault},
		theme:    sourced[string]{"auto", fromDefault},
		noColor:  sourced[bool]{false, fromDefault},
		refresh:  sourced[string]{"live", fromDefault},
		colors:   map[string]sourced[string]{},
		keys:     map[string]sourced[[]string]{},
	}
	for role, c := range defaultColors {
		s.colors[role] = sourced[string]{c, fromDefault}
	}
	for action, keys := range tui.DefaultKeys() {
		s.keys[action] = sourced[[]string]{keys, fromDefault}
	}
	return s
}

// configure adds the config flags to root and loads the settings before any
// command runs.
func (a *app) configure(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVar(&a.cfg.path, "config", "", "config `FILE` (default $XDG_CONFIG_HOME/lazyns/config.toml)")
	f.BoolVar(&a.cfg.ignore, "ignore-config", false, "start without the config file (defaults, environment and flags)")
	f.BoolVar(&a.cfg.write, "write", false, "allow changes for this session although the config says read_only")
	f.StringVar(&a.cfg.theme, "theme", "auto", "colour `THEME`: dark, light or auto (asks the terminal)")
	f.StringVar(&a.cfg.prompt, "prompt", "", "shell prompt `TEMPLATE`; {ns} stands for the namespace")
	f.StringVar(&a.cfg.refresh, "refresh", "live", "update the UI `WHEN`: live (follow the kernel), manual (ctrl+r) or every interval such as 5s")
	root.MarkFlagFilename("config", "toml")
	root.MarkFlagDirname("netns-dir")
	// A command with a PersistentPreRunE of its own must not skip this one.
	cobra.EnableTraverseRunHooks = true
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		return a.loadSettings(cmd)
	}
}

// skipConfig marks commands whose output must not depend on the config
// (completion scripts, man pages: make install runs them).
const skipConfig = "lazyns/skip-config"

// loadSettings computes the effective settings and sets the app's fields.
func (a *app) loadSettings(cmd *cobra.Command) error {
	if cmd.Annotations[skipConfig] != "" {
		return nil
	}
	s, err := a.settings(cmd.Flags())
	if err != nil && (cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd) {
		// Completing a word must never print an error into the shell: go
		// on quietly with the environment and flags (LAZYNS_NETNS_DIR).
		stderr := a.stderr
		a.stderr, a.cfg.ignore = io.Discard, true
		s, err = a.settings(cmd.Flags())
		a.stderr = stderr
	}
	if err != nil {
		return usageError{err}
	}
	a.cfg.eff = s
	a.readOnly = s.readOnly.val
	a.netnsDir = s.netnsDir.val
	a.noColor = s.noColor.val
	return nil
}

// configPath is the file to read and whether the user named it.
func (a *app) configPath() (string, bool) {
	if a.cfg.path != "" {
		return a.cfg.path, true
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", false
	}
	return filepath.Join(dir, "lazyns", "config.toml"), false
}

func (a *app) settings(flags *pflag.FlagSet) (*settings, error) {
	s := defaultSettings()
	path, explicit := a.configPath()
	if path != "" {
		f, err := readConfigFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !explicit:
			s.missing = true
		case errors.Is(err, fs.ErrPermission) && !explicit:
			// Someone else's home (setpriv, su without -): not this user's
			// file, and without privileges nothing can be changed anyway.
			s.missing = true
		case err != nil && a.cfg.ignore:
			fmt.Fprintf(a.stderr, "lazyns: warning: --ignore-config: not using %v\n", err)
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("config file %s does not exist (--config)", path)
		case err != nil:
			return nil, fmt.Errorf("%w (fix it, or run with --ignore-config)", err)
		case a.cfg.ignore:
		default:
			s.file = path
			s.applyFile(f)
		}
	}
	if err := s.applyEnv(); err != nil {
		return nil, err
	}
	if err := s.applyFlags(a, flags); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *settings) applyFile(f *configFile) {
	setFrom(&s.readOnly, f.ReadOnly, f.source("read_only"))
	setFrom(&s.netnsDir, f.NetnsDir, f.source("netns_dir"))
	setFrom(&s.prompt, f.Prompt, f.source("prompt"))
	setFrom(&s.theme, f.Theme, f.source("theme"))
	setFrom(&s.noColor, f.NoColor, f.source("no_color"))
	setFrom(&s.refresh, f.Refresh, f.source("refresh"))
	for role, c := range f.Colors {
		s.colors[role] = sourced[string]{c, f.source("colors." + role)}
	}
	remap, _ := f.keyMap() // checked when the file was read
	for action, keys := range remap {
		s.keys[action] = sourced[[]string]{keys, f.source("keys." + action)}
	}
}

func setFrom[T any](s *sourced[T], v *T, from string) {
	if v != nil {
		*s = sourced[T]{*v, from}
	}
}

// Environment variables, above the file and below flags.
const (
	envReadOnly = "LAZYNS_READ_ONLY"
	envNetnsDir = "LAZYNS_NETNS_DIR"
	envPrompt   = "LAZYNS_PROMPT"
	envNoColor  = "NO_COLOR"
)

func (s *settings) applyEnv() error {
	if v := os.Getenv(envReadOnly); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%s=%q: want 1, true, 0 or false", envReadOnly, v)
		}
		s.readOnly = sourced[bool]{b, "env " + envReadOnly}
	}
	if v := os.Getenv(envNetnsDir); v != "" {
		s.netnsDir = sourced[string]{v, "env " + envNetnsDir}
	}
	if v := os.Getenv(envPrompt); v != "" {
		s.prompt = sourced[string]{v, "env " + envPrompt}
	}
	// no-color.org: set and not empty means no colour, whatever the value.
	if os.Getenv(envNoColor) != "" {
		s.noColor = sourced[bool]{true, "env " + envNoColor}
	}
	return nil
}

func (s *settings) applyFlags(a *app, flags *pflag.FlagSet) error {
	changed := func(name string) bool {
		f := flags.Lookup(name)
		return f != nil && f.Changed
	}
	if changed("read-only") && changed("write") {
		return errors.New("--read-only and --write contradict each other: give one")
	}
	if changed("read-only") {
		s.readOnly = sourced[bool]{a.readOnly, "flag --read-only"}
	}
	if changed("write") && a.cfg.write {
		s.readOnly = sourced[bool]{false, "flag --write"}
	}
	if changed("netns-dir") {
		s.netnsDir = sourced[string]{a.netnsDir, "flag --netns-dir"}
	}
	if changed("no-color") {
		s.noColor = sourced[bool]{a.noColor, "flag --no-color"}
	}
	if changed("prompt") {
		s.prompt = sourced[string]{a.cfg.prompt, "flag --prompt"}
	}
	if changed("theme") {
		if err := checkTheme(a.cfg.theme); err != nil {
			return fmt.Errorf("--theme: %w", err)
		}
		s.theme = sourced[string]{a.cfg.theme, "flag --theme"}
	}
	if changed("refresh") {
		if err := checkRefresh(a.cfg.refresh); err != nil {
			return fmt.Errorf("--refresh: %w", err)
		}
		s.refresh = sourced[string]{a.cfg.refresh, "flag --refresh"}
	}
	if s.netnsDir.val == "" {
		return fmt.Errorf("the netns directory is empty (%s): give one such as %s", s.netnsDir.from, nsops.DefaultNetnsDir)
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

// refreshEvery is the refresh setting as the UI uses it: 0 follows the
// kernel (live), a positive interval re-reads that often, -1 waits for ctrl+r.
func (a *app) refreshEvery() time.Duration {
	r := "live"
	if a.cfg.eff != nil {
		r = a.cfg.eff.refresh.val
	}
	switch r {
	case "live":
		return 0
	case "manual":
		return -1
	}
	// Checked when read: only a valid interval gets this far.
	d, _ := time.ParseDuration(r)
	return d
}

// uiOptions are the effective settings the terminal UI starts with.
func (a *app) uiOptions() tui.Options {
	s := a.cfg.eff
	if s == nil {
		s = defaultSettings()
	}
	keys := map[string][]string{}
	for action, k := range s.keys {
		keys[action] = k.val
	}
	return tui.Options{
		ReadOnly: a.readOnly,
		NoColor:  a.noColor,
		Theme:    s.theme.val,
		Keys:     keys,
		Prompt:   s.prompt.val,
		Colors:   a.uiColors(),
		Refresh:  a.refreshEvery(),
		NetnsDir: a.netnsDir,
	}
}
