package main

import (
	"os"
	"strings"
	"unicode"

	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

func newCompletionCmd(*app) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print the shell completion script for bash, zsh or fish",
		Long: `Print a script that teaches the shell to complete lazyns commands, flags,
namespace names (read live from the netns directory when TAB is pressed) and
lab names. make install puts them where each shell looks; by hand:

    bash:  lazyns completion bash > /etc/bash_completion.d/lazyns
           (or: source <(lazyns completion bash) in ~/.bashrc)
    zsh:   lazyns completion zsh > "${fpath[1]}/_lazyns"
    fish:  lazyns completion fish > ~/.config/fish/completions/lazyns.fish`,
		Example: `  source <(lazyns completion bash)
  lazyns shell qr<TAB>      # completes qrouter-e945b6b1-…
  lazyns completion fish > ~/.config/fish/completions/lazyns.fish`,
		ValidArgs:   []string{"bash", "zsh", "fish"},
		Args:        cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		Annotations: map[string]string{skipConfig: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, w := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			default:
				return root.GenFishCompletion(w, true)
			}
		},
	}
}

// completeArgs gives the commands taking namespaces or lab names their
// completion, where their own file has not set one, so the command files
// stay free of it. Called once all commands are added.
func (a *app) completeArgs(root *cobra.Command) {
	byName := map[string]cobra.CompletionFunc{
		"show":  a.completeNamespaces,
		"shell": a.completeFirstNamespace,
		"exec":  a.completeFirstNamespace,
		"trace": a.completeFirstNamespace,
		"lab":   completeLab,
	}
	for _, cmd := range root.Commands() {
		f, ok := byName[cmd.Name()]
		if !ok {
			continue
		}
		if cmd.Name() == "lab" && cmd.HasSubCommands() {
			// lab up NAME, lab down NAME: the name is the subcommand's argument.
			for _, sub := range cmd.Commands() {
				if sub.ValidArgsFunction == nil && sub.Name() != "list" {
					sub.ValidArgsFunction = completeLabNames
				}
			}
			continue
		}
		if cmd.ValidArgsFunction == nil {
			cmd.ValidArgsFunction = f
		}
	}
}

// completeNamespaces completes every argument with a namespace: the names
// in the netns directory (read at each TAB, so new ones appear) and "host".
// Use it as the ValidArgsFunction of commands taking NS... .
func (a *app) completeNamespaces(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return a.namespaceNames(cmd, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeFirstNamespace completes the first argument with a namespace and
// leaves the ones after it to the shell's own completion (files, commands):
// for shell NS, exec NS -- CMD, trace NS DEST.
func (a *app) completeFirstNamespace(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return a.namespaceNames(cmd, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// labNames are the practice topologies of lazyns lab.
var labNames = labNamesList()

// completeLab completes lab up|down|list [NAME].
func completeLab(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return []string{"up", "down", "list"}, cobra.ShellCompDirectiveNoFileComp
	case 1:
		return labNames, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// completeLabNames completes the NAME of lab subcommands (lab up NAME);
// lab down offers only the labs that are up.
func completeLabNames(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	if cmd.Name() != "down" {
		return labNames, cobra.ShellCompDirectiveNoFileComp
	}
	dir := nsops.DefaultLabDir
	if f := cmd.Flag("state-dir"); f != nil {
		dir = f.Value.String()
	}
	var up []string
	for _, name := range labNames {
		if nsops.LabIsUp(dir, name) {
			up = append(up, name)
		}
	}
	return up, cobra.ShellCompDirectiveNoFileComp
}

// namespaceNames are "host" and the names in the netns directory that
// start with prefix, for completing an argument of cmd.
func (a *app) namespaceNames(cmd *cobra.Command, prefix string) []string {
	var names []string
	if strings.HasPrefix("host", prefix) {
		names = append(names, "host")
	}
	// The settings were loaded for __complete, which takes the words being
	// completed as its arguments: cobra parses the completed command's
	// flags only afterwards, so --netns-dir among them is read here.
	dir := a.netnsDir
	if f := cmd.Flags().Lookup("netns-dir"); f != nil && f.Changed {
		dir = f.Value.String()
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		// The completion protocol is one candidate per line, with a tab
		// before a description: such names cannot be offered intact.
		if strings.HasPrefix(name, prefix) && !strings.ContainsFunc(name, unicode.IsControl) {
			names = append(names, name)
		}
	}
	return names
}
