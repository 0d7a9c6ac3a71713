package nsops

import (
	"context"

	"github.com/lazyns/lazyns/model"
)

// ReadSubset reads completely the namespaces of snap that keys name, and
// returns them in snap's order: a namespace gone meanwhile is left out,
// one that could not be read comes with its error, as Read leaves it.
// Keys snap does not hold are ignored. It is how a caller that shows a
// large host reads it a part at a time (those on screen first), or reads
// only the namespaces that appeared since its last discovery.
//
// snap is the caller's: a discovery, whose namespaces read earlier hold
// their links. It is not modified, so another goroutine may read it
// meanwhile. Each veth's peer is resolved against the namespaces read now
// and the links snap holds of the others, asking the kernel only about
// the candidates those links name. When snap holds no link of the host
// (which, on a large node, holds the other end of most veths) and keys do
// not name it, its links alone are read too, to resolve against, and not
// returned: the caller reading the host first saves that dump per call.
// A peer in a namespace neither read now nor before is left unresolved
// (its nsid said), to be resolved when its namespace has been read
// (Reread); one no link snap holds points back at (a veth made since the
// caller read the host) is looked for in the host: its namespace is
// named, its name once the host is read again.
func (s *System) ReadSubset(ctx context.Context, snap *model.Snapshot, keys []model.NsKey, opt ReadOptions) ([]model.Namespace, error) {
	want := make(map[model.NsKey]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	sub := &model.Snapshot{}
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if !ns.Stale && (want[ns.Key] || ns.Host && len(ns.Links) == 0) {
			sub.Namespaces = append(sub.Namespaces, discovered(ns))
		}
	}
	open, err := s.readAll(ctx, sub, ReadOptions{
		Full: func(ns *model.Namespace) bool { return want[ns.Key] }, NoPeers: true, Stats: opt.Stats, Progress: opt.Progress,
	}, true)
	defer open.close()
	if err != nil {
		return nil, err
	}

	// The view: what was read now first, then the others of snap that hold
	// links (copies of their structs, their links shared and only looked at).
	view := &model.Snapshot{Namespaces: make([]model.Namespace, 0, len(snap.Namespaces)+1)}
	view.Namespaces = append(view.Namespaces, sub.Namespaces...)
	read := make(map[model.NsKey]bool, len(sub.Namespaces))
	for _, ns := range sub.Namespaces {
		read[ns.Key] = true
	}
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; !ns.Stale && !read[ns.Key] && len(ns.Links) > 0 {
			view.Namespaces = append(view.Namespaces, *ns)
		}
	}
	index := make(map[model.NsKey]int, len(view.Namespaces))
	for i := range view.Namespaces {
		index[view.Namespaces[i].Key] = i
	}
	queries := s.subsetQueries(view, want)
	viewOpen := s.holdCandidates(view, open, index, queries)
	defer viewOpen[len(open):].close()
	s.askNsIDs(ctx, view, viewOpen, index, queries)
	model.ResolvePeersOf(view, func(ns *model.Namespace) bool { return want[ns.Key] })

	out := make([]model.Namespace, 0, len(keys))
	for _, ns := range view.Namespaces[:len(sub.Namespaces)] {
		if want[ns.Key] {
			out = append(out, ns)
		}
	}
	return out, ctx.Err()
}

// subsetQueries are the nsid questions of the namespaces read: a veth
// whose peer no link of the view points back at (one made since the
// caller read the namespace at its other end) is asked about the host,
// where most veths of a large node end, so its namespace is named at
// least (its name once the host's links are read again).
func (s *System) subsetQueries(view *model.Snapshot, want map[model.NsKey]bool) []model.PeerQuery {
	host := view.Host()
	var out []model.PeerQuery
	for _, q := range model.PeerQueries(view) {
		if !want[q.From] {
			continue
		}
		if len(q.Candidates) == 0 && host != nil && q.From != host.Key {
			q.Candidates = []model.NsKey{host.Key}
		}
		out = append(out, q)
	}
	return out
}

// holdCandidates is open, aligned with view (whose first len(open)
// namespaces are those open holds), and the files of the other
// namespaces of view the queries name as candidates, opened once each,
// so that askNsIDs can ask about them.
func (s *System) holdCandidates(view *model.Snapshot, open openedAll, index map[model.NsKey]int, queries []model.PeerQuery) openedAll {
	all := make(openedAll, len(view.Namespaces))
	copy(all, open)
	need := map[int]bool{}
	for _, q := range queries {
		for _, c := range q.Candidates {
			if i, ok := index[c]; ok && i >= len(open) {
				need[i] = true
			}
		}
	}
	ids := make([]int, 0, len(need))
	for i := range need {
		ids = append(ids, i)
	}
	s.forEach(context.Background(), len(ids), func(j int) {
		i := ids[j]
		h, err := s.hold(&view.Namespaces[i])
		if err != nil {
			return // gone or not to be opened: its peers stay unresolved
		}
		all[i].ns = h // each worker its own element
	})
	return all
}

// discovered is what discovery found of ns (what opens it and who holds
// it), without anything read inside it, for a read to start from.
func discovered(ns *model.Namespace) model.Namespace {
	return model.Namespace{Key: ns.Key, Name: ns.Name, Host: ns.Host, Path: ns.Path, Mounts: ns.Mounts,
		FdHolders: ns.FdHolders, Procs: ns.Procs, Container: ns.Container, Stale: ns.Stale}
}
