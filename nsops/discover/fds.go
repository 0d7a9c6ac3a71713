package discover

import (
	"strconv"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// fdRef is a descriptor holding a network namespace open.
type fdRef struct {
	fd  int
	ino uint64
}

// netnsFds lists pid's descriptors on network namespaces other than own
// (its own namespace is known through it already).
//
// Most descriptors say what they are in their link's text: "net:[…]" is a
// namespace; "socket:[…]", "pipe:[…]", "anon_inode:…", a device or a
// plain file is not. One opened by a path (a name under /run/netns) reads
// as that path while it is mounted, and as "/" once the name is deleted:
// "/" (and a text too long to tell) is checked for what it is — same
// device as nsfs (one stat, no open), then nsfs's magic and the net type
// by ioctl. A mount point of the host's is the namespace mounted there
// when the process sees the host's mounts; in another mount namespace the
// same path may be another namespace, so it is checked too. Checking every
// path a process holds open would cost a stat per log file on every
// reload; a name mounted only in another mount namespace is missed, as
// its mount is.
func (r *ProcReader) netnsFds(pid int, own uint64, h *fdHints) []fdRef {
	var out []fdRef
	sameMounts := -1 // unknown until a mount point is met
	r.eachFd(pid, func(dir int, name string, link []byte) {
		var ino uint64
		var ok bool
		switch {
		case len(link) > 5 && string(link[:5]) == "net:[":
			ino, ok = ParseNsLink(string(link), "net")
		case len(link) == 0 || link[0] != '/':
			return // socket:[…], pipe:[…], anon_inode:…, other namespaces
		default:
			at, isMount := h.mounted[string(link)]
			if !isMount && len(link) != 1 && len(link) != len(r.link) {
				return // a file, a device: not "/", no mount point, not cut short
			}
			if isMount {
				if sameMounts < 0 {
					sameMounts = 0
					if r.mntNs(pid) == h.mntNs && h.mntNs != "" {
						sameMounts = 1
					}
				}
				if sameMounts == 1 {
					ino, ok = at, true
					break
				}
			}
			var st unix.Stat_t
			if unix.Fstatat(dir, name, &st, 0) != nil || st.Dev != h.nsfsDev {
				return
			}
			ino, ok = netNsAt(dir, name)
		}
		if !ok || ino == own {
			return
		}
		if fd, err := strconv.Atoi(name); err == nil {
			out = append(out, fdRef{fd: fd, ino: ino})
		}
	})
	return out
}

// fdHints is what netnsFds needs to know about the host.
type fdHints struct {
	nsfsDev uint64            // the device of every namespace file
	mounted map[string]uint64 // network namespace mount points, by path
	mntNs   string            // the host's mount namespace, "mnt:[…]"
}

// mntNs is the text of pid's mount namespace link, or "".
func (r *ProcReader) mntNs(pid int) string {
	n, err := unix.Readlink(r.path(pid, "/ns/mnt"), r.link[:])
	if err != nil {
		return ""
	}
	return string(r.link[:n])
}

// fds records the namespaces held open by a descriptor: a namespace no
// process is in and no name or mount keeps (`exec 3</proc/PID/ns/net`,
// then PID exits; or a name deleted while a descriptor holds it) is found
// only here, and opened through /proc/HOLDER/fd/N.
func (d *discovery) fds(scan []procScan) {
	for _, p := range scan {
		for _, f := range p.fds {
			ref := strconv.Itoa(p.pid) + "/" + strconv.Itoa(f.fd)
			d.add(f.ino, func(ns *model.Namespace) {
				ns.FdHolders = append(ns.FdHolders, ref)
				if ns.Path == "" {
					ns.Path = model.FdPath(ref)
				}
			})
		}
	}
}
