package nsops

import (
	"context"
	"os"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/discover"
)

// Processes lists the processes inside ns with their command lines, read
// from /proc now: the snapshot's list misses processes started since.
func (s *System) Processes(ctx context.Context, ns *model.Namespace) ([]model.Process, error) {
	pids, err := pidsIn(ns.Key)
	if err != nil {
		return nil, err
	}
	r := discover.NewProcReader("/")
	out := make([]model.Process, 0, len(pids))
	for _, pid := range pids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		comm := r.Comm(pid)
		if comm == "" {
			continue // it exited
		}
		out = append(out, model.Process{Pid: pid, Comm: comm, Cmdline: r.Cmdline(pid)})
	}
	return out, nil
}

// listPids lists the processes on the host, in pid order, lazyns excluded.
func listPids() ([]int, error) { return discover.ListPids("/", os.Getpid()) }

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
	r := discover.NewProcReader("/")
	for _, pid := range all {
		if ino, ok := r.NetNs(pid); ok {
			fn(pid, ino)
		}
	}
	return nil
}
