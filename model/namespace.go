// Package model holds the plain data lazyns reads from the kernel and pure
// functions over it. Nothing here makes a system call, so everything can be
// tested from constructed values.
package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// NsKey identifies a network namespace the way the kernel does: the device
// and inode of its nsfs file. Two paths with the same key are the same
// namespace, whatever their names.
type NsKey struct {
	Dev uint64
	Ino uint64
}

func (k NsKey) String() string { return fmt.Sprintf("net:[%d]", k.Ino) }

// Proc is a process whose network namespace is the one it is listed under.
type Proc struct {
	Pid  int
	Comm string
}

// Namespace is one network namespace and everything read from inside it.
type Namespace struct {
	Key NsKey
	// Name is the file name under the netns directory; empty when unnamed.
	Name string
	Host bool
	// Stale marks a name under the netns directory whose bind mount is gone:
	// a leftover file, not a namespace. Such an entry has no Key.
	Stale bool
	// Path is a file that opens this namespace.
	Path string
	// Mounts are nsfs bind mounts of it outside the netns directory.
	Mounts []string
	// FdHolders are "PID/FD" pairs of processes holding it open by a
	// descriptor (/proc/PID/fd/FD opens it).
	FdHolders []string
	// Procs are the processes inside it, the one that has been there
	// longest first (the rest by age too), so the first stays the same
	// while others join and leave; the host's are in pid order.
	Procs []Proc
	// Container is who holds it, as the cgroup (or command line) of its
	// first process says; nil when nothing does.
	Container *Container

	Links      []Link
	Routes     []Route
	Rules      []Rule
	Neighbours []Neighbour
	// Netfilter is its firewall, connection tracking and settings; nil
	// until read on demand (nsops.ReadNetfilter).
	Netfilter *Netfilter
	// NsIDs maps the kernel's namespace ids, as seen from this namespace, to
	// the namespaces they stand for. Only ids that something needed are set.
	NsIDs map[int]NsKey
	// Err is why this namespace could not be read (an *NsError: errors.Is
	// tells its kind); the rest is then partial.
	Err error
}

// Named reports whether the namespace has a name under the netns directory.
func (n *Namespace) Named() bool { return n.Name != "" }

// DisplayName is how a person refers to the namespace: its name, "host",
// the container holding it ("docker web1", "mininet h1"), the process that
// has held it longest, or where it is mounted. It may contain any byte the
// kernel allows; pass it through Visible before writing it to a terminal.
func (n *Namespace) DisplayName() string {
	switch {
	case n.Name != "":
		return n.Name
	case n.Host:
		return "host"
	case n.Container != nil:
		return n.Container.Label()
	case len(n.Procs) > 0:
		p := n.Procs[0]
		if p.Comm == "" {
			return fmt.Sprintf("pid %d", p.Pid)
		}
		return fmt.Sprintf("pid %d (%s)", p.Pid, p.Comm)
	case len(n.Mounts) > 0:
		return n.Mounts[0]
	case len(n.FdHolders) > 0:
		return "fd " + n.FdHolders[0]
	}
	return n.Key.String()
}

// Paths are the files that open the namespace, the best first: its Path,
// its mounts, its processes' links and the descriptors holding it. Any of
// them may be gone by the time someone opens it.
func (n *Namespace) Paths() []string {
	paths := make([]string, 0, 1+len(n.Mounts)+len(n.Procs)+len(n.FdHolders))
	if n.Path != "" {
		paths = append(paths, n.Path)
	}
	// Path is one of the others; they are distinct among themselves.
	add := func(p string) {
		if p != n.Path {
			paths = append(paths, p)
		}
	}
	for _, m := range n.Mounts {
		add(m)
	}
	for _, p := range n.Procs {
		add(ProcNsPath(p.Pid))
	}
	for _, h := range n.FdHolders {
		add(FdPath(h))
	}
	return paths
}

// ProcNsPath is the namespace link of a process: /proc/PID/ns/net.
func ProcNsPath(pid int) string { return "/proc/" + strconv.Itoa(pid) + "/ns/net" }

// FdPath is the file of a "PID/FD" descriptor holder: /proc/PID/fd/FD.
func FdPath(holder string) string {
	pid, fd, _ := strings.Cut(holder, "/")
	return "/proc/" + pid + "/fd/" + fd
}

// Pids lists the process ids inside the namespace.
func (n *Namespace) Pids() []int {
	pids := make([]int, len(n.Procs))
	for i, p := range n.Procs {
		pids[i] = p.Pid
	}
	return pids
}

// Empty reports a namespace nothing uses: no process, and no interface but
// the loopback. Operators hunt these as leaks.
func (n *Namespace) Empty() bool {
	if n.Stale || n.Host || len(n.Procs) > 0 || n.Err != nil {
		return false
	}
	for _, l := range n.Links {
		if l.Flags&IFF_LOOPBACK == 0 {
			return false
		}
	}
	return true
}

// Link returns the link with the given index, or nil.
func (n *Namespace) Link(index int) *Link {
	for i := range n.Links {
		if n.Links[i].Index == index {
			return &n.Links[i]
		}
	}
	return nil
}

// LinkByName returns the link with the given name, or nil.
func (n *Namespace) LinkByName(name string) *Link {
	for i := range n.Links {
		if n.Links[i].Name == name {
			return &n.Links[i]
		}
	}
	return nil
}

// Snapshot is every namespace on the host at one moment, in display order.
type Snapshot struct {
	Namespaces []Namespace
	// Warnings are parts of the picture that could not be read (a /proc
	// entry that vanished is not one: it is simply gone).
	Warnings []string
}

// Find returns the namespace with the given key, or nil.
func (s *Snapshot) Find(k NsKey) *Namespace {
	for i := range s.Namespaces {
		if s.Namespaces[i].Key == k && !s.Namespaces[i].Stale {
			return &s.Namespaces[i]
		}
	}
	return nil
}

// Host returns the host namespace, or nil.
func (s *Snapshot) Host() *Namespace {
	for i := range s.Namespaces {
		if s.Namespaces[i].Host {
			return &s.Namespaces[i]
		}
	}
	return nil
}

// Sort puts the host first, then named namespaces by name, then unnamed ones
// by display name, then stale names.
func (s *Snapshot) Sort() {
	rank := func(n *Namespace) int {
		switch {
		case n.Host:
			return 0
		case n.Stale:
			return 3
		case n.Named():
			return 1
		}
		return 2
	}
	sort.SliceStable(s.Namespaces, func(i, j int) bool {
		a, b := &s.Namespaces[i], &s.Namespaces[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		return strings.Compare(a.DisplayName(), b.DisplayName()) < 0
	})
}
