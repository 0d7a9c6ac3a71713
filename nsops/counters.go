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
	read := &model.Namespace{
		Key: ns.Key, Name: ns.Name, Host: ns.Host, Path: ns.Path,
		Mounts: ns.Mounts, Procs: ns.Procs,
	}
	err := s.readParts(read, PartLinks|PartStats)
	return read, time.Now(), err
}
