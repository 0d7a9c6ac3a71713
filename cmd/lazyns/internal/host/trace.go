package host

import (
	"context"
	"net"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

var _ tui.Tracer = nsSource{}

// Trace is the UI's T: a trace over a fresh read of the host, so the path
// follows the kernel as it is now rather than the snapshot on screen.
func (s nsSource) Trace(ctx context.Context, from model.NsKey, dst, src net.IP) (*trace.Trace, error) {
	snap, err := s.sys.Snapshot(ctx, nsops.ReadOptions{})
	if err != nil {
		return nil, err
	}
	tracer := s.sys.NewTracer(snap).WithContext(ctx)
	defer tracer.Close()
	return tracer.Trace(from, dst, src)
}
