package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

// arg0 is the path lazyns was run as, set by main; "" when run in-process
// (tests), where hints say "lazyns".
var arg0 string

// selfName is how the lab's hints name this lazyns, so that what they
// print runs as printed.
func selfName() string {
	if arg0 == "" {
		return "lazyns"
	}
	return selfCommand(arg0)
}

// selfCommand is the command that runs this binary again, given the path
// it was run as (os.Args[0]): that name when it is on PATH and leads to
// this binary ("lazyns" once installed), else the path made absolute
// ("make run" leaves the binary in bin/, which is not on PATH).
func selfCommand(runAs string) string {
	exe, err := os.Executable()
	if err != nil {
		exe = runAs
	}
	for _, name := range []string{runAs, "lazyns"} {
		if strings.Contains(name, "/") {
			continue
		}
		if p, err := exec.LookPath(name); err == nil && sameFile(p, exe) {
			return model.ShellQuote(name)
		}
	}
	path := exe
	if strings.Contains(runAs, "/") {
		if abs, err := filepath.Abs(runAs); err == nil && sameFile(abs, exe) {
			path = abs
		}
	}
	return model.ShellQuote(path)
}

func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// selfHint is a hint of the lab plans ("lazyns shell lz-veth-red …") with
// this binary's command in place of "lazyns".
func selfHint(hint string) string {
	if rest, ok := strings.CutPrefix(hint, "lazyns "); ok {
		return selfName() + " " + rest
	}
	return hint
}

// labFlags are shared by the lab subcommands; prefix and state dir are
// hidden, for tests that must not touch a user's labs.
type labFlags struct {
	prefix, dir string
}

func newLabCmd(a *app) *cobra.Command {
	lf := &labFlags{}
	cmd := &cobra.Command{
		Use:   "lab up|down|list [NAME]",
		Short: "Build or remove a practice topology",
		Long: `Practice topologies from the classic tutorials, built through the same changes
as the terminal UI. lab up records exactly what it made (in ` + nsops.DefaultLabDir + `),
and lab down removes that and nothing else. A lab whose up fails halfway leaves
nothing behind.

Labs: ` + strings.Join(labNamesList(), ", ") + `.`,
		Example: `  lazyns lab list
  lazyns lab up bridge
  lazyns lab up router --print      # the ip commands, not run
  lazyns lab up openstack --routers 500
  lazyns lab down bridge`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&lf.prefix, "prefix", model.DefaultLabPrefix, "start of the names the lab gives")
	pf.StringVar(&lf.dir, "state-dir", nsops.DefaultLabDir, "where lab up records what it made")
	_ = pf.MarkHidden("prefix")
	_ = pf.MarkHidden("state-dir")
	cmd.AddCommand(newLabListCmd(a, lf), newLabUpCmd(a, lf), newLabDownCmd(a, lf))
	return cmd
}

func labNamesList() []string {
	var names []string
	for _, l := range model.Labs() {
		names = append(names, l.Name)
	}
	return names
}

func newLabListCmd(a *app, lf *labFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "The labs, and which are up",
		Example: `  lazyns lab list`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			up := nsops.LabList(lf.dir)
			for _, l := range model.Labs() {
				state := "not up"
				if st, ok := up[l.Name]; ok {
					state = fmt.Sprintf("up since %s, %d namespaces", st.Created.Local().Format("15:04"), len(st.Namespaces))
				}
				fmt.Fprintf(a.stdout, "%-13s %s\n%-13s %s\n", l.Name, l.Summary, "", state)
			}
			return nil
		},
	}
}

func labPlan(name string, lf *labFlags, routers int, routersSet bool) (*model.LabPlan, error) {
	lab, err := model.FindLab(name)
	if err != nil {
		return nil, usageError{err}
	}
	if routersSet && !lab.Sized {
		return nil, usageError{fmt.Errorf("--routers is for the openstack lab")}
	}
	if routersSet && (routers < 1 || routers > model.MaxLabRouters) {
		return nil, usageError{fmt.Errorf("--routers takes 1 to %d, not %d", model.MaxLabRouters, routers)}
	}
	plan, err := lab.Plan(model.LabOptions{Prefix: lf.prefix, Routers: routers, Seed: uint64(time.Now().UnixNano())})
	if err != nil {
		return nil, usageError{err}
	}
	return plan, nil
}

