package main

import (
	"github.com/lazyns/lazyns/cmd/lazyns/internal/config"
	"github.com/spf13/cobra"
)

// configure adds the settings' flags to root and loads the settings before
// any command runs.
func (a *app) configure(root *cobra.Command) {
	config.AddFlags(root.PersistentFlags())
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
	s, err := config.Load(cmd.Flags(), a.stderr)
	if err != nil && (cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd) {
		// Completing a word must never print an error into the shell: go
		// on quietly with the environment and flags (LAZYNS_NETNS_DIR).
		s, err = config.LoadWithoutFile(cmd.Flags())
	}
	if err != nil {
		return usageError{err}
	}
	a.settings = s
	a.readOnly = s.ReadOnly.Val
	a.netnsDir = s.NetnsDir.Val
	a.noColor = s.NoColor.Val
	return nil
}

// effective are the settings in effect: the defaults until they are loaded.
func (a *app) effective() *config.Settings {
	if a.settings == nil {
		return config.Defaults()
	}
	return a.settings
}

func newConfigCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "The configuration in effect, and where each value came from",
		Long: `Print the settings lazyns runs with, as TOML that can serve as a config file,
each line followed by where its value came from: "default", the config file and
line, "env NAME" or "flag --name".

Settings are read, each overriding the one before, from: defaults, the config
file ($XDG_CONFIG_HOME/lazyns/config.toml, by default ~/.config/lazyns/config.toml,
or --config FILE), the environment (LAZYNS_READ_ONLY, LAZYNS_NETNS_DIR,
LAZYNS_PROMPT, NO_COLOR), and flags. A missing file is fine; a bad one stops
lazyns with its file, line and what is wrong, unless --ignore-config is given.

The file:

    read_only = true          # refuse every change (--write lifts it once)
    netns_dir = "/run/netns"
    prompt = '({ns}) '                # put before your own prompt; {ns}: the namespace
    theme = "auto"            # dark, light or auto
    no_color = false
    refresh = "live"          # live, manual, or an interval such as "5s"

    [colors]                  # name, ifname, up, down, mac, inet, inet6, dim, warn, header
    up = "bright-green"       # a name, a number 0-255 or "#rrggbb"

    [keys]                    # an action = a key or a list of keys
    shell = ["z", "ctrl+s"]`,
		Example: `  lazyns config
  lazyns --config /etc/lazyns.toml config
  LAZYNS_READ_ONLY=1 lazyns config | grep read_only
  lazyns config > ~/.config/lazyns/config.toml   # a starting point`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.effective().Write(a.stdout)
		},
	}
}
