package main

import (
	"github.com/lazyns/lazyns/pty"
	"github.com/spf13/cobra"
)

func newShellCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shell NS [--prompt TEMPLATE]",
		Short: "An interactive shell inside a namespace, its prompt naming it",
		Long: `Start your shell ($SHELL, else bash, else sh) inside the namespace NS on a new
terminal, entered the way "ip netns exec" enters it (see lazyns exec --help).
Your own startup files are read as usual; then the prompt is prefixed with the
namespace's name, as in

  [netns qrouter-e945b6b1…] root@host:~#

for bash, zsh and POSIX shells (dash, sh, ksh). The name is only ever shown,
never run, whatever it contains. LAZYNS_NETNS holds it inside the shell.

The prefix comes from a template, shown as it is written, with {ns} standing
for the name: --prompt, else $LAZYNS_PROMPT, else the config file's prompt,
else "[netns {ns}] ". Exit the shell to come back; lazyns exits with the
shell's status.

With --read-only the prompt starts with READ-ONLY, and the shell and all it
starts cannot change the network (see lazyns exec --help).`,
		Example: `  lazyns shell blue
  lazyns shell pid:1234 --prompt '({ns}) '
  LAZYNS_PROMPT='{ns}: ' lazyns shell host`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ns, err := a.target(args[0])
			if err != nil {
				return err
			}
			sh, err := pty.NewShell(ns, pty.Options{Prompt: a.effective().Prompt.Val, Color: a.color(a.stdout), ReadOnly: a.readOnly})
			if err != nil {
				return err
			}
			sh.SetStdin(a.stdin)
			sh.SetStdout(a.stdout)
			sh.SetStderr(a.stderr)
			if err := sh.Run(); err != nil {
				return err
			}
			if code := sh.ExitCode(); code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
	return cmd
}
