package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/pty"
	"github.com/spf13/cobra"
)

func newExecCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exec NS -- CMD [ARG...]",
		Short: "Run one command inside a namespace, like ip netns exec",
		Long: `Run a command inside the namespace NS the way "ip netns exec" does: only the
network namespace changes; the command gets a private mount namespace in which
/sys lists the namespace's own devices and, for a named namespace, every file
under /etc/netns/NS/ is mounted over its /etc counterpart (resolv.conf, hosts).

lazyns is replaced by the command, as ip netns exec is: its standard input,
output and error, its terminal, its signals and its exit status are the
command's own. LAZYNS_NETNS holds the namespace's name inside.

With --read-only the command runs without CAP_NET_ADMIN, CAP_SYS_ADMIN and
CAP_SYS_MODULE, and nothing it starts gets them back (not sudo, not a setuid
or file-capability program), with /proc/sys and /sys read-only: the kernel
refuses its changes to the network ("Operation not permitted", "Read-only
file system"), and the reads that ask for CAP_NET_ADMIN too (nft list,
iptables -L, conntrack -L, ip xfrm). ping, tcpdump and ss -p still work.
LAZYNS_READ_ONLY=1 inside, so a lazyns started there is read-only too.

A command that is not found exits 127, one that cannot be run 126.`,
		Example: `  lazyns exec blue -- ip addr
  lazyns exec pid:1234 -- ss -tlnp
  echo 'nameserver 10.0.0.2' | lazyns exec blue -- tee /tmp/resolv`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			argv := args[1:]
			if argv[0] == "--" {
				argv = argv[1:]
			}
			if len(argv) == 0 {
				return usageError{errors.New("exec needs a command: lazyns exec NS -- CMD [ARG...]")}
			}
			ns, err := a.target(args[0])
			if err != nil {
				return err
			}
			return a.execIn(ns, argv)
		},
	}
	// Everything after NS belongs to the command, dashes included.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// target finds the one namespace an NS argument names.
func (a *app) target(arg string) (*model.Namespace, error) {
	sys, err := a.system()
	if err != nil {
		return nil, err
	}
	snap, err := sys.Discover()
	if err != nil {
		return nil, err
	}
	nss, err := a.locate(sys, snap, []string{arg})
	if err != nil {
		return nil, err
	}
	return nss[0], nil
}

// execIn runs argv in ns. When lazyns's standard streams are the
// process's own it replaces itself with the command; otherwise (lazyns run
// in-process, as tests do) the command is a child wired to the streams.
func (a *app) execIn(ns *model.Namespace, argv []string) error {
	entry, err := nsops.Enter(ns)
	if err != nil {
		return err
	}
	defer entry.Close()
	entry.Warn = func(w string) { fmt.Fprintf(a.stderr, "lazyns: warning: %s\n", w) }
	entry.ReadOnly = a.readOnly
	env := pty.Environ(ns, a.readOnly)
	if a.stdin == io.Reader(os.Stdin) && a.stdout == io.Writer(os.Stdout) && a.stderr == io.Writer(os.Stderr) {
		err = entry.Exec(argv, env)
	} else {
		err = a.execChild(entry, argv, env)
	}
	return a.commandError(ns, argv[0], err)
}

// execChild runs argv as a child with the app's streams and returns its
// exit status as an exitError.
func (a *app) execChild(entry *nsops.Entry, argv, env []string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	if cmd.Err != nil {
		return cmd.Err
	}
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, a.stdin, a.stdout, a.stderr
	// The terminal's signals reach the child by themselves; while it runs
	// lazyns only must not die of them. (Caught, not ignored: an ignored
	// signal would stay ignored in the child.)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	if err := entry.Start(cmd.Start); err != nil {
		return err
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return exitError{128 + int(ws.Signal())}
		}
		return exitError{exit.ExitCode()}
	}
	return err
}

// commandError turns a failure to start the command itself (not to enter
// the namespace) into a shell's exit statuses, each with one line: 127 not
// found, 126 found but not runnable.
func (a *app) commandError(ns *model.Namespace, name string, err error) error {
	var (
		exit   exitError
		lookup *exec.Error      // PATH search
		path   *fs.PathError    // fork/exec of a child
		call   *os.SyscallError // execve replacing lazyns
	)
	if err == nil || errors.As(err, &exit) {
		return err
	}
	starting := errors.As(err, &lookup) ||
		errors.As(err, &path) && path.Op == "fork/exec" ||
		errors.As(err, &call) && strings.HasPrefix(call.Syscall, "execve")
	switch {
	case !starting:
		return err
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(a.stderr, "lazyns: %s: command not found in %s\n", model.Visible(name), model.Visible(ns.DisplayName()))
		return exitError{127}
	}
	fmt.Fprintf(a.stderr, "lazyns: %s: cannot run it: %v\n", model.Visible(name), err)
	return exitError{126}
}
