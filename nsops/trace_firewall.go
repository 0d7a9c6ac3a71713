package nsops

import (
	"context"
	"errors"
	"net"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
)

// TraceProbe follows probe (an ICMP echo, or TCP or UDP to a port) from
// the namespace from to dst; src may be nil. It reads the firewall of each
// namespace on the way, so rules and NAT count.
func (t *Tracer) TraceProbe(from model.NsKey, dst, src net.IP, probe trace.Probe) (*trace.Trace, error) {
	return trace.Follow(trace.Request{Snap: t.snap, From: from, Dst: dst, Src: src, Probe: probe,
		Names: t.sys.Names, Lookup: t.Lookup, State: t.State, Firewall: t.Firewall})
}

// Firewall reads the firewall of namespace k as the Firewall view does
// (nftables over netlink, iptables's tables through their save tools run
// inside it). A firewall that could not be read is an error for trace to
// note; one read with parts missing says so in its Unread.
func (t *Tracer) Firewall(k model.NsKey) (*model.Firewall, error) {
	ns := t.snap.Find(k)
	if ns == nil {
		return nil, errors.New("namespace gone")
	}
	nf, err := t.sys.ReadNetfilter(t.context(), ns, NetfilterParts{Firewall: true})
	if err != nil {
		return nil, err
	}
	if nf.Firewall == nil {
		return nil, errors.New(joinErrs(nf.Errs))
	}
	return nf.Firewall, nil
}

// context is what the tracer's reads run under: the one set with
// WithContext, or none.
func (t *Tracer) context() context.Context {
	if t.ctx != nil {
		return t.ctx
	}
	return context.Background()
}

// WithContext makes the tracer's slow reads (the save tools a firewall
// may need) stop when ctx ends.
func (t *Tracer) WithContext(ctx context.Context) *Tracer {
	t.ctx = ctx
	return t
}

func joinErrs(errs []string) string {
	if len(errs) == 0 {
		return "not read"
	}
	s := errs[0]
	for _, e := range errs[1:] {
		s += "; " + e
	}
	return s
}
