package tui

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// asyncDriver drives the explorer the way Bubble Tea does: each command
// runs on its own goroutine and its message comes back whenever it is
// done, so commands of successive keys may run in any order, and keys
// arrive between them. A seed picks the order, so a failure can be
// replayed.
type asyncDriver struct {
	m       *Model
	src     *fakeSource
	rng     *rand.Rand
	pending []tea.Cmd
	late    chan tea.Msg // messages of commands that were still waiting when run
	log     []string     // what happened, for the failure message
}

func newAsyncDriver(seed uint64) *asyncDriver {
	src := newFakeSource(fakeSnapshot())
	m := New(Deps{Source: src}, Options{Hostname: "vm"})
	d := &asyncDriver{m: m, src: src, rng: rand.New(rand.NewPCG(seed, 14)), late: make(chan tea.Msg, 256)}
	sizes := [][2]int{{120, 40}, {80, 24}, {60, 8}, {100, 6}}
	size := sizes[d.rng.IntN(len(sizes))]
	d.deliver(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
	d.pending = append(d.pending, m.Init())
	return d
}

// close ends what the model still has in flight (ticks, the watcher's
// wait), so no goroutine of this sequence outlives it for long.
func (d *asyncDriver) close() {
	d.m.Close()
	d.src.watcher.Close()
}

func (d *asyncDriver) deliver(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	if cmd != nil {
		d.pending = append(d.pending, cmd)
	}
}

// handle takes a command's message as the program would.
func (d *asyncDriver) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			if c != nil {
				d.pending = append(d.pending, c)
			}
		}
	default:
		// tea.Exec's message is Bubble Tea's own; nothing here runs.
		if reflect.TypeOf(msg).String() == "tea.execMsg" {
			return
		}
		d.deliver(msg)
	}
}

// runOne runs one pending command, picked at random. One that does not
// answer at once (a tick, the wait for the watcher or for progress) goes
// on in the background and its message is taken later, like any other.
func (d *asyncDriver) runOne() {
	i := d.rng.IntN(len(d.pending))
	cmd := d.pending[i]
	d.pending = slices.Delete(d.pending, i, i+1)
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		d.handle(msg)
	case <-time.After(2 * time.Millisecond):
		go func() {
			msg := <-done
			select {
			case d.late <- msg:
			default: // the sequence is over and nobody reads
			}
		}()
	}
}

// key presses one key chosen for what is on screen, so that letters are
// typed into the filter and not taken as the change keys they are on the
// main screen.
func (d *asyncDriver) key() {
	var choices []string
	switch {
	case d.m.dialog != nil:
		choices = []string{"esc"}
	case d.m.main.list.filtering:
		choices = []string{"q", "d", "h", "c", "p", "r", "o", "u", "t", "e", "b", "l", "1", "0", ".", "-", "7",
			"backspace", "backspace", "esc", "enter", "up", "down"}
	case d.m.pane != nil:
		choices = []string{"j", "k", "g", "G", "enter", "esc", "?"}
	default:
		choices = []string{"/", "/", "/", "esc", "enter", "enter", "j", "k", "j", "g", "G", "pgdown", "pgup",
			"tab", "shift+tab", "]", "[", "1", "2", "7", "t", "?", "ctrl+r"}
	}
	if d.m.dialog == nil && !d.m.main.list.filtering {
		choices = append(choices, "click", "wheel")
	}
	k := choices[d.rng.IntN(len(choices))]
	var msg tea.Msg = press(k)
	switch k {
	case "backspace":
		msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "click", "wheel":
		// Anywhere on the screen: the list, a tab, the detail's rows.
		at := tea.Mouse{X: d.rng.IntN(max(1, d.m.width)), Y: d.rng.IntN(max(1, d.m.height)), Button: tea.MouseLeft}
		msg = tea.MouseClickMsg(at)
		if k == "wheel" {
			at.Button = []tea.MouseButton{tea.MouseWheelUp, tea.MouseWheelDown}[d.rng.IntN(2)]
			msg = tea.MouseWheelMsg(at)
		}
		k += "@" + strconv.Itoa(at.X) + "," + strconv.Itoa(at.Y)
	}
	d.log = append(d.log, k)
	d.deliver(msg)
}

