package nsops

import (
	"context"
	"slices"
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
// on the netns directory, a slow rescan of /proc for unnamed ones),
// everything in one focused namespace, and the interfaces of a few more
// (the rows of a list on screen), each by rtnetlink multicast on a socket
// opened inside it. Everything waits in blocking reads; bursts are
// coalesced into one Change.
type Watcher struct {
	sys     *System
	changes chan model.Change
	raw     chan rawEvent
	wake    chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup

	mu        sync.Mutex
	wantFocus *model.Namespace
	wantRows  []*model.Namespace
	wanted    bool // Focus or Rows was called since the loop last looked
	closeOnce sync.Once
	closeErr  error

	dir *dirWatch
}

// rawEvent is one uncoalesced event: a possible change in the set of
// namespaces, or something heard by a subscription (which the loop drops
// if it has replaced that subscription meanwhile).
type rawEvent struct {
	namespaces bool
	sub        *subscription
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

// Focus follows everything in ns (nil: no namespace): its links,
// addresses, routes, rules and neighbours, reported as Change.Ns. It
// returns at once, so a UI may call it from its event loop; changes in ns
// are reported from the moment the socket is open, and at once if ns was
// read and its links or addresses already differ from the kernel's by
// then (they changed while nobody watched). ns's links are compared
// then: pass a namespace nobody changes afterwards (the UI replaces its
// snapshots).
func (w *Watcher) Focus(ns *model.Namespace) {
	w.mu.Lock()
	w.wantFocus, w.wanted = forWatch(ns), true
	w.mu.Unlock()
	w.poke()
}

// Rows follows the interfaces of these namespaces, besides the focused
// one: a namespace where one comes or goes is reported in Change.Rows.
// Like Focus it returns at once, and reports at once a namespace whose
// links already differ from the ones given.
//
// Only these few namespaces get a socket each (the rows a screen shows),
// not every namespace: at ten thousand namespaces a socket in each would
// be ten thousand descriptors, each keeping its namespace alive.
func (w *Watcher) Rows(rows []*model.Namespace) {
	want := make([]*model.Namespace, 0, len(rows))
	for _, ns := range rows {
		if c := forWatch(ns); c != nil {
			want = append(want, c)
		}
	}
	w.mu.Lock()
	w.wantRows, w.wanted = want, true
	w.mu.Unlock()
	w.poke()
}

// forWatch keeps of ns what opening it takes and its links, so the
// caller may move on to another snapshot; nil for none or a stale name.
func forWatch(ns *model.Namespace) *model.Namespace {
	if ns == nil || ns.Stale {
		return nil
	}
	return &model.Namespace{Key: ns.Key, Name: ns.Name, Host: ns.Host, Path: ns.Path,
		Mounts: ns.Mounts, Procs: ns.Procs, Links: ns.Links}
}

func (w *Watcher) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// wish is what Focus and Rows last asked for, and whether anything was
// asked since the last call.
func (w *Watcher) wish() (focus *model.Namespace, rows []*model.Namespace, asked bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	asked, w.wanted = w.wanted, false
	return w.wantFocus, w.wantRows, asked
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

// loop coalesces events into Changes and owns the subscriptions.
func (w *Watcher) loop(ctx context.Context) {
	defer close(w.changes)
	l := &watchLoop{w: w, subs: map[model.NsKey]*subscription{}}
	defer l.stop()
	for {
		select {
		case <-ctx.Done():
			w.stop()
			return
		case <-w.done:
			return
		case <-w.wake:
			if focus, rows, asked := w.wish(); asked {
				l.follow(focus, rows)
			}
		case ev := <-w.raw:
			l.event(ev)
		case <-l.fire:
			l.fire = nil
			l.out = w.changes
		case l.out <- l.pending:
			l.pending, l.have, l.out, l.sent = model.Change{}, false, nil, time.Now()
		}
	}
}

// watchLoop is the loop's state: one subscription per namespace followed,
// and the change being gathered.
type watchLoop struct {
	w       *Watcher
	subs    map[model.NsKey]*subscription
	pending model.Change
	have    bool
	timer   *time.Timer
	fire    <-chan time.Time
	out     chan model.Change
	sent    time.Time
}

// follow opens and closes subscriptions until there is one for everything
// in focus and one for the links of each row.
func (l *watchLoop) follow(focus *model.Namespace, rows []*model.Namespace) {
	want := make(map[model.NsKey]*model.Namespace, len(rows)+1)
	for _, ns := range rows {
		want[ns.Key] = ns
	}
	if focus != nil {
		want[focus.Key] = focus
	}
	isFocus := func(key model.NsKey) bool { return focus != nil && focus.Key == key }
	for key, s := range l.subs {
		ns, ok := want[key]
		if !ok || s.full != isFocus(key) {
			s.close()
			delete(l.subs, key)
			continue
		}
		s.ns = ns // the newest way to open it, for stillThere
	}
	for key, ns := range want {
		if l.subs[key] != nil {
			continue
		}
		s, behind := l.w.subscribe(ns, isFocus(key))
		if s == nil {
			continue // gone, or not ours to enter; asked again with the next snapshot
		}
		l.subs[key] = s
		if behind {
			l.note(s)
		}
	}
}

func (l *watchLoop) event(ev rawEvent) {
	if !ev.namespaces {
		if l.subs[ev.sub.key] == ev.sub {
			l.note(ev.sub)
		}
		return
	}
	l.pending.Namespaces = true
	// A socket inside a deleted namespace keeps it alive: let go as soon
	// as it is gone.
	for key, s := range l.subs {
		if !s.stillThere() {
			s.close()
			delete(l.subs, key)
		}
	}
	l.arm()
}

// note adds what s heard to the change being gathered.
func (l *watchLoop) note(s *subscription) {
	switch {
	case !s.full:
		if !slices.Contains(l.pending.Rows, s.key) {
			l.pending.Rows = append(l.pending.Rows, s.key)
		}
	case l.pending.Ns != s.key:
		// The focus moved within one burst: the namespace focused before
		// still changed.
		if old := l.pending.Ns; old != (model.NsKey{}) && !slices.Contains(l.pending.Rows, old) {
			l.pending.Rows = append(l.pending.Rows, old)
		}
		l.pending.Ns = s.key
	}
	l.arm()
}

// arm starts the wait before a gathered change goes out: coalesce after
// the first event of a burst, and no sooner than minGap after the last
// change sent.
func (l *watchLoop) arm() {
	if l.have {
		return
	}
	l.have = true
	wait := max(coalesce, time.Until(l.sent.Add(minGap)))
	if l.timer == nil {
		l.timer = time.NewTimer(wait)
	} else {
		l.timer.Reset(wait)
	}
	l.fire = l.timer.C
}

func (l *watchLoop) stop() {
	for _, s := range l.subs {
		s.close()
	}
	if l.timer != nil {
		l.timer.Stop()
	}
}
