package nsops

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lazyns/lazyns/model"
)

// ReadEach reads the parts want of each namespace in nss and hands each to
// fn in the order of nss, as soon as it and those before it are read. A
// few are read at once (Workers) and only a few more wait their turn, so
// what is held in memory is a handful of namespaces however many there
// are; once fn returns, the namespace's tables are let go. fn's err says
// why a namespace has nothing: it matches ErrNoNamespace and model.ErrGone
// when the namespace is gone (or only a stale name was left); otherwise
// it is ns.Err, whose kind errors.Is tells (model.ErrPartial when the
// kernel kept interrupting a dump: what was read is kept). An error from
// fn stops the reading and is returned.
func (s *System) ReadEach(ctx context.Context, nss []*model.Namespace, want Parts, fn func(ns *model.Namespace, err error) error) error {
	return s.readEach(ctx, nss, want, func(ns *model.Namespace, _ time.Time, err error) error { return fn(ns, err) })
}

// readEach is ReadEach that also says when each namespace was read: fn
// is called in order, so later than that by the time the namespaces
// before took (CountersEach's rates need the time of the reading).
func (s *System) readEach(ctx context.Context, nss []*model.Namespace, want Parts, fn func(ns *model.Namespace, at time.Time, err error) error) error {
	errs := make([]error, len(nss))
	ats := make([]time.Time, len(nss))
	workers := max(s.Workers, 1)
	return inOrder(ctx, len(nss), workers, 2*workers,
		func(i int) { errs[i], ats[i] = s.readParts(nss[i], want), time.Now() },
		func(i int) error {
			ns := nss[i]
			err := fn(ns, ats[i], errs[i])
			ns.Links, ns.Routes, ns.Rules, ns.Neighbours = nil, nil, nil, nil
			return err
		})
}

// readParts reads the parts want of ns through a socket opened inside it
// for the purpose. A failure is also recorded in ns.Err, as Read does.
func (s *System) readParts(ns *model.Namespace, want Parts) error {
	if ns.Stale {
		return notFoundError{what: fmt.Sprintf("%q is a stale name: its namespace is gone (remove it with: ip netns del %s)", model.Visible(ns.Name), model.ShellQuote(ns.Name)), gone: true}
	}
	n, err := s.hold(ns)
	if isGone(err) {
		return goneErr(ns)
	}
	if err != nil {
		ns.Err = openFailure(err)
		return ns.Err
	}
	defer n.close()
	c, err := dialIn(n)
	if err != nil {
		ns.Err = openFailure(err)
		return ns.Err
	}
	defer c.Close()
	if err := readParts(c, ns, want); err != nil {
		ns.Err = readFailure(err)
		if !errors.Is(err, errDumpInconsistent) {
			ns.Links, ns.Routes, ns.Rules, ns.Neighbours = nil, nil, nil, nil
		}
		return ns.Err
	}
	return nil
}

// inOrder calls read(i) for every i below n on up to workers goroutines,
// and emit(i) on the calling goroutine in the order of i, each once read(i)
// and every emit before it are done. At most ahead indices are read (or
// being read) and not yet emitted: a slot is taken before an index is, so
// the indices taken are always the next ones due and the wait cannot
// close on itself. It returns the first error of emit, or ctx's.
func inOrder(ctx context.Context, n, workers, ahead int, read func(i int), emit func(i int) error) error {
	ahead = max(ahead, workers, 1)
	var wg sync.WaitGroup
	defer wg.Wait() // no read still running once inOrder returns
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make([]chan struct{}, n)
	for i := range done {
		done[i] = make(chan struct{})
	}
	slots := make(chan struct{}, ahead)
	var next atomic.Int64
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				read(i)
				close(done[i])
			}
		}()
	}
	for i := range n {
		select {
		case <-done[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		err := emit(i)
		<-slots
		if err != nil {
			return err
		}
	}
	return nil
}
