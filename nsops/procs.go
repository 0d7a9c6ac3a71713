package nsops

import (
	"context"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// Processes lists the processes inside ns with their command lines, read
// from /proc now: the snapshot's list misses processes started since.
func (s *System) Processes(ctx context.Context, ns *model.Namespace) ([]model.Process, error) {
	pids, err := pidsIn(ns.Key)
	if err != nil {
		return nil, err
	}
	out := make([]model.Process, 0, len(pids))
	for _, pid := range pids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		base := "/proc/" + strconv.Itoa(pid)
		comm, err := os.ReadFile(base + "/comm")
		if err != nil {
			continue // it exited
		}
		p := model.Process{Pid: pid, Comm: strings.TrimSuffix(string(comm), "\n")}
		if b, err := os.ReadFile(base + "/cmdline"); err == nil && len(b) > 0 {
			p.Cmdline = strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
		}
		out = append(out, p)
	}
	return out, nil
}

// listPids lists the processes on the host, in pid order, lazyns excluded.
func listPids() ([]int, error) {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return nil, err
	}
	self := os.Getpid()
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid != self {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// pidsIn lists the processes whose network namespace is key.
func pidsIn(key model.NsKey) ([]int, error) {
	var out []int
	err := eachProcNs(func(pid int, ino uint64) {
		if ino == key.Ino {
			out = append(out, pid)
		}
	})
	return out, err
}

// eachProcNs calls fn with every process and the inode of its network
// namespace, skipping processes that exit meanwhile.
func eachProcNs(fn func(pid int, ino uint64)) error {
	all, err := listPids()
	if err != nil {
		return err
	}
	var r procReader
	for _, pid := range all {
		n, err := unix.Readlink("/proc/"+strconv.Itoa(pid)+"/ns/net", r.link[:])
		if err != nil {
			continue
		}
		if ino, ok := parseNsLink(string(r.link[:n]), "net"); ok {
			fn(pid, ino)
		}
	}
	return nil
}

// socketInodes calls fn with the inode of every socket pid holds open.
func (r *procReader) socketInodes(pid int, fn func(ino uint64)) {
	r.fdLinks(pid, "socket", func(_ int, ino uint64) { fn(ino) })
}
