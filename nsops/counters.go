package nsops

import (
	"context"
	"time"

	"github.com/lazyns/lazyns/model"
)

// Counters reads the links of ns again with their counters, and says
// when: one link dump, cheap enough to repeat every second for the
// namespace on screen. The result holds only Key, Name and Links; give
// two of them to model.LinkRates for rates. An error matching
// ErrNoNamespace means the namespace is gone.
func (s *System) Counters(ctx context.Context, ns *model.Namespace) (*model.Namespace, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, err
	}
	read := countersOf(ns)
	err := s.readParts(read, PartLinks|PartStats)
	return read, time.Now(), err
}

// CountersEach reads the links of every namespace in nss with their
// counters, as Counters does, a few at once (as ReadEach), and hands each
// reading to fn in the order of nss with the time it was read: the UI's
// list ordered by traffic reads a thousand namespaces so every few
// seconds. A reading is only valid during fn; nss are left as they are.
// err is as ReadEach gives it; an error of ctx ends the reading and is
// returned.
func (s *System) CountersEach(ctx context.Context, nss []*model.Namespace, fn func(read *model.Namespace, at time.Time, err error)) error {
	reads := make([]*model.Namespace, len(nss))
	for i, ns := range nss {
		reads[i] = countersOf(ns)
	}
	return s.readEach(ctx, reads, PartLinks|PartStats, func(read *model.Namespace, at time.Time, err error) error {
		fn(read, at, err)
		return nil
	})
}

// countersOf is what reading ns's counters starts from: what opens it,
// and nothing read yet.
func countersOf(ns *model.Namespace) *model.Namespace {
	return &model.Namespace{
		Key: ns.Key, Name: ns.Name, Host: ns.Host, Path: ns.Path,
		Mounts: ns.Mounts, Procs: ns.Procs, Stale: ns.Stale,
	}
}
