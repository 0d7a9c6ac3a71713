package pty

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/creack/pty"
	"github.com/muesli/cancelreader"
)

// drainTime is how long output is still read after the child exits: a
// process it left in the background may hold the terminal open for good.
const drainTime = 200 * time.Millisecond

// terminalOf returns r as a file when it is a terminal.
func terminalOf(v any) *os.File {
	f, ok := v.(*os.File)
	if ok && term.IsTerminal(f.Fd()) {
		return f
	}
	return nil
}

// windowSize is the size of the first of files that is a terminal, or 80×24.
func windowSize(files ...any) *pty.Winsize {
	for _, v := range files {
		if f := terminalOf(v); f != nil {
			if ws, err := pty.GetsizeFull(f); err == nil && ws.Rows > 0 && ws.Cols > 0 {
				return ws
			}
		}
	}
	return &pty.Winsize{Rows: 24, Cols: 80}
}

// rawMode puts stdin in raw mode when it is a terminal, so every key goes
// to the shell as typed, and returns what puts it back.
func rawMode(stdin io.Reader) (restore func(), err error) {
	tty := terminalOf(stdin)
	if tty == nil {
		return func() {}, nil
	}
	state, err := term.MakeRaw(tty.Fd())
	if err != nil {
		return nil, fmt.Errorf("raw mode for the terminal: %w", err)
	}
	return func() { _ = term.Restore(tty.Fd(), state) }, nil
}

// relay connects a user's terminal (or any reader and writer) to ptmx
// until wait returns, then puts everything back: the signal handlers, and no goroutine left reading stdin, where it would
// steal the next key from whoever reads stdin after (the TUI). When lazyns
// is told to stop (SIGTERM, or SIGHUP as its terminal goes), hangup ends
// the child as a closed terminal would, and the terminal is still restored.
func relay(ptmx *os.File, stdin io.Reader, stdout io.Writer, wait func() error, hangup func()) error {
	sizer := firstTerminal(stdout, stdin)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGWINCH, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	defer func() { signal.Stop(sigs); close(done) }()
	go func() {
		for {
			select {
			case sig := <-sigs:
				if sig != syscall.SIGWINCH {
					hangup()
				} else if sizer != nil {
					_ = setSize(ptmx, sizer)
				}
			case <-done:
				return
			}
		}
	}()

	in, stopInput := cancelable(stdin)
	var inputDone sync.WaitGroup
	inputDone.Add(1)
	go func() {
		defer inputDone.Done()
		if _, err := io.Copy(ptmx, in); err == nil {
			// End of input (not a terminal, say a pipe): end of file for
			// the shell too, as the terminal's EOF character.
			_, _ = ptmx.Write([]byte{4})
		}
	}()
	outputDone := make(chan struct{})
	go func() {
		defer close(outputDone)
		_, _ = io.Copy(stdout, ptmx)
	}()

	err := wait()
	_ = ptmx.SetReadDeadline(time.Now().Add(drainTime))
	<-outputDone
	stopInput(inputDone.Wait)
	return err
}

func firstTerminal(files ...any) *os.File {
	for _, v := range files {
		if f := terminalOf(v); f != nil {
			return f
		}
	}
	return nil
}

// cancelable wraps r so that a read blocked in it can be stopped: stop
// cancels the read, waits with wait for the reader to return, and frees
// what the wrapping took. A reader that is not a terminal, pipe or socket
// cannot be stopped, and does not block for long anyway: stop leaves it.
func cancelable(r io.Reader) (io.Reader, func(wait func())) {
	f, ok := r.(*os.File)
	if !ok || !pollable(f) {
		return r, func(func()) {}
	}
	cr, err := cancelreader.NewReader(f)
	if err != nil {
		return r, func(func()) {}
	}
	return cr, func(wait func()) {
		if cr.Cancel() {
			wait()
		}
		_ = cr.Close()
	}
}

// pollable tells whether epoll works on f, as cancelreader needs.
func pollable(f *os.File) bool {
	st, err := f.Stat()
	if err != nil {
		return false
	}
	m := st.Mode()
	switch {
	case m&os.ModeNamedPipe != 0, m&os.ModeSocket != 0:
		return true
	case m&os.ModeCharDevice != 0:
		return term.IsTerminal(f.Fd())
	}
	return false
}
