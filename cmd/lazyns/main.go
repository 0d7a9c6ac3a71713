// Command lazyns is a terminal UI and command line for Linux network
// namespaces. This package holds the commands (one file each, listed in
// commands below) and wires them to the other packages. The settings
// are in internal/config, what the UI is given of the host in
// internal/host, and the end-to-end and system tests in e2e.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Stamped by the Makefile (-ldflags -X).
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	arg0 = os.Args[0]
	stampFromBuild()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError marks a mistake in what the user typed: exit code 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// exitError carries a command's exit status without a message (exec).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(a)
	root.SetArgs(args)
	err := root.Execute()
	a.close()
	if err == nil {
		return 0
	}
	var exit exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	fmt.Fprintf(stderr, "lazyns: %v\n", err)
	var usage usageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "lazyns",
		Short: "See and change Linux network namespaces",
		Long: `lazyns shows every network namespace on the host — named ones under the netns
directory, the host's own, and unnamed ones held by processes, open files or
bind mounts — with their interfaces, addresses, routes, rules and neighbours,
and where each veth's other end lives.

Run without a command to open the terminal UI.

NS, wherever a command takes one, is a name under the netns directory, "host"
for the namespace lazyns runs in, "pid:PID" for the namespace of a process, a
path to a namespace file (anything containing a slash), or a part of a name
that no other name contains, in any case (8c35c77a for qrouter-8c35c77a-…); a
whole name wins, and a part of several names lists them and exits 2.`,
		Example: `  lazyns                        # the terminal UI
  lazyns list                   # one line per namespace
  lazyns show qrouter-e945b6b1 --json | jq '.[].links[].ifname'`,
		Version:       fmt.Sprintf("%s (commit %s, built %s)", version, commit, date),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return startUI(a)
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("lazyns {{.Version}}\n")
	root.Flags().StringVar(&a.uiFilter, "filter", "", "open the UI with the namespace list filtered (part of a name, interface or address)")
	a.configure(root)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(commands(a)...)
	a.completeArgs(root)
	argsAreUsage(root)
	return root
}

// commands are lazyns's commands: a new one is a line here (--help, the
// man pages and completion list them in alphabetical order whatever the
// order here).
func commands(a *app) []*cobra.Command {
	return []*cobra.Command{
		newListCmd(a),
		newShowCmd(a),
		newIPCmd(a),
		newCaptureCmd(a),
		newTopoCmd(a),
		newTraceCmd(a),
		newShellCmd(a),
		newExecCmd(a),
		newLabCmd(a),
		newConfigCmd(a),
		newCompletionCmd(a),
		newManCmd(a),
	}
}

// argsAreUsage makes a wrong number of arguments, or an unknown command, a
// usage error (exit 2) like a wrong flag.
func argsAreUsage(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				// cobra says "accepts 2 arg(s), received 1": add what to type.
				return usageError{fmt.Errorf("%s: %w (usage: %s; see: %s --help)", c.Name(), err, c.UseLine(), c.CommandPath())}
			}
			return nil
		}
	} else if cmd.HasSubCommands() || cmd.RunE == nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := cobra.NoArgs(c, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		argsAreUsage(sub)
	}
}
