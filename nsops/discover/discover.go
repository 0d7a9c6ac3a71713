// Package discover finds every network namespace on a host, each once (by
// its inode), and who holds it, without reading what is inside — as lsns
// finds them. Each source is a pass of its own, in a file of its own:
//
//   - named.go: names under the netns directory (ip netns add)
//   - mounts.go: nsfs bind mounts elsewhere (/run/docker/netns/…)
//   - procs.go: the namespace of every process
//   - fds.go: open descriptors on a namespace (a name deleted while held)
//   - containers.go: the container, pod or Mininet host behind a namespace,
//     named by names.go from the runtime's API socket or its state on disk
//
// proc.go holds what they share: one list of pids, one process reader,
// one worker pool, and one read of every process (procs.go's scan) for
// both the process and the descriptor pass. Everything is read through
// Config.Root, so the tests run on a fake host under testdata, without
// root.
package discover

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/lazyns/lazyns/model"
)

// Config says where to look.
type Config struct {
	// Root is where the host's file system starts: "/" on a host, a
	// fixture tree in tests. Paths recorded in namespaces are the host's
	// (/proc/42/ns/net), not under Root.
	Root string
	// NetnsDir is where ip netns keeps its names, as the host sees it.
	NetnsDir string
	// Host is the namespace lazyns runs in. Its Dev is nsfs's device,
	// which every namespace file shares.
	Host model.NsKey
	// Self is lazyns's own pid, left out: it holds namespaces open while
	// it reads them.
	Self int
	// Workers bounds how many processes are read at once (default 4).
	Workers int
	// Names names containers; nil leaves them known by id.
	Names *Names
}

// Run finds the namespaces. Each pass narrows the picture when it cannot
// read something (a process that exits, a /proc entry denied to us) and
// says so in the snapshot's warnings, rather than failing; only an
// unreadable netns directory is an error.
func Run(cfg Config) (*model.Snapshot, error) {
	if cfg.Root == "" {
		cfg.Root = "/"
	}
	if cfg.Workers < 1 {
		cfg.Workers = 4
	}
	d := &discovery{cfg: cfg, byIno: map[uint64]*model.Namespace{}}
	d.add(cfg.Host.Ino, func(ns *model.Namespace) {
		ns.Host = true
		ns.Path = "/proc/self/ns/net"
	})
	mounts, err := d.readMounts()
	if err != nil {
		d.warn("bind mounts: %v", err)
	}
	if err := d.named(mounts); err != nil {
		return nil, err
	}
	d.mounted(mounts)
	scan := d.scan(mounts)
	d.processes(scan)
	d.fds(scan)
	d.containers()

	snap := &model.Snapshot{Warnings: d.warnings}
	snap.Namespaces = make([]model.Namespace, 0, len(d.order))
	for _, ns := range d.order {
		snap.Namespaces = append(snap.Namespaces, *ns)
	}
	snap.Sort()
	return snap, nil
}

// discovery is the picture the passes build together.
type discovery struct {
	cfg      Config
	byIno    map[uint64]*model.Namespace
	order    []*model.Namespace
	warnings []string
}

func (d *discovery) warn(format string, args ...any) {
	d.warnings = append(d.warnings, fmt.Sprintf(format, args...))
}

// add returns the namespace with inode ino, creating it if new, and lets
// set fill it in.
func (d *discovery) add(ino uint64, set func(*model.Namespace)) *model.Namespace {
	ns, ok := d.byIno[ino]
	if !ok {
		ns = &model.Namespace{Key: model.NsKey{Dev: d.cfg.Host.Dev, Ino: ino}}
		d.byIno[ino] = ns
		d.order = append(d.order, ns)
	}
	if set != nil {
		set(ns)
	}
	return ns
}

// under is a host path as read through Root.
func (d *discovery) under(path string) string { return filepath.Join(d.cfg.Root, path) }

// eachHeld calls fn, on the worker pool, for every namespace other than
// the host's that processes are in, with a reader of that worker's own.
func (d *discovery) eachHeld(fn func(r *ProcReader, ns *model.Namespace)) {
	var held []*model.Namespace
	for _, ns := range d.order {
		if !ns.Host && len(ns.Procs) > 0 {
			held = append(held, ns)
		}
	}
	readers := make([]*ProcReader, d.cfg.Workers)
	ForEach(context.Background(), d.cfg.Workers, len(held), func(w, i int) {
		if readers[w] == nil {
			readers[w] = NewProcReader(d.cfg.Root)
		}
		fn(readers[w], held[i])
	})
}