func newLabUpCmd(a *app, lf *labFlags) *cobra.Command {
	var print bool
	var routers int
	cmd := &cobra.Command{
		Use:   "up NAME [--print] [--routers N]",
		Short: "Build a lab",
		Long: `Build a lab through the same changes as the terminal UI, recording what it
made. With --print, print the ip commands that build it instead (no root needed;
run them with bash to build the same topology by hand).`,
		Example: `  lazyns lab up bridge
  lazyns lab up router --print
  lazyns lab up openstack --routers 500`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			plan, err := labPlan(args[0], lf, routers, cmd.Flags().Changed("routers"))
			if err != nil {
				return err
			}
			if print {
				fmt.Fprintf(a.stdout, "# lazyns lab %s: the ip commands that build it\nset -e\n", plan.Lab)
				for _, c := range plan.Cmds() {
					fmt.Fprintln(a.stdout, c.String())
				}
				return nil
			}
			if missing := nsops.Privileges(); missing != "" {
				return fmt.Errorf("lab up %s %s; or read its commands with: %s lab up %s --print", plan.Lab, missing, selfName(), plan.Lab)
			}
			sys, err := a.system()
			if err != nil {
				return err
			}
			start := time.Now()
			progress := a.labProgress(plan, start)
			// ctrl+c stops the build, and what was made is removed.
			ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt, syscall.SIGTERM)
			defer stop()
			_, err = sys.LabUp(ctx, plan, lf.prefix, lf.dir, progress)
			if progress != nil && len(plan.Units) > 0 {
				fmt.Fprint(a.stderr, "\r\033[K")
			}
			if errors.Is(err, nsops.ErrLabUp) {
				return fmt.Errorf("lab %s is already up (take it down with: %s lab down %s)", plan.Lab, selfName(), plan.Lab)
			}
			if err != nil {
				return err
			}
			st := nsops.LabList(lf.dir)[plan.Lab]
			nsCount, linkCount := 0, 0
			if st != nil {
				nsCount, linkCount = len(st.Namespaces), len(st.HostLinks)
			}
			fmt.Fprintf(a.stdout, "lab %s is up: %d namespaces, %d links in the host (%s)\n", plan.Lab, nsCount, linkCount, time.Since(start).Round(time.Millisecond))
			if plan.Try != "" {
				fmt.Fprintf(a.stdout, "try: %s\n", selfHint(plan.Try))
			}
			fmt.Fprintf(a.stdout, "remove it with: %s lab down %s\n", selfName(), plan.Lab)
			return nil
		},
	}
	cmd.Flags().BoolVar(&print, "print", false, "print the ip commands instead of running them")
	cmd.Flags().IntVar(&routers, "routers", model.DefaultLabRouters, "openstack: how many routers (each with a DHCP namespace)")
	return cmd
}

// labProgress is a progress line on a terminal's stderr, shown once the
// build takes longer than a moment; nil when stderr is not a terminal.
func (a *app) labProgress(plan *model.LabPlan, start time.Time) func(done, total int) {
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) || len(plan.Units) == 0 {
		return nil
	}
	var last time.Time
	return func(done, total int) {
		now := time.Now()
		if now.Sub(start) < 300*time.Millisecond || (now.Sub(last) < 100*time.Millisecond && done < total) {
			return
		}
		last = now
		const width = 30
		filled := width * done / total
		fmt.Fprintf(f, "\r\033[Kbuilding %s [%s%s] %d/%d %s", plan.Lab,
			strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, plan.Unit)
	}
}

func newLabDownCmd(a *app, lf *labFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "down NAME",
		Short:   "Remove what lab up made",
		Example: `  lazyns lab down bridge`,
		Args:    cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if _, err := model.FindLab(args[0]); err != nil {
				return usageError{err}
			}
			if missing := nsops.Privileges(); missing != "" && nsops.LabIsUp(lf.dir, args[0]) {
				return fmt.Errorf("lab down %s %s", args[0], missing)
			}
			sys, err := a.system()
			if err != nil {
				return err
			}
			err = sys.LabDown(args[0], lf.dir)
			if errors.Is(err, nsops.ErrLabDown) {
				fmt.Fprintf(a.stdout, "lab %s is not up: nothing to remove\n", args[0])
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "lab %s is down\n", args[0])
			return nil
		},
	}
}
