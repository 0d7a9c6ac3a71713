package nsops

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// EtcNetnsDir holds per-namespace configuration files, as ip netns uses it:
// /etc/netns/NAME/resolv.conf is seen as /etc/resolv.conf inside NAME.
const EtcNetnsDir = "/etc/netns"

// Entry is a way into one network namespace for new processes, made the way
// `ip netns exec` makes it: the process changes network namespace and, for
// any namespace but the host's, gets a private mount namespace (mounts
// propagate into it from the host, none out of it) with /sys mounted afresh
// so it lists the namespace's own devices, and, for a named namespace, each
// file under /etc/netns/NAME/ bind-mounted over its /etc counterpart.
type Entry struct {
	ns *model.Namespace
	// file holds the namespace open (netns.GetFromPath's handle).
	file netns.NsHandle
	// etc is /etc/netns/NAME for a named namespace.
	etc string
	// Warn, when set, is told what could not be set up (a bind mount that
	// failed): like ip netns exec, the process still starts. It is called
	// before the process starts, from another goroutine than Start's.
	Warn func(string)
	// ReadOnly starts processes that cannot change the kernel, whatever
	// they run (see ReadOnlyCapNames and readOnlyMounts): lazyns's
	// --read-only, kept by the kernel rather than by lazyns.
	ReadOnly bool
}

// Enter opens the namespace for entering; Close releases it.
func Enter(ns *model.Namespace) (*Entry, error) {
	if ns.Stale {
		return nil, fmt.Errorf("%q is a stale name: its namespace is gone", model.Visible(ns.Name))
	}
	f, err := openNs(ns)
	if err != nil {
		return nil, fmt.Errorf("open namespace %s: %w", model.Visible(ns.DisplayName()), openFailure(err))
	}
	e := &Entry{ns: ns, file: f}
	if ns.Named() && !ns.Host {
		e.etc = filepath.Join(EtcNetnsDir, ns.Name)
	}
	return e, nil
}

// Close releases the namespace file.
func (e *Entry) Close() error { return e.file.Close() }

// Start calls start on an OS thread that is inside the namespace, with the
// mounts in place: a process that start starts (os/exec, creack/pty) begins
// life inside, as it inherits the thread's namespaces. start must not block:
// do only the starting there.
//
// Go cannot run code between fork and exec, and a thread given its own
// mount namespace cannot be trusted with other goroutines afterwards (it
// also has its own root and working directory), so the thread is thrown
// away: its goroutine exits still locked, and the runtime ends the thread.
// Rather than re-executing lazyns as a helper, this keeps the mounts
// exactly as ip netns exec makes them (Go's own Unshareflags would make /
// private instead of a slave of the host's mounts).
//
// The same thread is where a read-only entry drops capabilities: they are
// the thread's own, the child inherits them at fork, and no other
// goroutine ever runs on the thread. Go's SysProcAttr can raise ambient
// capabilities but not shrink the bounding set, and a re-executed lazyns
// dropping them before execve would cost a second program start for
// every command.
func (e *Entry) Start(start func() error) error {
	return onThrowawayThread(func() error {
		if err := e.enterThread(); err != nil {
			return err
		}
		if e.ReadOnly {
			if err := dropReadOnlyCaps(); err != nil {
				return fmt.Errorf("read-only in %s: %w", model.Visible(e.ns.DisplayName()), err)
			}
		}
		keepFdsHome()
		return start()
	})
}

// closeRangeCloexec is CLOSE_RANGE_CLOEXEC (linux/close_range.h).
const closeRangeCloexec = 1 << 2

// inherited are the descriptors above standard error that lazyns was
// started with (lazyns exec ns -- prog 3<file): passed on to children, as
// ip netns exec passes them. They are the ones without close-on-exec when
// the package starts (those the runtime opened have it).
var inherited = func() map[int]bool {
	fds := openFds()
	for fd := range fds {
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC != 0 {
			delete(fds, fd)
		}
	}
	return fds
}()

// openFds lists the descriptors above standard error that are open.
func openFds() map[int]bool {
	fds := map[int]bool{}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return fds
	}
	for _, f := range ents {
		if fd, err := strconv.Atoi(f.Name()); err == nil && fd > 2 {
			fds[fd] = true
		}
	}
	return fds
}

