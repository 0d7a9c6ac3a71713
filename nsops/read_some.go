package nsops

import (
	"context"
	"slices"

	"github.com/lazyns/lazyns/model"
)

// ReadSome reads the namespaces of snap named by keys, as Read reads a
// snapshot, and resolves their veth peers against the whole of snap: a
// namespace read before (its links kept in snap) is a candidate for the
// other end, and the kernel is asked about it through a descriptor opened
// for the question, without reading it again. The UI reads a large host
// so, a chunk at a time: with Read alone, every chunk would have to read
// the host's links again (16,717 of them at ten thousand namespaces, one
// dump each time, seconds under a busy RTNL) to resolve its peers. snap is
// not modified; a namespace gone meanwhile is left out of the answer, and
// a peer in a namespace snap holds unread is left unresolved.
func (s *System) ReadSome(ctx context.Context, snap *model.Snapshot, keys []model.NsKey, opt ReadOptions) ([]model.Namespace, error) {
	want := make(map[model.NsKey]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	sub := &model.Snapshot{Namespaces: make([]model.Namespace, 0, len(keys))}
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; !ns.Stale && want[ns.Key] {
			// What opens it and who holds it; nothing read before.
			sub.Namespaces = append(sub.Namespaces, model.Namespace{Key: ns.Key, Name: ns.Name, Host: ns.Host,
				Path: ns.Path, Mounts: ns.Mounts, FdHolders: ns.FdHolders, Procs: ns.Procs, Container: ns.Container})
		}
	}
	if err := s.Read(ctx, sub, opt); err != nil {
		return nil, err
	}
	s.resolveAgainst(ctx, snap, sub)
	return sub.Namespaces, ctx.Err()
}

// resolveAgainst answers the nsid questions of sub's namespaces that sub
// alone could not, with snap's other namespaces as the candidates, and
// sets the peers of sub's veths again.
func (s *System) resolveAgainst(ctx context.Context, snap, sub *model.Snapshot) {
	in := make(map[model.NsKey]int, len(sub.Namespaces))
	for i := range sub.Namespaces {
		in[sub.Namespaces[i].Key] = i
	}
	// snap with sub's namespaces in place of theirs; nothing here changes
	// the namespaces of snap, so they are shared, not copied.
	view := &model.Snapshot{Namespaces: make([]model.Namespace, 0, len(snap.Namespaces)+len(sub.Namespaces))}
	others := make(map[model.NsKey]*model.Namespace, len(snap.Namespaces))
	for i := range snap.Namespaces {
		o := &snap.Namespaces[i]
		if _, read := in[o.Key]; o.Stale || !read {
			view.Namespaces = append(view.Namespaces, *o)
			if !o.Stale {
				others[o.Key] = o
			}
		}
	}
	view.Namespaces = append(view.Namespaces, sub.Namespaces...)
	byFrom := map[model.NsKey][]model.PeerQuery{}
	var froms []model.NsKey
	var host *model.Namespace // read: an unread host answers nothing
	for _, o := range others {
		if o.Host && len(o.Links) > 0 {
			host = o
		}
	}
	for _, q := range model.PeerQueries(view) {
		// A veth made since snap's reading of the host has its other end
		// where no link read names it: ask about the host, where new
		// veths of a set change end (its name comes when the host is read
		// again, on its own link change).
		if len(q.Candidates) == 0 && host != nil && q.From != host.Key {
			q.Candidates = []model.NsKey{host.Key}
		}
		if _, ok := in[q.From]; ok && len(q.Candidates) > 0 {
			if byFrom[q.From] == nil {
				froms = append(froms, q.From)
			}
			byFrom[q.From] = append(byFrom[q.From], q)
		}
	}
	if len(froms) == 0 {
		return
	}
	// One socket in each namespace asking, opened for its questions.
	answers := make([]map[int]model.NsKey, len(froms))
	s.forEach(ctx, len(froms), func(fi int) {
		n, err := s.hold(&sub.Namespaces[in[froms[fi]]])
		if err != nil {
			return
		}
		defer n.close()
		c, err := dialIn(n)
		if err != nil {
			return
		}
		defer c.Close()
		answers[fi] = map[int]model.NsKey{}
		for _, q := range byFrom[froms[fi]] {
			for _, cand := range q.Candidates {
				if id, ok := s.nsIDIn(c, others[cand]); ok && id == q.NsID {
					answers[fi][q.NsID] = cand
					break
				}
			}
		}
	})
	for fi, from := range froms {
		for id, key := range answers[fi] {
			setNsID(&sub.Namespaces[in[from]], id, key)
		}
	}
	// Resolve on sub and copies of the namespaces it points at:
	// ResolvePeers sets Peer on every link it is given.
	small := &model.Snapshot{Namespaces: slices.Clone(sub.Namespaces)}
	added := map[model.NsKey]bool{}
	for i := range sub.Namespaces {
		for _, target := range sub.Namespaces[i].NsIDs {
			if o := others[target]; o != nil && !added[target] {
				added[target] = true
				cp := *o
				cp.Links = slices.Clone(o.Links)
				small.Namespaces = append(small.Namespaces, cp)
			}
		}
	}
	model.ResolvePeers(small)
	for i := range sub.Namespaces {
		sub.Namespaces[i].Links = small.Namespaces[i].Links
	}
}
