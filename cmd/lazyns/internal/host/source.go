// Package host gives the terminal UI the host lazyns runs on: tui's
// Source, Tracer, Runner and Labs over nsops and pty, as the binary wires
// them (cmd/lazyns/ui.go) and the end-to-end tests drive them.
package host

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// nsSource is the UI's view of the host: nsops.System behind tui.Source.
type nsSource struct{ sys *nsops.System }

var (
	_ tui.Source  = nsSource{}
	_ tui.Watcher = (*nsops.Watcher)(nil)
)

// NewSource gives the UI the host sys reads.
func NewSource(sys *nsops.System) tui.Source { return nsSource{sys: sys} }

// NewTracer traces packets for the UI's T over the host sys reads.
func NewTracer(sys *nsops.System) tui.Tracer { return nsSource{sys: sys} }

func (s nsSource) Discover(context.Context) (*model.Snapshot, error) {
	return s.sys.Discover()
}

// Read reads the namespaces of snap named by keys; their veth peers are
// resolved against the namespaces snap holds read (nsops.ReadSome).
func (s nsSource) Read(ctx context.Context, snap *model.Snapshot, keys []model.NsKey) ([]model.Namespace, error) {
	return s.sys.ReadSome(ctx, snap, keys, nsops.ReadOptions{})
}

func (s nsSource) Reread(ctx context.Context, snap *model.Snapshot, key model.NsKey) (*model.Namespace, error) {
	return s.sys.Reread(ctx, snap, key)
}

func (s nsSource) Sockets(ctx context.Context, ns *model.Namespace) ([]model.Socket, error) {
	return s.sys.Sockets(ctx, ns)
}

func (s nsSource) Processes(ctx context.Context, ns *model.Namespace) ([]model.Process, error) {
	return s.sys.Processes(ctx, ns)
}

func (s nsSource) Firewall(ctx context.Context, ns *model.Namespace) (*model.Firewall, error) {
	return netfilterPart(ctx, s.sys, ns, nsops.NetfilterParts{Firewall: true},
		func(nf *model.Netfilter) (*model.Firewall, bool) { return nf.Firewall, nf.Firewall != nil })
}

func (s nsSource) Conntrack(ctx context.Context, ns *model.Namespace) (*model.Conntrack, error) {
	return netfilterPart(ctx, s.sys, ns, nsops.NetfilterParts{Conntrack: true},
		func(nf *model.Netfilter) (*model.Conntrack, bool) { return nf.Conntrack, nf.Conntrack != nil })
}

func (s nsSource) Sysctls(ctx context.Context, ns *model.Namespace) (model.Sysctls, error) {
	return netfilterPart(ctx, s.sys, ns, nsops.NetfilterParts{Sysctls: true},
		func(nf *model.Netfilter) (model.Sysctls, bool) { return nf.Sysctls, nf.Sysctls != nil })
}

// netfilterPart reads the one part of ns's netfilter that parts asks for;
// what ReadNetfilter could not read of it (each error naming the part and
// the namespace) is the error.
func netfilterPart[T any](ctx context.Context, sys *nsops.System, ns *model.Namespace, parts nsops.NetfilterParts,
	part func(*model.Netfilter) (T, bool)) (T, error) {
	var none T
	nf, err := sys.ReadNetfilter(ctx, ns, parts)
	if err != nil {
		return none, err
	}
	v, ok := part(nf)
	if !ok || len(nf.Errs) > 0 {
		msg := strings.Join(nf.Errs, "; ")
		if msg == "" {
			msg = "nothing read of " + model.Visible(ns.DisplayName())
		}
		return none, errors.New(msg)
	}
	return v, nil
}

func (s nsSource) Counters(ctx context.Context, ns *model.Namespace) (*model.Namespace, time.Time, error) {
	return s.sys.Counters(ctx, ns)
}

func (s nsSource) CountersEach(ctx context.Context, nss []*model.Namespace, fn func(*model.Namespace, time.Time, error)) error {
	return s.sys.CountersEach(ctx, nss, fn)
}

func (s nsSource) Watch(ctx context.Context) (tui.Watcher, error) {
	w, err := s.sys.Watch(ctx)
	if err != nil {
		return nil, err // not a nil *Watcher inside a non-nil interface
	}
	return w, nil
}
