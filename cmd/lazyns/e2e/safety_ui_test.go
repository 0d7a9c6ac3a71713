package e2e

import (
	"reflect"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// uiDriver runs the explorer over the real host (host.NewSource) the way
// Bubble Tea does — commands on goroutines, their messages back into
// Update one at a time — but on the test's goroutine, so the test can
// look at the model and its view between any two messages.
type uiDriver struct {
	t    *testing.T
	m    *tui.Model
	msgs chan tea.Msg
	done chan struct{}
	// slowest is the longest a single Update took.
	slowest time.Duration
}

func newUIDriver(t *testing.T, sys *nsops.System, opt tui.Options) *uiDriver {
	t.Helper()
	return newUIDriverChanging(t, sys, opt, nil)
}

// newUIDriverChanging is newUIDriver with the change keys acting through chg.
func newUIDriverChanging(t *testing.T, sys *nsops.System, opt tui.Options, chg tui.Changer) *uiDriver {
	t.Helper()
	opt.Hostname, opt.NoColor, opt.Theme = "vm", true, "dark"
	m := tui.New(tui.Deps{Source: host.NewSource(sys), Tracer: host.NewTracer(sys), Changer: chg}, opt)
	d := &uiDriver{t: t, m: m, msgs: make(chan tea.Msg, 64), done: make(chan struct{})}
	t.Cleanup(func() {
		d.m.Close()
		close(d.done)
	})
	d.handle(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.run(d.m.Init())
	return d
}

// newSystem reads and changes the host as lazyns does with its defaults;
// it is closed when the test ends.
func newSystem(t *testing.T) *nsops.System {
	t.Helper()
	sys, err := nsops.New(nsops.DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	return sys
}

// run starts a command; its message comes back through msgs.
func (d *uiDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		if msg := cmd(); msg != nil {
			select {
			case d.msgs <- msg:
			case <-d.done:
			}
		}
	}()
}

var cmdType = reflect.TypeOf(tea.Cmd(nil))

// handle gives msg to Update, or, for a batch or sequence, runs its
// commands (a sequence's in order).
func (d *uiDriver) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
		return
	case tea.QuitMsg:
		d.t.Errorf("the UI quit by itself")
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
		// tea.Sequence's message type is unexported.
		cmds := make([]tea.Cmd, v.Len())
		for i := range cmds {
			cmds[i] = v.Index(i).Interface().(tea.Cmd)
		}
		d.run(func() tea.Msg {
			for _, c := range cmds {
				if c == nil {
					continue
				}
				if m := c(); m != nil {
					select {
					case d.msgs <- m:
					case <-d.done:
					}
				}
			}
			return nil
		})
		return
	}
	start := time.Now()
	_, cmd := d.m.Update(msg)
	d.slowest = max(d.slowest, time.Since(start))
	d.run(cmd)
}

// pump handles messages for up to d, or until ok (checked after each)
// holds; it reports whether ok held.
func (d *uiDriver) pump(dur time.Duration, ok func() bool) bool {
	deadline := time.After(dur)
	for {
		if ok != nil && ok() {
			return true
		}
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-deadline:
			return ok != nil && ok()
		}
	}
}

var driverKeys = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
}

// press types keys, one message each.
func (d *uiDriver) press(keys ...string) {
	for _, k := range keys {
		msg, ok := driverKeys[k]
		if !ok {
			msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		d.handle(msg)
	}
}

// typeText types s one character at a time.
func (d *uiDriver) typeText(s string) {
	for _, r := range s {
		d.press(string(r))
	}
}

func (d *uiDriver) screen() string { return d.m.View().Content }

// has reports whether the snapshot on screen holds a namespace called
// name, read (names first lists it before).
func (d *uiDriver) has(name string) bool {
	snap := d.m.Snapshot()
	if snap == nil {
		return false
	}
	for i := range snap.Namespaces {
		if snap.Namespaces[i].Name == name {
			return !d.m.Unread(&snap.Namespaces[i])
		}
	}
	return false
}

// loaded waits for the first snapshot: the namespaces listed. (Their
// reading may go on for as long as others keep appearing; has waits for
// a namespace's own.)
func (d *uiDriver) loaded() {
	d.t.Helper()
	if !d.pump(30*time.Second, func() bool { return d.m.Snapshot() != nil }) {
		d.t.Fatal("no snapshot on screen within 30 s")
	}
}

// select filters the list down to the namespace called name, so it is the
// one under the cursor.
func (d *uiDriver) selectNs(name string) *model.Namespace {
	d.t.Helper()
	d.press("/")
	d.typeText(name)
	d.press("enter")
	sel := d.m.Selected()
	if sel == nil || sel.Name != name {
		d.t.Fatalf("could not select %q: %v\n%s", name, sel, d.screen())
	}
	return sel
}
