package nsops

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// ReadOptions say how much of which namespaces a snapshot reads.
type ReadOptions struct {
	// Full picks the namespaces read completely; the others get only their
	// links, which is all peer resolution needs. Nil reads all completely.
	Full func(*model.Namespace) bool
	// Progress, when set, is called as namespaces finish (from any goroutine).
	Progress func(done, total int)
	// Stats reads the counters of the links of the namespaces read
	// completely (show prints them; they cost the kernel time at scale).
	Stats bool
}

// Snapshot discovers every namespace and reads everything in it.
func (s *System) Snapshot(ctx context.Context, opt ReadOptions) (*model.Snapshot, error) {
	snap, err := s.Discover()
	if err != nil {
		return nil, err
	}
	if err := s.Read(ctx, snap, opt); err != nil {
		return nil, err
	}
	return snap, nil
}

// opened is a namespace held open while a snapshot is read: the file keeps
// the namespace alive even if its name is deleted meanwhile.
type opened struct {
	file *os.File
	conn *conn
}

// Read fills the namespaces of a discovered snapshot, in parallel, then
// resolves every veth's peer. A namespace that is gone before it could be
// opened is dropped; one that cannot be read keeps its error.
func (s *System) Read(ctx context.Context, snap *model.Snapshot, opt ReadOptions) error {
	n := len(snap.Namespaces)
	open := make([]opened, n)
	gone := make([]bool, n)
	defer func() {
		for _, o := range open {
			o.conn.Close()
			if o.file != nil {
				o.file.Close()
			}
		}
	}()
	// Keep every socket open for the peer questions only while that leaves
	// plenty of descriptors; otherwise sockets are opened again for them.
	keepConns := 2*n+256 < fdLimit()

	var done atomic.Int32
	s.forEach(ctx, n, func(i int) {
		ns := &snap.Namespaces[i]
		defer func() {
			if opt.Progress != nil {
				opt.Progress(int(done.Add(1)), n)
			}
		}()
		if ns.Stale {
			return
		}
		f, err := openNamespace(ns)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errVanished) {
			gone[i] = true
			return
		}
		if err != nil {
			ns.Err = describeOpenErr(err)
			return
		}
		open[i].file = f
		c, err := s.dial(ns.Key, f)
		if err != nil {
			ns.Err = describeOpenErr(err)
			return
		}
		if opt.Full == nil || opt.Full(ns) {
			err = readInto(c, ns, opt.Stats)
		} else {
			err = readLinks(c, ns, false)
		}
		if err != nil {
			ns.Err = err.Error()
			if !errors.Is(err, errDumpInconsistent) {
				ns.Links, ns.Routes, ns.Rules, ns.Neighbours = nil, nil, nil, nil
			}
		}
		if keepConns {
			open[i].conn = c
		} else {
			c.Close()
		}
	})
	if err := ctx.Err(); err != nil {
		return err
	}

	index := make(map[model.NsKey]int, n)
	for i := range snap.Namespaces {
		if !snap.Namespaces[i].Stale {
			index[snap.Namespaces[i].Key] = i
		}
	}
	// Namespaces other than the host usually have one id to resolve each;
	// asking them first lets veth symmetry answer most of the host's.
	s.resolveNsIDs(ctx, snap, open, index, func(q model.PeerQuery) bool { return q.From != s.host })
	model.PropagateNsIDs(snap)
	s.resolveNsIDs(ctx, snap, open, index, func(model.PeerQuery) bool { return true })

	kept := snap.Namespaces[:0]
	for i := range snap.Namespaces {
		if !gone[i] {
			kept = append(kept, snap.Namespaces[i])
		}
	}
	snap.Namespaces = kept
	model.ResolvePeers(snap)
	return ctx.Err()
}

// resolveNsIDs asks the kernel the nsid questions that pick accepts and
// records the answers in the asking namespace's NsIDs.
func (s *System) resolveNsIDs(ctx context.Context, snap *model.Snapshot, open []opened, index map[model.NsKey]int, pick func(model.PeerQuery) bool) {
	var queries []model.PeerQuery
	for _, q := range model.PeerQueries(snap) {
		if pick(q) {
			queries = append(queries, q)
		}
	}
	answers := make([]int, len(queries))
	s.forEach(ctx, len(queries), func(qi int) {
		q := queries[qi]
		answers[qi] = -1
		from, ok := index[q.From]
		if !ok || open[from].file == nil {
			return
		}
		c := open[from].conn
		if c == nil {
			var err error
			if c, err = s.dial(q.From, open[from].file); err != nil {
				return
			}
			defer c.Close()
		}
		for _, cand := range q.Candidates {
			ci, ok := index[cand]
			if !ok || open[ci].file == nil {
				continue
			}
			if id, err := c.nsIDOf(int(open[ci].file.Fd())); err == nil && id == q.NsID {
				answers[qi] = ci
				return
			}
		}
	})
	for qi, q := range queries {
		if answers[qi] < 0 {
			continue
		}
		from := &snap.Namespaces[index[q.From]]
		if from.NsIDs == nil {
			from.NsIDs = map[int]model.NsKey{}
		}
		from.NsIDs[q.NsID] = snap.Namespaces[answers[qi]].Key
	}
}

// dial opens a socket in the namespace open as f, whose key is k.
func (s *System) dial(k model.NsKey, f *os.File) (*conn, error) {
	if k == s.host {
		return dialHere()
	}
	return dialNamespace(int(f.Fd()))
}

// forEach calls fn(0..n-1) on a bounded pool of goroutines.
func (s *System) forEach(ctx context.Context, n int, fn func(i int)) {
	workers := s.Workers
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = n
	}
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
				fn(i)
			}
		}()
	}
	wg.Wait()
}

var errVanished = errors.New("the namespace is gone")

// openNamespace opens a file of the namespace and checks it is still the
// one discovered: a name can be deleted and made again, a pid reused.
func openNamespace(ns *model.Namespace) (*os.File, error) {
	paths := []string{ns.Path}
	for _, p := range ns.Procs {
		paths = append(paths, "/proc/"+strconv.Itoa(p.Pid)+"/ns/net")
	}
	paths = append(paths, ns.Mounts...)
	var firstErr error
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			if firstErr == nil || errors.Is(firstErr, fs.ErrNotExist) {
				firstErr = err
			}
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstat(int(f.Fd()), &st); err != nil || st.Ino != ns.Key.Ino {
			f.Close()
			if firstErr == nil {
				firstErr = errVanished
			}
			continue
		}
		return f, nil
	}
	if firstErr == nil {
		firstErr = errVanished
	}
	return nil, firstErr
}

func describeOpenErr(err error) string {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EPERM) {
		return "permission denied: " + Privileges()
	}
	return err.Error()
}

func fdLimit() int {
	var r unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &r); err != nil {
		return 1024
	}
	if r.Cur > 1<<20 {
		return 1 << 20
	}
	return int(r.Cur)
}

// JSON writes the show --json document, namespaces encoded in parallel.
func (s *System) JSON(nss []*model.Namespace) []byte {
	objects := make([][]byte, len(nss))
	s.forEach(context.Background(), len(nss), func(i int) {
		objects[i] = model.NamespaceJSON(nss[i], s.Names)
	})
	return model.JoinJSON(objects)
}