// kernel changes the fake host and says so, as the watcher would: an
// address comes or goes in one namespace (so a filter by address may stop
// matching the selected one), or a namespace vanishes or comes back.
func (d *asyncDriver) kernel() {
	d.src.mu.Lock()
	snap := d.src.snap
	d.src.mu.Unlock()
	if d.rng.IntN(2) == 0 {
		ns := snap.Namespaces[d.rng.IntN(len(snap.Namespaces))]
		if ns.Stale {
			return
		}
		c := ns
		c.Links = slices.Clone(ns.Links)
		l := &c.Links[len(c.Links)-1]
		if len(l.Addrs) > 0 {
			l.Addrs = nil
		} else {
			l.Addrs = []model.Addr{addr("10.0.0.77/24")}
		}
		d.src.mu.Lock()
		d.src.reread[ns.Key] = &c
		d.src.mu.Unlock()
		d.log = append(d.log, "<reread "+model.Visible(ns.DisplayName())+">")
		d.deliver(changeMsg{model.Change{Ns: ns.Key}})
		return
	}
	next := fakeSnapshot()
	if len(snap.Namespaces) == len(next.Namespaces) {
		gone := []model.NsKey{kBlue, kDHCP, kDnsmasq}[d.rng.IntN(3)]
		next.Namespaces = slices.DeleteFunc(next.Namespaces, func(ns model.Namespace) bool { return ns.Key == gone })
	}
	d.src.mu.Lock()
	d.src.snap = next
	d.src.reread = map[model.NsKey]*model.Namespace{}
	d.src.mu.Unlock()
	d.log = append(d.log, "<namespaces>")
	d.deliver(changeMsg{model.Change{Namespaces: true}})
}

// play runs steps random steps: keys, kernel changes, and commands and
// late messages taken in random order; then every command left and the
// late answers that come, so the model is at rest when it returns. It
// returns a panic, if one happened.
func (d *asyncDriver) play(steps int) (panicked string) {
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprintf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	for i := 0; i < steps; i++ {
		switch r := d.rng.IntN(10); {
		case r < 4 && len(d.pending) > 0:
			d.runOne()
		case r == 4:
			select {
			case msg := <-d.late:
				d.handle(msg)
			default:
			}
		case r == 5:
			d.kernel()
		default:
			d.key()
		}
	}
	for {
		for len(d.pending) > 0 {
			d.runOne()
		}
		// A command that took longer than runOne waits answers late (the
		// watcher's start, on a loaded machine): take what comes within a
		// moment, or the model is judged without what it asked for.
		select {
		case msg := <-d.late:
			d.handle(msg)
		case <-time.After(25 * time.Millisecond):
			return ""
		}
	}
}

// wantFocus is the namespace the watcher must follow: the selected one,
// or none when nothing (or a stale name) is selected.
func (d *asyncDriver) wantFocus() model.NsKey {
	if ns := d.m.Selected(); ns != nil && !ns.Stale {
		return ns.Key
	}
	return model.NsKey{}
}

// wantRows are the namespaces of the list's rows on screen.
func (d *asyncDriver) wantRows() []model.NsKey {
	var keys []model.NsKey
	from, to := d.m.main.list.sc.visible()
	for _, pos := range d.m.main.list.shown[from:to] {
		if ns := &d.m.snap.Namespaces[pos]; !ns.Stale {
			keys = append(keys, ns.Key)
		}
	}
	return keys
}

// playSequences plays n generated sequences, eight at a time (each
// mostly waits for the commands it left running), and returns what check
// says is wrong after each, by seed.
func playSequences(t *testing.T, check func(d *asyncDriver) string) {
	n := uint64(300)
	if testing.Short() {
		n = 60
	}
	seeds := make(chan uint64)
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for seed := range seeds {
				d := newAsyncDriver(seed)
				msg := d.play(60)
				if msg == "" {
					msg = check(d)
				}
				d.close()
				if msg != "" {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("seed %d: %s\nkeys: %s", seed, msg, strings.Join(d.log, " ")))
					mu.Unlock()
				}
			}
		})
	}
	for seed := range n {
		seeds <- seed
	}
	close(seeds)
	wg.Wait()
	if len(failures) > 0 {
		slices.Sort(failures)
		t.Fatalf("%d of %d sequences failed; the first:\n%s", len(failures), n, failures[0])
	}
}

// TestWatchFollowsScreen: after any sequence of keys (filter, clear,
// enter, moves, tabs, following a veth, topology and back, help and
// back, the mouse) and kernel changes, with the commands they return run
// in any order, the watcher is focused on the selected namespace and
// follows the interfaces of every row of the list on screen. Issue 14:
// after `/ sleep`, esc, `/ qdhcp-…`, enter, two focus commands ran in the
// reverse order and the qdhcp namespace was never followed.
func TestWatchFollowsScreen(t *testing.T) {
	playSequences(t, func(d *asyncDriver) string {
		if got, want := d.src.watcher.lastFocus(), d.wantFocus(); got != want {
			return fmt.Sprintf("the watcher follows %v, the screen shows %v (%s)", got, want, d.selectedName())
		}
		d.src.watcher.mu.Lock()
		got := slices.Clone(d.src.watcher.rows)
		d.src.watcher.mu.Unlock()
		if want := d.wantRows(); !slices.Equal(got, want) {
			return fmt.Sprintf("the watcher follows rows %v, the screen shows %v", got, want)
		}
		return ""
	})
}

func (d *asyncDriver) selectedName() string {
	if ns := d.m.Selected(); ns != nil {
		return model.Visible(ns.DisplayName())
	}
	return "nothing selected"
}
