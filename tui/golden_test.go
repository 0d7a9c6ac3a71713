package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// namedKeys are the keys tests press by name.
var namedKeys = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "pgdown": {Code: tea.KeyPgDown},
	"pgup": {Code: tea.KeyPgUp}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
	"ctrl+r": {Code: 'r', Mod: tea.ModCtrl}, "ctrl+c": {Code: 'c', Mod: tea.ModCtrl},
}

// press turns "j", "enter", "shift+tab" into key messages.
func press(k string) tea.KeyPressMsg {
	if msg, ok := namedKeys[k]; ok {
		return msg
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// typeText presses one key per character.
func typeText(tm *teatest.TestModel, s string) {
	for _, r := range s {
		tm.Send(press(string(r)))
	}
}

// screen is the view as text: colours removed, so golden files read as the
// screen does. Names were escaped before styling, so stripping SGR leaves
// any raw control byte in place for the hostile-name checks.
func screen(m *Model) string {
	return ansi.Strip(m.render())
}

type scenario struct {
	name  string
	steps func(tm *teatest.TestModel)
	wait  string // text on screen once the steps are done
}

func goldenScenarios() []scenario {
	keys := func(ks ...string) func(*teatest.TestModel) {
		return func(tm *teatest.TestModel) {
			for _, k := range ks {
				tm.Send(press(k))
			}
		}
	}
	s := []scenario{
		{"main", keys(), ""},
		{"router", keys("j", "j", "j", "j"), ""},
		{"help", keys("?"), "MOVE"},
		{"filter", func(tm *teatest.TestModel) { tm.Send(press("/")); typeText(tm, "10.0.0") }, "/10.0.0"},
		{"filter_kept", func(tm *teatest.TestModel) { tm.Send(press("/")); typeText(tm, "QDHCP"); tm.Send(press("enter")) }, "filter: QDHCP"},
		{"hostile", keys("j", "j"), ""},
		{"stale", keys("G"), ""},
		{"exec_output", func(tm *teatest.TestModel) {
			keys("j", "j", "j", "j", "x")(tm)
			typeText(tm, "ip -c addr")
			tm.Send(press("enter"))
		}, "exit 3"},
		{"topology", keys("t"), "TOPOLOGY"},
		{"topology_scrolled", keys("t", "j", "j", "j"), "TOPOLOGY"},
		{"exec_prompt", keys("j", "j", "j", "j", "x"), "Run in"},
	}
	for t := 0; t <= tabProcs; t++ { // the netfilter tabs: TestNetfilterGolden
		wait := ""
		if t >= tabSockets {
			wait = "PID"
			if t == tabSockets {
				wait = "LOCAL"
			}
		}
		s = append(s, scenario{fmt.Sprintf("tab%d_%s", t+1, strings.ToLower(tabs[t].name)),
			keys("j", "j", "j", "j", fmt.Sprint(t+1), "tab"), wait})
	}
	return s
}

func newTestModel(t testing.TB, w, h int) (*teatest.TestModel, *Model, *fakeSource, *fakeRunner) {
	src := newFakeSource(fakeSnapshot())
	src.sockets[kRouter] = fakeSockets()
	src.procs[kRouter] = fakeProcs()
	run := &fakeRunner{out: []byte("1: lo: <LOOPBACK,UP>\r\n    inet \x1b[35m127.0.0.1\x1b[0m/8\r\n\x1b[2Jhello\tworld\r\n"), code: 3}
	m := New(Deps{Source: src, Runner: run}, Options{Hostname: "vm", NoColor: true, Theme: "dark"})
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	waitScreen(t, tm, "8 namespaces")
	waitRead(t, tm)
	return tm, m, src, run
}

// waitRead waits until every namespace found is read: the screens of a
// test are those of a host read.
func waitRead(t testing.TB, tm *teatest.TestModel) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ch := make(chan bool, 1)
		tm.Send(modelFunc(func(m *Model) {
			_, _, reading := m.hostRead.reading()
			ch <- m.snap != nil && !reading
		}))
		select {
		case done := <-ch:
			if done {
				return
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the program does not answer")
		}
		if time.Now().After(deadline) {
			t.Fatal("the namespaces were never all read")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitScreen waits until the screen shows text, asking the running program
// for its screen (the terminal output is only the changes of each frame),
// and returns the screen.
func waitScreen(t testing.TB, tm *teatest.TestModel, text string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ch := make(chan string, 1)
		tm.Send(modelFunc(func(m *Model) { ch <- screen(m) }))
		var scr string
		select {
		case scr = <-ch:
		case <-time.After(5 * time.Second):
			t.Fatal("the program does not answer")
		}
		if strings.Contains(scr, text) {
			return scr
		}
		if time.Now().After(deadline) {
			t.Fatalf("never saw %q; the screen shows:\n%s", text, scr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range goldenScenarios() {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				tm, _, _, _ := newTestModel(t, size[0], size[1])
				sc.steps(tm)
				if sc.wait != "" {
					waitScreen(t, tm, sc.wait)
				}
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				out := screen(fm)
				assertInert(t, out)
				golden.RequireEqual(t, out)
			})
		}
	}
}

// assertInert fails if text holds a byte a terminal would act on, other
// than the line ends.
func assertInert(t *testing.T, text string) {
	t.Helper()
	for i := 0; i < len(text); i++ {
		if c := text[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			t.Fatalf("raw control byte %#x at %d in:\n%s", c, i, text)
		}
	}
}
