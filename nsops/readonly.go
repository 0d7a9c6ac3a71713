package nsops

import (
	"errors"
	"fmt"
	"os"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// readOnlyCaps are the capabilities a shell or command started under
// --read-only runs without. CAP_NET_ADMIN is what every change to the
// network asks for (links, addresses, routes, rules, firewall, tc);
// CAP_SYS_ADMIN enters, makes and mounts namespaces and undoes the
// read-only mounts; CAP_SYS_MODULE loads code into the kernel.
// CAP_NET_RAW stays, so ping and tcpdump work; CAP_SYS_PTRACE stays, so
// ss -p and lsof still name the processes that hold sockets.
var readOnlyCaps = []struct {
	bit  int
	name string
}{
	{unix.CAP_NET_ADMIN, "CAP_NET_ADMIN"},
	{unix.CAP_SYS_ADMIN, "CAP_SYS_ADMIN"},
	{unix.CAP_SYS_MODULE, "CAP_SYS_MODULE"},
}

// ReadOnlyCapNames names the capabilities a read-only shell or command
// runs without, for messages.
func ReadOnlyCapNames() []string {
	names := make([]string, len(readOnlyCaps))
	for i, c := range readOnlyCaps {
		names[i] = c.name
	}
	return names
}

// dropReadOnlyCaps takes readOnlyCaps away from the calling thread and from
// every process it starts, for good. Capabilities belong to a thread in
// Linux, not to the process: the caller must be a locked thread that
// never runs another goroutine again (Entry.Start's).
//
// They leave the bounding set first: execve gives a root process every
// capability in it, and setuid programs and file capabilities are limited
// by it too, so without this the next program started would have them
// back. Then the effective, permitted and inheritable sets; the kernel
// lowers the ambient set with the last two.
func dropReadOnlyCaps() error {
	for _, c := range readOnlyCaps {
		in, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c.bit), 0, 0, 0)
		if errors.Is(err, unix.EINVAL) || err == nil && in == 0 {
			continue // unknown to this kernel, or already out
		}
		if err == nil {
			err = unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c.bit), 0, 0, 0)
		}
		if errors.Is(err, unix.EPERM) {
			// Without CAP_SETPCAP the bounding set cannot shrink. With
			// no_new_privs no execve grants what the thread does not
			// hold (not for root, not through setuid or file
			// capabilities), and the sets below take that away.
			err = unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
		}
		if err != nil {
			return fmt.Errorf("drop %s from the bounding set: %w", c.name, os.NewSyscallError("prctl", err))
		}
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3} // Pid 0: this thread
	var sets [2]unix.CapUserData                                        // capabilities 0–31, 32–63
	if err := unix.Capget(&hdr, &sets[0]); err != nil {
		return fmt.Errorf("read this thread's capabilities: %w", os.NewSyscallError("capget", err))
	}
	for _, c := range readOnlyCaps {
		keep := ^uint32(1 << (c.bit % 32))
		s := &sets[c.bit/32]
		s.Effective &= keep
		s.Permitted &= keep
		s.Inheritable &= keep
	}
	if err := unix.Capset(&hdr, &sets[0]); err != nil {
		return fmt.Errorf("drop capabilities: %w", os.NewSyscallError("capset", err))
	}
	return nil
}

// readOnlyPaths are mounted read-only for a read-only entry. Without
// CAP_NET_ADMIN the kernel still lets root write most of /proc/sys/net by
// the files' modes (rp_filter, disable_ipv6, the tcp_ settings); /sys
// checks the capability itself, but nothing there needs writing either.
var readOnlyPaths = []string{"/proc/sys", "/sys"}

// readOnlyMounts binds each of readOnlyPaths read-only over itself in the
// thread's private mount namespace; without CAP_SYS_ADMIN the process
// started cannot undo it. A failure refuses the start: the promise would
// not hold.
func (e *Entry) readOnlyMounts() error {
	for _, path := range readOnlyPaths {
		if err := bindReadOnly(path); err != nil {
			return fmt.Errorf("read-only in %s: mount %s read-only: %w", model.Visible(e.ns.DisplayName()), path, err)
		}
	}
	return nil
}

// remountKept are the flags a read-only remount keeps from the mount it
// remounts (statfs's ST_ flags have the values of the MS_ mount flags): a
// remount sets every per-mount flag at once, and /sys is nosuid, nodev,
// noexec.
const remountKept = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_RELATIME

func bindReadOnly(path string) error {
	if err := unix.Mount(path, path, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return os.NewSyscallError("mount --rbind", err)
	}
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return os.NewSyscallError("statfs", err)
	}
	flags := unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | uintptr(st.Flags)&remountKept
	if err := unix.Mount("", path, "", flags, ""); err != nil {
		return os.NewSyscallError("mount -o remount,bind,ro", err)
	}
	return nil
}
