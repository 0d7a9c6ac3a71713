package e2e

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// measureKeys times, in this process with the real nsops-backed Source on
// the fixture's host, driven like Bubble Tea drives it (uiDriver, in
// colour as on a terminal): New+Init until a frame shows the namespace
// count, then Update+View for cursor moves and for filter keystrokes.
func (b *scaleBench) measureKeys() []benchRow {
	t := b.t
	t.Helper()
	start := time.Now()
	sys, err := nsops.New(benchNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	src := host.NewSource(sys)
	d := &uiDriver{t: t, m: tui.New(tui.Deps{Source: src, Tracer: host.NewTracer(sys)}, tui.Options{Theme: "dark", Hostname: "bench", NetnsDir: benchNetnsDir}),
		msgs: make(chan tea.Msg, 64), done: make(chan struct{})}
	defer func() {
		d.m.Close()
		close(d.done)
	}()
	d.handle(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.run(d.m.Init())
	if !d.pump(30*time.Second, func() bool { return hasCount(d.m.View()) }) {
		t.Fatal("the UI never showed the namespace count")
	}
	first := time.Since(start)

	timed := func(keys ...string) []time.Duration {
		var took []time.Duration
		for _, k := range keys {
			start := time.Now()
			if k == "backspace" {
				d.handle(tea.KeyPressMsg{Code: tea.KeyBackspace})
			} else {
				d.press(k)
			}
			_ = d.m.View()
			took = append(took, time.Since(start))
			// What the key started (the focused namespace's tabs, the
			// watcher's focus) is handled untimed, as Bubble Tea would
			// between keys.
			d.pump(time.Millisecond, nil)
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
		infoRow("slowest cursor move or filter keystroke", slowest(append(move, filter...)), "(information)"),
	}
}

func slowest(d []time.Duration) time.Duration {
	var m time.Duration
	for _, x := range d {
		m = max(m, x)
	}
	return m
}
