package nsops

import (
	"context"
	"sync"
	"time"

	"github.com/lazyns/lazyns/model"
)

// coalesce is how long a watcher waits after the first event of a burst
// before reporting it: one `ip` command makes several events within a few
// milliseconds, and a viewer should read again once, not once per event.
const coalesce = 75 * time.Millisecond

// minGap spaces changes out when events never stop (neighbour and bridge
// forwarding entries churn in a busy namespace): a viewer then reads again
// a few times a second rather than after every burst.
const minGap = 250 * time.Millisecond

// procRescan is how often /proc is scanned for namespaces that have no
// name: nothing signals a process entering a new namespace. It is the only
// timer a watcher runs.
const procRescan = 3 * time.Second

// Watcher follows the kernel: namespaces appearing and vanishing (inotify
// on the netns directory, a slow rescan of /proc for unnamed ones) and the
// links, addresses, routes, rules and neighbours of one focused namespace
// (rtnetlink multicast on a socket opened inside it). Everything waits in
// blocking reads; bursts are coalesced into one Change.
type Watcher struct {
	sys     *System
	changes chan model.Change
	raw     chan rawEvent
	wake    chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup

	mu        sync.Mutex
	wantFocus *model.Namespace
	focusSet  bool
	closeOnce sync.Once
	closeErr  error

	dir *dirWatch
}

// rawEvent is one uncoalesced event: a possible change in the set of
// namespaces, or a change inside the focused one (gen tells a current
// subscription from one already replaced).
type rawEvent struct {
	namespaces bool
	ns         model.NsKey
	gen        int
}

// Watch starts watching until ctx ends or Close is called.
func (s *System) Watch(ctx context.Context) (*Watcher, error) {
	w := &Watcher{
		sys:     s,
		changes: make(chan model.Change),
		raw:     make(chan rawEvent, 64),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	dir, err := newDirWatch(s.NetnsDir)
	if err != nil {
		return nil, err
	}
	w.dir = dir
	procs := newProcWatch()
	w.wg.Add(3)
	go func() { defer w.wg.Done(); dir.run(w.emit) }()
	go func() { defer w.wg.Done(); procs.run(w.done, w.emit) }()
	go func() { defer w.wg.Done(); w.loop(ctx) }()
	return w, nil
}

// Changes delivers coalesced changes; it is closed when the watcher stops.
func (w *Watcher) Changes() <-chan model.Change { return w.changes }

// Focus moves the netlink subscription to ns (nil: none). It returns at
// once; changes in ns are reported from the moment the socket is open.
func (w *Watcher) Focus(ns *model.Namespace) {
	var cp *model.Namespace
	if ns != nil {
		// Only what opening it takes: the caller's namespace may change.
		cp = &model.Namespace{Key: ns.Key, Name: ns.Name, Host: ns.Host, Path: ns.Path,
			Mounts: ns.Mounts, Procs: ns.Procs}
	}
	w.mu.Lock()
	w.wantFocus, w.focusSet = cp, true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Close stops the watcher, closes its descriptors and waits for its
// goroutines; Changes is closed afterwards.
func (w *Watcher) Close() error {
	w.stop()
	w.wg.Wait()
	return w.closeErr
}

// stop tells every goroutine to end and closes the inotify descriptor,
// which wakes the one reading it.
func (w *Watcher) stop() {
	w.closeOnce.Do(func() {
		close(w.done)
		w.closeErr = w.dir.close()
	})
}

// emit hands an event to the loop unless the watcher is stopping.
func (w *Watcher) emit(ev rawEvent) {
	select {
	case w.raw <- ev:
	case <-w.done:
	}
}

// loop coalesces events into Changes and owns the subscription.
func (w *Watcher) loop(ctx context.Context) {
	defer close(w.changes)
	var (
		sub     *subscription
		gen     int
		pending model.Change
		have    bool
		timer   *time.Timer
		fire    <-chan time.Time
		out     chan model.Change
		sent    time.Time
	)
	defer func() {
		sub.close()
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			w.stop()
			return
		case <-w.done:
			return
		case <-w.wake:
			w.mu.Lock()
			want, set := w.wantFocus, w.focusSet
			w.focusSet = false
			w.mu.Unlock()
			if !set || (want != nil && sub != nil && sub.key == want.Key) {
				continue
			}
			sub.close()
			sub = nil
			gen++
			if want != nil {
				sub = w.subscribe(want, gen)
			}
		case ev := <-w.raw:
			if !ev.namespaces && (sub == nil || ev.gen != gen) {
				continue // from a subscription already replaced
			}
			if ev.namespaces {
				pending.Namespaces = true
				// A socket inside a deleted namespace keeps it alive:
				// let go as soon as it is gone.
				if sub != nil && !sub.stillThere() {
					sub.close()
					sub = nil
					gen++
				}
			} else {
				pending.Ns = ev.ns
			}
			if !have {
				have = true
				wait := max(coalesce, time.Until(sent.Add(minGap)))
				if timer == nil {
					timer = time.NewTimer(wait)
				} else {
					timer.Reset(wait)
				}
				fire = timer.C
			}
		case <-fire:
			fire = nil
			out = w.changes
		case out <- pending:
			pending, have, out, sent = model.Change{}, false, nil, time.Now()
		}
	}
}
