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
// (its own namespace is known through it already). nsfsDev is the device
// every namespace file has.
//
// Most descriptors say what they are in their link's text: "net:[…]" is a
// namespace, "socket:[…]", "pipe:[…]" and "anon_inode:…" are not. One
// opened by a path (a name under /run/netns, a bind mount elsewhere) reads
// as that path, or as "/" once the name is deleted: those are checked for
// what they are, first by device (one stat, no open), then by file system
// and namespace type. Devices and /proc or /sys files are never namespaces.
func (r *ProcReader) netnsFds(pid int, own, nsfsDev uint64) []fdRef {
	var out []fdRef
	r.eachFd(pid, func(dir int, name string, link []byte) {
		var ino uint64
		var ok bool
		switch {
		case len(link) > 5 && string(link[:5]) == "net:[":
			ino, ok = ParseNsLink(string(link), "net")
		case len(link) == 0 || link[0] != '/':
			return // socket:[…], pipe:[…], anon_inode:…, other namespaces
		case hasAnyPrefix(link, "/dev/", "/proc/", "/sys/", "/memfd:"):
			return
		default:
			var st unix.Stat_t
			if unix.Fstatat(dir, name, &st, 0) != nil || st.Dev != nsfsDev {
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

func hasAnyPrefix(b []byte, prefixes ...string) bool {
	for _, p := range prefixes {
		if len(b) >= len(p) && string(b[:len(p)]) == p {
			return true
		}
	}
	return false
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
