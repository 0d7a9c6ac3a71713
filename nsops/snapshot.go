package nsops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/discover"
	"golang.org/x/sys/unix"
)

// ReadOptions say how much of which namespaces a snapshot reads.
type ReadOptions struct {
	// Full picks the namespaces read completely; the others get only their
	// links, which is all peer resolution needs. Nil reads all completely.
	Full func(*model.Namespace) bool
	// NoPeers leaves every veth's peer unresolved, and the nsid questions
	// that resolving them takes unasked: for a caller that shows none.
	NoPeers bool
	// Progress, when set, is called as namespaces finish (from any goroutine).
	Progress func(done, total int)
	// Stats reads the counters of the links of the namespaces read
	// completely (show prints them; they cost the kernel time at scale).
	Stats bool
	// linkStats reads the counters of every namespace's links, read
	// completely or not (ReadStream reads the rest later).
	linkStats bool
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
// the namespace alive even if its name is deleted meanwhile, and so does
// the socket.
type opened struct {
	ns   *heldNs
	conn *conn
}

// openedAll are the namespaces of a snapshot as a read left them open.
type openedAll []opened

func (o openedAll) close() {
	for _, n := range o {
		n.conn.Close()
		n.ns.close()
	}
}

// Read fills the namespaces of a discovered snapshot, in parallel, then
// resolves every veth's peer. One that cannot be read keeps its error (the
// list marks it unreadable). One that seems gone before it could be opened
// — every file that held it gone, or now another namespace's — is dropped
// if a new look at the host confirms it; if the host still has it, it is
// kept with the reason it could not be opened: a namespace lazyns found
// never vanishes without a word.
func (s *System) Read(ctx context.Context, snap *model.Snapshot, opt ReadOptions) error {
	open, err := s.readAll(ctx, snap, opt, false)
	open.close()
	return err
}

// readAll is Read, returning each namespace's file and socket (aligned
// with snap.Namespaces once the gone are dropped) as far as descriptors
// allow keeping them: both while that leaves plenty; otherwise, with
// keepConns, the sockets (a namespace's file is opened again when asked
// about), else the files (sockets are opened again when needed).
func (s *System) readAll(ctx context.Context, snap *model.Snapshot, opt ReadOptions, keepConns bool) (openedAll, error) {
	n := len(snap.Namespaces)
	open := make(openedAll, n)
	gone := make([]error, n)
	limit := fdLimit()
	keepBoth := 2*n+256 < limit
	keepConns = keepBoth || keepConns && n+256 < limit

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
		h, err := s.hold(ns)
		if isGone(err) {
			gone[i] = err
			return
		}
		if err != nil {
			ns.Err = openFailure(err)
			return
		}
		c, err := dialIn(h)
		if err != nil {
			h.close()
			ns.Err = openFailure(err)
			return
		}
		if opt.Full == nil || opt.Full(ns) {
			err = readInto(c, ns, opt.Stats)
		} else {
			err = readLinks(c, ns, opt.linkStats)
		}
		if err != nil {
			ns.Err = readFailure(err)
			if !errors.Is(err, errDumpInconsistent) {
				ns.Links, ns.Routes, ns.Rules, ns.Neighbours = nil, nil, nil, nil
			}
		}
		if keepConns {
			open[i].conn = c
		} else {
			c.Close()
		}
		if keepBoth || !keepConns {
			open[i].ns = h
		} else {
			h.close()
		}
	})
	if err := ctx.Err(); err != nil {
		return open, err
	}
	s.confirmGone(snap.Namespaces, gone)

	if !opt.NoPeers {
		index := make(map[model.NsKey]int, n)
		for i := range snap.Namespaces {
			if !snap.Namespaces[i].Stale && gone[i] == nil {
				index[snap.Namespaces[i].Key] = i
			}
		}
		// Namespaces other than the host usually have one id to resolve each;
		// asking them first lets veth symmetry answer most of the host's.
		s.resolveNsIDs(ctx, snap, open, index, func(q model.PeerQuery) bool { return q.From != s.host })
		model.PropagateNsIDs(snap)
		s.resolveNsIDs(ctx, snap, open, index, func(model.PeerQuery) bool { return true })
	}

	kept, keptOpen := snap.Namespaces[:0], open[:0]
	for i := range snap.Namespaces {
		if gone[i] == nil {
			kept = append(kept, snap.Namespaces[i])
			keptOpen = append(keptOpen, open[i])
		}
	}
	snap.Namespaces = kept
	if !opt.NoPeers {
		model.ResolvePeers(snap)
	}
	return keptOpen, ctx.Err()
}

// resolveNsIDs asks the kernel the nsid questions that pick accepts and
// records the answers in the asking namespace's NsIDs.
func (s *System) resolveNsIDs(ctx context.Context, snap *model.Snapshot, open openedAll, index map[model.NsKey]int, pick func(model.PeerQuery) bool) {
	var queries []model.PeerQuery
	for _, q := range model.PeerQueries(snap) {
		if pick(q) {
			queries = append(queries, q)
		}
	}
	s.askNsIDs(ctx, snap, open, index, queries)
}

// askNsIDs asks the kernel the nsid questions given and records the
// answers in the asking namespace's NsIDs.
func (s *System) askNsIDs(ctx context.Context, snap *model.Snapshot, open openedAll, index map[model.NsKey]int, queries []model.PeerQuery) {
	answers := make([]int, len(queries))
	s.forEach(ctx, len(queries), func(qi int) {
		q := queries[qi]
		answers[qi] = -1
		from, ok := index[q.From]
		if !ok {
			return
		}
		c := open[from].conn
		if c == nil {
			if open[from].ns == nil {
				return
			}
			var err error
			if c, err = dialIn(open[from].ns); err != nil {
				return
			}
			defer c.Close()
		}
		for _, cand := range q.Candidates {
			ci, ok := index[cand]
			if !ok {
				continue
			}
			h := open[ci].ns
			if h == nil {
				if open[ci].conn == nil {
					continue // it could not be opened
				}
				// Only its socket was kept: open its file again to ask.
				var err error
				if h, err = s.hold(&snap.Namespaces[ci]); err != nil {
					continue
				}
				defer h.close()
			}
			if id, err := c.nsIDOf(h.fd()); err == nil && id == q.NsID {
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

// confirmGone looks at the host again when namespaces seemed gone as they
// were opened (gone[i] is why): one another process deleted meanwhile is
// gone, but one the host still has could not be opened through the files
// discovery named — it stays, marked unreadable with the reason, and
// gone[i] is cleared. Only a read that lost a race pays for the look.
func (s *System) confirmGone(nss []model.Namespace, gone []error) {
	if !slices.ContainsFunc(gone, func(err error) bool { return err != nil }) {
		return
	}
	now, err := s.Discover()
	for i, why := range gone {
		if why == nil {
			continue
		}
		ns := &nss[i]
		switch {
		case err != nil:
			ns.Err = &model.NsError{Kind: model.ErrUnreadable, Err: why,
				Msg: fmt.Sprintf("could not be opened (%v), and the host could not be looked at again: %v", why, err)}
		case now.Find(ns.Key) != nil:
			ns.Err = &model.NsError{Kind: model.ErrUnreadable, Err: why,
				Msg: fmt.Sprintf("could not be opened (%v), though the host still has it", why)}
		default:
			continue
		}
		gone[i] = nil
	}
}

// forEach calls fn(0..n-1) on a bounded pool of goroutines.
func (s *System) forEach(ctx context.Context, n int, fn func(i int)) {
	discover.ForEach(ctx, s.Workers, n, func(_, i int) { fn(i) })
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
