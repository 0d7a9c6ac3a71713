package nsops

import (
	"context"
	"errors"

	"github.com/lazyns/lazyns/model"
)

// streamAhead is how many namespaces ReadStream reads beyond the one it
// waits to hand over. The first is the host's, on a big node by far the
// longest to read (thousands of links, tens of thousands of routes): the
// other workers read on meanwhile rather than wait for it.
const streamAhead = 256

// ReadStream reads a discovered snapshot as Read does, but hands each
// namespace over as soon as it and those before it are read, in the
// snapshot's order, and lets its addresses, routes, rules and neighbours
// go once handed over: only every namespace's links are held at once
// (they name each veth's peer), not everything.
//
// It reads in two passes: first every namespace's links, in parallel, and
// the nsid questions that say where each veth's peer is (as Read does);
// then the rest of each namespace through the socket the first pass left
// open in it, up to streamAhead namespaces ahead of the one handed over.
// prepare(i) runs on the worker that read snap.Namespaces[i], right after
// (in parallel, in any order: the place for work each namespace needs on
// its own, such as encoding it); emit(i) on the calling goroutine, in
// order. An error from emit stops the reading and is returned. A
// namespace that could not be read is handed over with its error, as Read
// leaves it. With stats, the links carry their counters (ReadOptions.Stats).
func (s *System) ReadStream(ctx context.Context, snap *model.Snapshot, stats bool, prepare func(i int), emit func(i int) error) error {
	open, err := s.readAll(ctx, snap, ReadOptions{Full: func(*model.Namespace) bool { return false }, linkStats: stats}, true)
	defer open.close()
	if err != nil {
		return err
	}
	const rest = PartAddrs | PartRoutes | PartRules | PartNeighbours
	workers := max(s.Workers, 1)
	return inOrder(ctx, len(snap.Namespaces), workers, streamAhead,
		func(i int) {
			// A namespace whose links could not be read at all is handed
			// over with that error; one whose link dump never settled is
			// read on, as Read does.
			if ns := &snap.Namespaces[i]; ns.Err == nil || errors.Is(ns.Err, errDumpInconsistent) {
				s.readRest(ns, &open[i], rest)
			}
			if prepare != nil {
				prepare(i)
			}
		},
		func(i int) error {
			err := emit(i)
			ns := &snap.Namespaces[i]
			for j := range ns.Links {
				ns.Links[j].Addrs = nil
			}
			ns.Routes, ns.Rules, ns.Neighbours, ns.Netfilter = nil, nil, nil, nil
			open[i].conn.Close()
			open[i].ns.close()
			open[i] = opened{}
			return err
		})
}

// readRest reads the parts want of a namespace whose links are read,
// through the socket left open in it, or one opened again from its file.
func (s *System) readRest(ns *model.Namespace, o *opened, want Parts) {
	if ns.Stale {
		return
	}
	c := o.conn
	if c == nil {
		if o.ns == nil {
			return
		}
		var err error
		if c, err = dialIn(o.ns); err != nil {
			ns.Err = openFailure(err)
			return
		}
		o.conn = c
	}
	if err := readPartsOver(c, ns, want); err != nil {
		ns.Err = readFailure(err)
		if !errors.Is(err, errDumpInconsistent) {
			ns.Links, ns.Routes, ns.Rules, ns.Neighbours = nil, nil, nil, nil
		}
	}
}
