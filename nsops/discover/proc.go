package discover

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// ListPids lists the processes under root's /proc, in pid order, without
// self.
func ListPids(root string, self int) ([]int, error) {
	dir, err := os.Open(filepath.Join(root, "proc"))
	if err != nil {
		return nil, err
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid != self {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// ForEach calls fn(worker, i) for i in 0..n-1 on at most workers
// goroutines; worker (0..workers-1) lets each goroutine keep buffers of its
// own. It stops handing out work once ctx is done.
func ForEach(ctx context.Context, workers, n int, fn func(worker, i int)) {
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
}

// ProcReader reads /proc entries with plain system calls and reused
// buffers: with thousands of processes, os.File's bookkeeping costs more
// than the kernel's work. A reader is not safe for concurrent use; give
// each goroutine its own.
type ProcReader struct {
	proc  string // the /proc to read: "/proc" on a host
	link  [256]byte
	dents [8192]byte
	file  [8192]byte
}

// NewProcReader reads root's /proc.
func NewProcReader(root string) *ProcReader {
	return &ProcReader{proc: filepath.Join(root, "proc")}
}

func (r *ProcReader) path(pid int, rest string) string {
	return r.proc + "/" + strconv.Itoa(pid) + rest
}

// NetNs returns the inode of pid's network namespace; false when the
// process is gone or not ours to read.
func (r *ProcReader) NetNs(pid int) (uint64, bool) {
	n, err := unix.Readlink(r.path(pid, "/ns/net"), r.link[:])
	if err != nil {
		return 0, false
	}
	return ParseNsLink(string(r.link[:n]), "net")
}

// Comm returns pid's command name, or "" when it is gone.
func (r *ProcReader) Comm(pid int) string {
	return string(bytes.TrimSuffix(r.read(pid, "/comm"), []byte("\n")))
}

// Stat returns pid's command name and when it started (clock ticks after
// boot, field 22 of /proc/PID/stat); ok is false when it is gone.
func (r *ProcReader) Stat(pid int) (comm string, start uint64, ok bool) {
	b := r.read(pid, "/stat")
	// "PID (COMM) STATE …": the name may hold spaces and parentheses, so
	// it ends at the last ')'; the state is field 3, the start time 22.
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	fields := bytes.Fields(b[end+1:])
	if len(fields) < 20 {
		return "", 0, false
	}
	start, err := strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return "", 0, false
	}
	return string(b[open+1 : end]), start, true
}

// Cmdline returns pid's arguments, whole however long; nil when it is
// gone or a kernel thread.
func (r *ProcReader) Cmdline(pid int) []string {
	b := r.read(pid, "/cmdline")
	if len(b) == len(r.file) {
		b, _ = os.ReadFile(r.path(pid, "/cmdline")) // longer than the buffer
	}
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

// Cgroup returns the text of /proc/PID/cgroup.
func (r *ProcReader) Cgroup(pid int) string { return string(r.read(pid, "/cgroup")) }

// read returns the start of a small /proc file (at most 8 KiB) in the
// reader's buffer, valid until the next read; nil when it is gone.
func (r *ProcReader) read(pid int, rest string) []byte {
	fd, err := unix.Open(r.path(pid, rest), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	n := 0
	for n < len(r.file) {
		m, err := unix.Read(fd, r.file[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || m <= 0 {
			break
		}
		n += m
	}
	return r.file[:n]
}

// eachFd calls fn with each descriptor of pid and the start of its link's
// text (all of it unless it fills the reader's buffer); dir is the open
// /proc/PID/fd, for *at calls.
func (r *ProcReader) eachFd(pid int, fn func(dir int, name string, link []byte)) {
	dir, err := unix.Open(r.path(pid, "/fd"), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(dir)
	var names []string
	for {
		n, err := unix.ReadDirent(dir, r.dents[:])
		if err != nil || n <= 0 {
			return
		}
		_, _, names = unix.ParseDirent(r.dents[:n], -1, names[:0])
		for _, name := range names {
			n, err := unix.Readlinkat(dir, name, r.link[:])
			if err != nil {
				continue
			}
			fn(dir, name, r.link[:n])
		}
	}
}

// Sockets calls fn with the inode of every socket pid holds open.
func (r *ProcReader) Sockets(pid int, fn func(ino uint64)) {
	const prefix = "socket:["
	r.eachFd(pid, func(_ int, _ string, link []byte) {
		if len(link) > len(prefix) && string(link[:len(prefix)]) == prefix {
			if ino, ok := ParseNsLink(string(link), "socket"); ok {
				fn(ino)
			}
		}
	})
}
