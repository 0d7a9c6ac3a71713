package discover

import (
	"context"
	"math"
	"os"
	"sort"

	"github.com/lazyns/lazyns/model"
)

// procScan is what one read of a process found.
type procScan struct {
	pid int
	ino uint64  // its network namespace; 0 when it could not be read
	fds []fdRef // descriptors it holds on other network namespaces
}

// scan reads every process once, on the worker pool: its namespace link
// and its descriptors (mounts are the nsfs mounts, for fds.go). A process that exits or is not ours to read is
// skipped.
func (d *discovery) scan(mounts []nsMount) []procScan {
	pids, err := ListPids(d.cfg.Root, d.cfg.Self)
	if err != nil {
		d.warn("processes: %v", err)
		return nil
	}
	hints := &fdHints{nsfsDev: d.cfg.Host.Dev, mounted: make(map[string]uint64, len(mounts))}
	for _, m := range mounts {
		hints.mounted[m.Path] = m.Ino
	}
	if self, err := os.Readlink(d.under("/proc/self/ns/mnt")); err == nil {
		hints.mntNs = self
	}
	out := make([]procScan, len(pids))
	readers := make([]*ProcReader, d.cfg.Workers)
	ForEach(context.Background(), d.cfg.Workers, len(pids), func(w, i int) {
		if readers[w] == nil {
			readers[w] = NewProcReader(d.cfg.Root)
		}
		r, pid := readers[w], pids[i]
		out[i].pid = pid
		ino, ok := r.NetNs(pid)
		if !ok {
			return
		}
		out[i].ino = ino
		out[i].fds = r.netnsFds(pid, ino, hints)
	})
	return out
}

// processes records the namespace of every process. In each namespace but
// the host's (hundreds of processes nobody reads by name) the processes
// are named and put oldest first: the first one names an unnamed
// namespace, and the one that has held it longest stays first while others
// join and leave — pids wrap, so the lowest pid is no such process.
func (d *discovery) processes(scan []procScan) {
	for _, p := range scan {
		if p.ino == 0 {
			continue
		}
		d.add(p.ino, func(ns *model.Namespace) {
			ns.Procs = append(ns.Procs, model.Proc{Pid: p.pid})
		})
	}
	d.eachHeld(func(r *ProcReader, ns *model.Namespace) {
		byAge(r, ns.Procs)
		if ns.Path == "" {
			ns.Path = model.ProcNsPath(ns.Procs[0].Pid) // the likeliest to last
		}
	})
}

// byAge reads each process's name and start time and sorts them oldest
// first, the lower pid first among those started in the same tick. A
// process that exited meanwhile goes last.
func byAge(r *ProcReader, procs []model.Proc) {
	type aged struct {
		model.Proc
		start uint64
	}
	all := make([]aged, len(procs))
	for i, p := range procs {
		comm, start, ok := r.Stat(p.Pid)
		if !ok {
			start = math.MaxUint64
		}
		all[i] = aged{model.Proc{Pid: p.Pid, Comm: comm}, start}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].start != all[j].start {
			return all[i].start < all[j].start
		}
		return all[i].Pid < all[j].Pid
	})
	for i := range all {
		procs[i] = all[i].Proc
	}
}
