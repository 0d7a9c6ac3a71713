package pty

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/creack/pty"
	"github.com/lazyns/lazyns/nsops"
	"golang.org/x/sys/unix"
)

// startOnPty starts cmd inside the entry's namespace on a new
// pseudo-terminal of the given size and returns the terminal's master side.
//
// creack/pty leaves the master in blocking mode (it reaches the descriptor
// through File.Fd), where read deadlines do nothing: a process left in the
// background holding the terminal would keep a read blocked for as long as
// it lives. The master is handed back as a fresh, non-blocking File that
// the runtime polls; nothing may call its Fd method.
func startOnPty(entry *nsops.Entry, cmd *exec.Cmd, size *pty.Winsize) (*os.File, error) {
	var ptmx *os.File
	err := entry.Start(func() (err error) {
		if cmd.SysProcAttr == nil {
			ptmx, err = pty.StartWithSize(cmd, size)
		} else {
			ptmx, err = pty.StartWithAttrs(cmd, size, cmd.SysProcAttr)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	fd, err := unix.FcntlInt(ptmx.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	ptmx.Close()
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("pseudo-terminal: %w", err)
	}
	return os.NewFile(uintptr(fd), "/dev/ptmx"), nil
}

// setSize gives the terminal behind ptmx the size of the terminal tty,
// without making ptmx blocking.
func setSize(ptmx, tty *os.File) error {
	ws, err := unix.IoctlGetWinsize(int(tty.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return err
	}
	conn, err := ptmx.SyscallConn()
	if err != nil {
		return err
	}
	if cerr := conn.Control(func(fd uintptr) { err = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, ws) }); cerr != nil {
		return cerr
	}
	return err
}
