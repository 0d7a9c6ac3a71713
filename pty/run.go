package pty

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
)

// MaxOutput bounds what Run keeps of a command's output: `yes` must not
// fill the memory of the UI. The command is stopped when it is reached.
const MaxOutput = 4 << 20

// Run runs a command line with the shell (opt.Shell, else as ChooseShell picks it; with -c)
// inside ns on a new pseudo-terminal, so programs colour their output as on
// a terminal, and returns what it printed and its exit status (128+N when
// signal N ended it). Its standard input is /dev/null: nobody is there to
// type. Line ends come back as "\n", not the terminal's "\r\n". When ctx
// ends the command's whole process group is killed and ctx's error returned
// with what was printed so far.
func Run(ctx context.Context, ns *model.Namespace, command string, opt Options) ([]byte, int, error) {
	shell := opt.Shell
	if shell == "" {
		var err error
		if shell, err = ChooseShell(os.Getenv); err != nil {
			return nil, -1, err
		}
	}
	entry, err := nsops.Enter(ns)
	if err != nil {
		return nil, -1, err
	}
	defer entry.Close()
	entry.ReadOnly = opt.ReadOnly

	cmd := exec.Command(shell, "-c", command)
	cmd.Env = Environ(ns, opt.ReadOnly)
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, -1, err
	}
	defer devnull.Close()
	cmd.Stdin = devnull
	// The terminal is fd 1, as fd 0 is /dev/null.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	ptmx, err := startOnPty(entry, cmd, windowSize(os.Stdout))
	if err != nil {
		return nil, -1, fmt.Errorf("run in %s: %w", model.Visible(ns.DisplayName()), err)
	}
	defer ptmx.Close()

	var out bytes.Buffer
	full := make(chan struct{})
	read := make(chan struct{})
	go func() {
		defer close(read)
		var dst io.Writer = &out
		if opt.Live != nil {
			dst = io.MultiWriter(&out, opt.Live)
		}
		n, _ := io.Copy(dst, io.LimitReader(ptmx, MaxOutput))
		if n == MaxOutput {
			close(full)
		}
	}()
	exited := make(chan struct{})
	go func() {
		// The status is read from ProcessState below.
		_ = cmd.Wait()
		close(exited)
	}()

	var runErr error
	select {
	case <-exited:
	case <-full:
		killGroup(cmd)
		<-exited
	case <-ctx.Done():
		killGroup(cmd)
		<-exited
		runErr = ctx.Err()
	}
	_ = ptmx.SetReadDeadline(time.Now().Add(drainTime))
	<-read
	text := bytes.ReplaceAll(out.Bytes(), []byte("\r\n"), []byte("\n"))
	select {
	case <-full:
		text = append(text, fmt.Sprintf("\n[lazyns: output cut at %d MiB, command stopped]\n", MaxOutput>>20)...)
	default:
	}
	return text, exitCode(cmd.ProcessState), runErr
}

// killGroup ends the command and everything it started on its terminal.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