// keepFdsHome marks every descriptor lazyns opened close-on-exec, so a
// child gets only what it is given and what lazyns was given. Go opens its
// own that way, but libraries do not all do so (the epoll descriptor of the
// cancelable reader Bubble Tea reads the keyboard through, for one), and a
// shell would inherit them.
func keepFdsHome() {
	if len(inherited) == 0 && unix.CloseRange(3, ^uint(0), closeRangeCloexec) == nil {
		return
	}
	for fd := range openFds() {
		if !inherited[fd] {
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}
}

// Exec replaces lazyns with the program argv[0] inside the namespace, as ip
// netns exec does: no parent stays behind, so signals, the terminal and the
// exit status are the program's own. It returns only on failure; an
// *exec.Error wrapping exec.ErrNotFound means no such command.
func (e *Entry) Exec(argv []string, env []string) error {
	return e.Start(func() error {
		// Looked up here, so the path is searched as the program will see it.
		path, err := exec.LookPath(argv[0])
		if err != nil {
			return err
		}
		return os.NewSyscallError("execve "+path, syscall.Exec(path, argv, env))
	})
}

// enterThread moves the locked calling thread into the namespace and, for
// any namespace but the host's, into a private mount namespace set up like
// ip netns exec's; a read-only entry gets one for the host's too, for its
// read-only mounts.
func (e *Entry) enterThread() error {
	name := model.Visible(e.ns.DisplayName())
	// The network namespace first: sysfs is mounted for the namespace of
	// the task that mounts it. Even the host's is entered, rather than
	// trusting the thread to be in it.
	if err := leaveForGood(e.file); err != nil {
		return fmt.Errorf("enter namespace %s: %w%s", name, err, privilegeHint(err))
	}
	if e.ns.Host && !e.ReadOnly {
		return nil
	}
	// CLONE_NEWNS also gives the thread its own root and working directory.
	if err := ownMountNamespace(); err != nil {
		return fmt.Errorf("make a mount namespace for %s: %w%s", name, err, privilegeHint(err))
	}
	// Mounts made inside must not reach the host; the host's still arrive.
	if err := unix.Mount("", "/", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf(`"mount --make-rslave /" for %s: %w`, name, os.NewSyscallError("mount", err))
	}
	if !e.ns.Host {
		e.remountSys()
		e.bindEtc()
	}
	if e.ReadOnly {
		return e.readOnlyMounts()
	}
	return nil
}

// remountSys mounts a sysfs that shows this namespace's devices over /sys.
func (e *Entry) remountSys() {
	var flags uintptr
	if err := unix.Unmount("/sys", unix.MNT_DETACH); err != nil {
		// Nothing to take away, or not allowed to: mount over it, keeping
		// it read-only if it was (a read-only sysfs cannot be shadowed by a
		// writable one).
		var st unix.Statfs_t
		if unix.Statfs("/sys", &st) == nil && st.Flags&unix.ST_RDONLY != 0 {
			flags = unix.MS_RDONLY
		}
	}
	if err := unix.Mount(e.ns.DisplayName(), "/sys", "sysfs", flags, ""); err != nil {
		e.warn("/sys still shows the host's devices: mount sysfs: %v", err)
	}
}

// bindEtc bind-mounts every entry of /etc/netns/NAME over /etc/ENTRY.
func (e *Entry) bindEtc() {
	if e.etc == "" {
		return
	}
	entries, err := os.ReadDir(e.etc)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			e.warn("read %s: %v", model.Visible(e.etc), err)
		}
		return
	}
	for _, ent := range entries {
		src := filepath.Join(e.etc, ent.Name())
		dst := filepath.Join("/etc", ent.Name())
		if err := unix.Mount(src, dst, "none", unix.MS_BIND, ""); err != nil {
			e.warn("bind %s over %s: %v", model.Visible(src), model.Visible(dst), err)
		}
	}
}

func (e *Entry) warn(format string, args ...any) {
	if e.Warn != nil {
		e.Warn(fmt.Sprintf(format, args...))
	}
}

// privilegeHint says what is missing when the kernel said no.
func privilegeHint(err error) string {
	if missing := Privileges(); errors.Is(err, unix.EPERM) && missing != "" {
		return ": " + missing
	}
	return ""
}

// Target discovers the namespaces and returns the one an NS argument
// (a name, "host", "pid:PID" or a path) names: the one to enter.
func (s *System) Target(arg string) (*model.Namespace, error) {
	a, err := model.ParseNsArg(arg)
	if err != nil {
		return nil, err
	}
	snap, err := s.Discover()
	if err != nil {
		return nil, err
	}
	return s.Locate(snap, a)
}
