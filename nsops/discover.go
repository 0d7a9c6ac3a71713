package nsops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// Discover finds every network namespace on the host, each once (by its
// inode), without reading what is inside: named ones under the netns
// directory, the host's, and unnamed ones held by a process, an open file
// descriptor or a bind mount elsewhere — as lsns finds them.
//
// Each pass narrows the picture when it cannot read something (a process
// that exits, a /proc entry denied to us) rather than failing.
func (s *System) Discover() (*model.Snapshot, error) {
	d := &discovery{sys: s, byIno: map[uint64]*model.Namespace{}}
	d.add(s.host.Ino, func(ns *model.Namespace) {
		ns.Host = true
		ns.Path = "/proc/self/ns/net"
	})
	mounts, err := readNetnsMounts()
	if err != nil {
		d.warn("bind mounts: %v", err)
	}
	if err := d.named(mounts); err != nil {
		return nil, err
	}
	d.otherMounts(mounts)
	d.processes()
	d.containers()

	snap := &model.Snapshot{Warnings: d.warnings}
	snap.Namespaces = make([]model.Namespace, 0, len(d.order))
	for _, ns := range d.order {
		snap.Namespaces = append(snap.Namespaces, *ns)
	}
	snap.Sort()
	return snap, nil
}

type discovery struct {
	sys      *System
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
		ns = &model.Namespace{Key: model.NsKey{Dev: d.sys.host.Dev, Ino: ino}}
		d.byIno[ino] = ns
		d.order = append(d.order, ns)
	}
	if set != nil {
		set(ns)
	}
	return ns
}

func readNetnsMounts() ([]nsMount, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseNetnsMounts(f)
}

// named walks the netns directory. A name whose bind mount is gone is an
// empty file left behind: it is listed as stale, not as a namespace.
func (d *discovery) named(mounts []nsMount) error {
	dir := d.sys.NetnsDir
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	entries, err := os.ReadDir(d.sys.NetnsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no namespace was ever named on this host
	}
	if err != nil {
		return fmt.Errorf("read the netns directory %s: %w", d.sys.NetnsDir, err)
	}
	mounted := make(map[string]uint64, len(mounts))
	for _, m := range mounts {
		mounted[m.Path] = m.Ino
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(d.sys.NetnsDir, name)
		ino, ok := mounted[filepath.Join(dir, name)]
		if !ok {
			// mountinfo may be of another mount namespace than the names;
			// the file itself tells the truth.
			ino, ok = nsfsInode(path)
		}
		if !ok {
			d.order = append(d.order, &model.Namespace{Name: name, Stale: true, Path: path})
			continue
		}
		d.add(ino, func(ns *model.Namespace) {
			if ns.Name == "" || name < ns.Name {
				ns.Name = name
				ns.Path = path
			}
		})
	}
	return nil
}

// otherMounts adds namespaces bind-mounted outside the netns directory,
// such as /run/docker/netns/….
func (d *discovery) otherMounts(mounts []nsMount) {
	dir := d.sys.NetnsDir
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	for _, m := range mounts {
		if filepath.Dir(m.Path) == dir {
			continue
		}
		d.add(m.Ino, func(ns *model.Namespace) {
			ns.Mounts = append(ns.Mounts, m.Path)
			if ns.Path == "" {
				ns.Path = m.Path
			}
		})
	}
}

type procInfo struct {
	pid   int
	ino   uint64 // 0 when the link could not be read
	fdIno []fdRef
}

type fdRef struct {
	fd  int
	ino uint64
}

// processes reads every process's namespace link and the namespace files
// it holds open. A process that exits or is not ours to read is skipped.
func (d *discovery) processes() {
	dir, err := os.Open("/proc")
	if err != nil {
		d.warn("processes: %v", err)
		return
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		d.warn("processes: %v", err)
		return
	}
	self := os.Getpid()
	var pids []int
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid != self {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	infos := make([]procInfo, len(pids))
	workers := 4
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var r procReader
			for i := w; i < len(pids); i += workers {
				infos[i] = r.read(pids[i])
			}
		}(w)
	}
	wg.Wait()
	for _, p := range infos {
		if p.ino != 0 {
			d.add(p.ino, func(ns *model.Namespace) {
				ns.Procs = append(ns.Procs, model.Proc{Pid: p.pid})
				if ns.Path == "" {
					ns.Path = "/proc/" + strconv.Itoa(p.pid) + "/ns/net"
				}
			})
		}
		for _, f := range p.fdIno {
			ref := strconv.Itoa(p.pid) + "/" + strconv.Itoa(f.fd)
			d.add(f.ino, func(ns *model.Namespace) {
				ns.FdHolders = append(ns.FdHolders, ref)
				if ns.Path == "" {
					ns.Path = "/proc/" + ref
				}
			})
		}
	}
	// Command names matter where they name a namespace or fill its process
	// list on screen; the host's hundreds are read when someone looks.
	for _, ns := range d.order {
		if ns.Host {
			continue
		}
		for i := range ns.Procs {
			ns.Procs[i].Comm = readComm(ns.Procs[i].Pid)
		}
	}
}

// readComm returns a process's command name, or "" if it is gone.
func readComm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(b), "\n")
}

// procReader reads /proc entries with plain system calls and reused
// buffers: with thousands of processes, os.File's bookkeeping costs more
// than the kernel's work.
type procReader struct {
	link  [64]byte
	dents [8192]byte
}

func (r *procReader) read(pid int) procInfo {
	p := procInfo{pid: pid}
	base := "/proc/" + strconv.Itoa(pid)
	n, err := unix.Readlink(base+"/ns/net", r.link[:])
	if err != nil {
		return p
	}
	p.ino, _ = parseNsLink(string(r.link[:n]), "net")
	r.fdLinks(pid, "net", func(fd int, ino uint64) {
		if ino != p.ino {
			p.fdIno = append(p.fdIno, fdRef{fd: fd, ino: ino})
		}
	})
	return p
}

// fdLinks calls fn for each descriptor of pid that links to a "kind:[ino]"
// object (net namespaces, sockets), with raw syscalls and reused buffers:
// a scan of every process runs on each discovery.
func (r *procReader) fdLinks(pid int, kind string, fn func(fd int, ino uint64)) {
	fdDir, err := unix.Open("/proc/"+strconv.Itoa(pid)+"/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fdDir)
	prefix := kind + ":["
	var names []string
	for {
		n, err := unix.ReadDirent(fdDir, r.dents[:])
		if err != nil || n <= 0 {
			return
		}
		_, _, names = unix.ParseDirent(r.dents[:n], -1, names[:0])
		for _, name := range names {
			n, err := unix.Readlinkat(fdDir, name, r.link[:])
			if err != nil || n <= len(prefix) || string(r.link[:len(prefix)]) != prefix {
				continue
			}
			ino, ok := parseNsLink(string(r.link[:n]), kind)
			fd, err := strconv.Atoi(name)
			if ok && err == nil {
				fn(fd, ino)
			}
		}
	}
}

// containers names the container behind each unnamed namespace, from the
// cgroup of its first process.
func (d *discovery) containers() {
	for _, ns := range d.order {
		if ns.Host || len(ns.Procs) == 0 {
			continue
		}
		b, err := os.ReadFile("/proc/" + strconv.Itoa(ns.Procs[0].Pid) + "/cgroup")
		if err != nil {
			continue
		}
		ns.Container = model.ContainerFromCgroup(string(b))
	}
}
