package tui

import (
	"context"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// Source is everything the UI reads from the host. cmd/lazyns adapts
// nsops.System to it; tests use a fake built from constructed snapshots, so
// the UI is tested without root.
type Source interface {
	// Discover finds every namespace without reading inside any: names,
	// holders and containers (a readdir, the mount table and a walk of
	// /proc), so the list is on screen before the first namespace is read.
	Discover(ctx context.Context) (*model.Snapshot, error)
	// Read reads the namespaces of snap whose keys are given, a few at
	// once, and returns them read; one gone meanwhile is missing from the
	// answer. Veth peers are resolved among them and against the
	// namespaces snap holds read; a peer in one not read yet is left to
	// its other end (or a Reread).
	Read(ctx context.Context, snap *model.Snapshot, keys []model.NsKey) ([]model.Namespace, error)
	// Reread reads one namespace again, after a Change named it. Peers are
	// resolved against the given snapshot.
	Reread(ctx context.Context, snap *model.Snapshot, key model.NsKey) (*model.Namespace, error)
	Sockets(ctx context.Context, ns *model.Namespace) ([]model.Socket, error)
	Processes(ctx context.Context, ns *model.Namespace) ([]model.Process, error)
	// Firewall, Conntrack and Sysctls read what decides a packet's fate in
	// ns beyond its routes, for the tab on screen. Each costs a thread
	// switch and a few netlink dumps (1–14 ms): the UI reads them for the
	// namespace shown, never for the whole list.
	Firewall(ctx context.Context, ns *model.Namespace) (*model.Firewall, error)
	Conntrack(ctx context.Context, ns *model.Namespace) (*model.Conntrack, error)
	Sysctls(ctx context.Context, ns *model.Namespace) (model.Sysctls, error)
	// Watch reports changes until ctx ends.
	Watch(ctx context.Context) (Watcher, error)
	// Counters reads the links of ns again with their counters, and
	// when (the Links tab's rates, once a second). The reading holds
	// Key, Name and Links only.
	Counters(ctx context.Context, ns *model.Namespace) (read *model.Namespace, at time.Time, err error)
	// CountersEach reads the counters of every namespace in nss as
	// Counters does, handing each reading to fn in the order of nss (the
	// list ordered by traffic); a reading is valid only during fn.
	CountersEach(ctx context.Context, nss []*model.Namespace, fn func(read *model.Namespace, at time.Time, err error)) error
}

// Watcher delivers coalesced changes; nsops.Watcher implements it. Focus
// and Rows say what is on screen: everything in the selected namespace
// (nil: none), and the interfaces of the list's rows. The UI calls them
// from Update, so they must return at once.
type Watcher interface {
	Changes() <-chan model.Change
	Focus(ns *model.Namespace)
	Rows(rows []*model.Namespace)
	Close() error
}

// Runner starts things inside a namespace for the s and x keys; the pty
// package provides the real one.
type Runner interface {
	// Shell is handed to tea.Exec: the UI steps aside while it runs.
	Shell(ns *model.Namespace) (tea.ExecCommand, error)
	// Run runs one shell command line on a pty and returns what it printed
	// (colours kept) and its exit code; live, when not nil, gets the output
	// as it comes.
	Run(ctx context.Context, ns *model.Namespace, command string, live io.Writer) (output []byte, code int, err error)
}
