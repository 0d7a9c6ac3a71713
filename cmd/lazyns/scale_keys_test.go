package main

import (
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/tui"
)

// keysDriver runs a tui.Model the way Bubble Tea does, in this process:
// commands in goroutines, their messages back through Update one at a
// time. It lets the bench time Update+View on the real snapshot.
type keysDriver struct {
	m    *tui.Model
	msgs chan tea.Msg
	done chan struct{}
}

func newKeysDriver(m *tui.Model) *keysDriver {
	return &keysDriver{m: m, msgs: make(chan tea.Msg, 64), done: make(chan struct{})}
}

func (d *keysDriver) close() {
	close(d.done)
	d.m.Close()
}

func (d *keysDriver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				d.exec(c)
			}
			return
		}
		if msg == nil {
			return
		}
		select {
		case d.msgs <- msg:
		case <-d.done:
		}
	}()
}

func (d *keysDriver) update(msg tea.Msg) tea.View {
	_, cmd := d.m.Update(msg)
	d.exec(cmd)
	return d.m.View()
}

// drain handles the messages already waiting (lazy tabs, focus), untimed.
func (d *keysDriver) drain() {
	for {
		select {
		case msg := <-d.msgs:
			d.update(msg)
		default:
			return
		}
	}
}

// measureKeys times, in this process with the real nsops-backed Source on
// the fixture's host: New+Init until a frame shows the namespace count,
// then Update+View for cursor moves and for filter keystrokes.
func (b *scaleBench) measureKeys(fx fixture) []benchRow {
	t := b.t
	t.Helper()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, netnsDir: "/run/netns"}
	defer a.close()
	src, err := newSource(a)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d := newKeysDriver(tui.New(src, nil, tui.Options{Theme: "dark", Hostname: "bench"}))
	defer d.close()
	d.exec(d.m.Init())
	d.update(tea.WindowSizeMsg{Width: 120, Height: 40})
	timeout := time.After(30 * time.Second)
	for shown := false; !shown; {
		select {
		case msg := <-d.msgs:
			shown = hasCount(d.update(msg))
		case <-timeout:
			t.Fatal("the UI never showed the namespace count")
		}
	}
	first := time.Since(start)

	timed := func(keys ...string) []time.Duration {
		var took []time.Duration
		for _, k := range keys {
			start := time.Now()
			d.update(keyPress(k))
			took = append(took, time.Since(start))
			d.drain()
		}
		return took
	}
	var moves []string
	for i := 0; i < 300; i++ {
		moves = append(moves, []string{"j", "k"}[i/150])
	}
	move := timed(moves...)
	timed("/")
	var typing []string
	for i := 0; i < 10; i++ {
		typing = append(typing, "q", "r", "o", "u", "t", "e", "r", "-", "a", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	}
	filter := timed(typing...)
	timed("esc")
	return []benchRow{
		infoRow("in process: New+Init until a frame shows the count", first, "(information; the UI row above is the target)"),
		timeRow(fmt.Sprintf("cursor move, Update+View (%d, real snapshot)", len(move)), median(move), 10*time.Millisecond),
		timeRow(fmt.Sprintf("filter keystroke, Update+View (%d, real snapshot)", len(filter)), median(filter), 10*time.Millisecond),
		infoRow("slowest filter keystroke", slowest(filter), "(information)"),
	}
}

func slowest(d []time.Duration) time.Duration {
	var m time.Duration
	for _, x := range d {
		m = max(m, x)
	}
	return m
}
