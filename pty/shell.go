package pty

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
)

// Shell is an interactive shell inside a namespace, on its own
// pseudo-terminal, relayed to the user's terminal. It is a
// tea.ExecCommand: the UI hands it the terminal with tea.Exec.
type Shell struct {
	ns     *model.Namespace
	path   string
	prompt string
	opt    Options

	stdin          io.Reader
	stdout, stderr io.Writer
	code           int
}

// NewShell prepares a shell in ns; it fails at once, in one line, when
// there is no shell to start.
func NewShell(ns *model.Namespace, opt Options) (*Shell, error) {
	path := opt.Shell
	if path == "" {
		var err error
		if path, err = ChooseShell(os.Getenv); err != nil {
			return nil, err
		}
	} else if _, err := exec.LookPath(path); err != nil {
		return nil, fmt.Errorf("shell %s not found: install it or choose another", model.Visible(path))
	}
	prompt := PromptText(opt.template(os.Getenv), ns.DisplayName())
	if opt.ReadOnly {
		prompt = readOnlyMark + prompt
	}
	return &Shell{
		ns:     ns,
		path:   path,
		prompt: prompt,
		opt:    opt,
		stdin:  os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
	}, nil
}

func (s *Shell) SetStdin(r io.Reader)  { s.stdin = r }
func (s *Shell) SetStdout(w io.Writer) { s.stdout = w }
func (s *Shell) SetStderr(w io.Writer) { s.stderr = w }

// Path is the shell that runs.
func (s *Shell) Path() string { return s.path }

// ExitCode is the shell's exit status once Run has returned (128+N when a
// signal N ended it).
func (s *Shell) ExitCode() int { return s.code }

// Run starts the shell and relays the terminal until it exits. A shell
// that exits with a status of its own is not an error: see ExitCode.
func (s *Shell) Run() error {
	name := model.Visible(s.ns.DisplayName())
	if outer := os.Getenv(NetnsEnv); outer != "" {
		// Say where the user is, rather than nest shells silently.
		fmt.Fprintf(s.stderr, "lazyns: this terminal is already in a lazyns shell in %s; starting one in %s inside it (exit returns to %s)\n",
			model.Visible(outer), name, model.Visible(outer))
	}
	start, err := prepareShell(s.path, s.prompt, s.opt.Color, Environ(s.ns, s.opt.ReadOnly))
	if err != nil {
		return err
	}
	defer start.cleanup()
	if !start.prompted {
		fmt.Fprintf(s.stderr, "lazyns: cannot set the prompt of %s; $%s says where you are (%s)\n", model.Visible(s.path), NetnsEnv, name)
	}
	if s.opt.ReadOnly {
		fmt.Fprintf(s.stderr, "lazyns: read-only shell: the kernel refuses changes made from it (it runs without %s)\n",
			strings.Join(nsops.ReadOnlyCapNames(), ", "))
	}

	entry, err := nsops.Enter(s.ns)
	if err != nil {
		return err
	}
	defer entry.Close()
	entry.ReadOnly = s.opt.ReadOnly
	entry.Warn = func(w string) { fmt.Fprintf(s.stderr, "lazyns: warning: %s\n", w) }
	cmd := &exec.Cmd{Path: s.path, Args: start.args, Env: start.env}
	ptmx, err := startOnPty(entry, cmd, windowSize(s.stdout, s.stdin))
	if err != nil {
		return fmt.Errorf("start %s in %s: %w", model.Visible(s.path), name, err)
	}
	defer ptmx.Close()
	// The shell leads its own session: its process group is its pid.
	hangup := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGHUP) }
	// Raw only now, so warnings above were written to a terminal in its
	// usual mode.
	restore, err := rawMode(s.stdin)
	if err != nil {
		hangup()
		_ = cmd.Wait()
		return err
	}
	defer restore()
	err = relay(ptmx, s.stdin, s.stdout, cmd.Wait, hangup)
	s.code = exitCode(cmd.ProcessState)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil
	}
	return err
}

// exitCode is a finished process's status as a shell reports it.
func exitCode(st *os.ProcessState) int {
	if st == nil {
		return -1
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return st.ExitCode()
}
