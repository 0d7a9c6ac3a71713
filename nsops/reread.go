package nsops

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/lazyns/lazyns/model"
)

// Reread reads one namespace of snap again, after a change in it, and
// resolves its veth peers against snap. The snapshot is not modified: the
// caller swaps the returned namespace in. Its processes are those of the
// snapshot (a change in links does not move processes). An error matching
// ErrNoNamespace (and model.ErrGone) means the namespace is gone.
func (s *System) Reread(ctx context.Context, snap *model.Snapshot, key model.NsKey) (*model.Namespace, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	old := snap.Find(key)
	if old == nil {
		return nil, notFoundError{what: fmt.Sprintf("no namespace %s in the snapshot", key)}
	}
	ns := &model.Namespace{
		Key: old.Key, Name: old.Name, Host: old.Host, Path: old.Path,
		Mounts: old.Mounts, FdHolders: old.FdHolders, Procs: old.Procs, Container: old.Container,
		NsIDs: maps.Clone(old.NsIDs),
	}
	n, err := s.hold(ns)
	if isGone(err) {
		one, gone := []model.Namespace{*ns}, []error{err}
		if s.confirmGone(one, gone); gone[0] == nil {
			return &one[0], nil // still there, but not to be opened: marked
		}
		return nil, goneErr(old)
	}
	if err != nil {
		ns.Err = openFailure(err)
		return ns, nil
	}
	defer n.close()
	c, err := dialIn(n)
	if err != nil {
		ns.Err = openFailure(err)
		return ns, nil
	}
	defer c.Close()
	if err := readInto(c, ns, false); err != nil {
		ns.Err = readFailure(err)
		if !errors.Is(err, errDumpInconsistent) {
			ns.Links, ns.Routes, ns.Rules, ns.Neighbours = nil, nil, nil, nil
			return ns, nil
		}
	}
	s.resolvePeersOf(ctx, snap, ns, c)
	return ns, ctx.Err()
}

// resolvePeersOf finds the namespaces behind ns's nsids (asking c, a socket
// inside ns) and sets the Peer of each of its veths. The ids the snapshot's
// veths point back at are asked first; an id none of them answers (a veth
// made since the snapshot) is looked for among every namespace of snap.
func (s *System) resolvePeersOf(ctx context.Context, snap *model.Snapshot, ns *model.Namespace, c *conn) {
	// A view of snap with ns in place of its old self; nothing here
	// modifies the namespaces, so they are shared, not copied.
	view := &model.Snapshot{Namespaces: make([]model.Namespace, 0, len(snap.Namespaces))}
	for i := range snap.Namespaces {
		if o := &snap.Namespaces[i]; o.Key != ns.Key || o.Stale {
			view.Namespaces = append(view.Namespaces, *o)
		}
	}
	view.Namespaces = append(view.Namespaces, *ns)
	for id, target := range ns.NsIDs {
		if snap.Find(target) == nil {
			delete(ns.NsIDs, id)
		}
	}
	unresolved := map[int]bool{}
	for _, q := range model.PeerQueries(view) {
		if q.From != ns.Key {
			continue
		}
		unresolved[q.NsID] = true
		for _, cand := range q.Candidates {
			if id, ok := s.nsIDIn(c, snap.Find(cand)); ok && id == q.NsID {
				setNsID(ns, id, cand)
				delete(unresolved, id)
				break
			}
		}
	}
	for i := range snap.Namespaces {
		if len(unresolved) == 0 || ctx.Err() != nil {
			break
		}
		o := &snap.Namespaces[i]
		if o.Stale || o.Key == ns.Key {
			continue
		}
		if id, ok := s.nsIDIn(c, o); ok && unresolved[id] {
			setNsID(ns, id, o.Key)
			delete(unresolved, id)
		}
	}

	// Resolve on a snapshot of ns and copies of the namespaces it points
	// at: ResolvePeers sets Peer on every link it is given.
	small := &model.Snapshot{Namespaces: []model.Namespace{*ns}}
	for _, target := range ns.NsIDs {
		if o := snap.Find(target); o != nil {
			cp := *o
			cp.Links = slices.Clone(o.Links)
			small.Namespaces = append(small.Namespaces, cp)
		}
	}
	model.ResolvePeers(small)
	ns.Links = small.Namespaces[0].Links
}

// nsIDIn asks the namespace of c which id it gives other; false when other
// is nil, cannot be opened, or has no id there.
func (s *System) nsIDIn(c *conn, other *model.Namespace) (int, bool) {
	if other == nil {
		return 0, false
	}
	h, err := openNs(other)
	if err != nil {
		return 0, false
	}
	defer h.Close()
	id, err := c.nsIDOf(int(h))
	return id, err == nil && id >= 0
}

func setNsID(ns *model.Namespace, id int, key model.NsKey) {
	if ns.NsIDs == nil {
		ns.NsIDs = map[int]model.NsKey{}
	}
	ns.NsIDs[id] = key
}
