package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/lazyns/lazyns/model"
)

// changeScenarios are the change screens: each form with its defaults, a
// validation message, each confirmation, the history, and read-only.
func changeScenarios(t *testing.T) []scenario {
	keys := func(ks ...string) func(*teatest.TestModel) {
		return func(tm *teatest.TestModel) {
			for _, k := range ks {
				if k == "@done" {
					// The change runs in a command: wait for its end.
					waitScreen(t, tm, "✓ done")
					continue
				}
				if text, ok := strings.CutPrefix(k, "@wait:"); ok {
					waitScreen(t, tm, text) // a tab read in a command
					continue
				}
				if len(k) > 1 && k != "tab" && k != "ctrl+u" && k != "right" && k != "enter" {
					for _, r := range k {
						tm.Send(formKey(string(r)))
					}
					continue
				}
				tm.Send(formKey(k))
			}
		}
	}
	return []scenario{
		{"form_netns", keys("n"), "New namespace"},
		{"form_veth", keys("v"), "New veth pair"},
		{"form_bridge", keys("j", "b"), "New bridge"},
		{"form_attach", keys("tab", "j", "j", "j", "j", "m"), "Attach"},
		{"form_address", keys("tab", "j", "a"), "Add an address"},
		{"form_route", keys("tab", "j", "r"), "Add a route"},
		{"form_move", keys("tab", "j", "N"), "Move eth0"},
		{"validation", keys("n", "ctrl+u", "blue", "enter"), "already exists"},
		{"validation_veth", keys("v", "tab", "tab", "tab", "10.0.1.1", "enter"), "prefix length"},
		{"confirm_delete_netns", keys("j", "j", "j", "j", "D"), "Delete namespace"},
		{"confirm_delete_empty_netns", keys("j", "D"), "Delete namespace"},
		{"confirm_delete_veth", keys("tab", "j", "j", "j", "j", "d"), "Delete link"},
		{"confirm_delete_bridge", keys("tab", "j", "j", "j", "d"), "Delete link"},
		{"confirm_delete_address", keys("2", "tab", "j", "d"), "Delete address"},
		{"confirm_delete_route", keys("3", "tab", "d"), "Delete route"},
		{"form_forwarding", keys("j", "F"), "Forwarding in blue"},
		{"form_rule", keys("j", "R"), "Add a policy rule"},
		{"confirm_delete_rule", keys("j", "j", "j", "j", "5", "tab", "j", "j", "d"), "Delete rule"},
		{"form_masquerade", keys("j", "j", "j", "j", "S"), "Masquerade in"},
		{"confirm_delete_masquerade", keys("j", "j", "j", "j", "8", "@wait:table ip lazyns", "tab", "G", "k", "k", "k", "k", "d"),
			"Delete masquerade"},
		{"done", keys("tab", "j", "u"), "done"},
		{"history", keys("tab", "j", "u", "@done", "j", "j", "j", "M", "H"), "2 changes"},
		{"history_write", keys("tab", "j", "u", "@done", "H", "w"), "Write the history"},
	}
}

// clock hides the times of history entries, which are the test's own.
var clock = regexp.MustCompile(`# \d\d:\d\d:\d\d`)

func TestChangeGolden(t *testing.T) {
	scenarios := append(changeScenarios(t), scenario{"readonly", nil, "read-only"})
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range scenarios {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				opt := Options{}
				steps := sc.steps
				if sc.name == "readonly" {
					opt.ReadOnly = true
					steps = func(tm *teatest.TestModel) { tm.Send(formKey("tab")); tm.Send(formKey("j")); tm.Send(formKey("u")) }
				}
				tm, _, _ := newChangeTestModel(t, size[0], size[1], opt)
				steps(tm)
				waitScreen(t, tm, sc.wait)
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				out := screen(fm)
				assertInert(t, out)
				golden.RequireEqual(t, clock.ReplaceAllString(out, "# HH:MM:SS"))
			})
		}
	}
}

// newChangeTestModel runs the explorer over the fake snapshot with a fake
// Changer.
func newChangeTestModel(t *testing.T, w, h int, opt Options) (*teatest.TestModel, *Model, *fakeChanger) {
	src := newFakeSource(fakeSnapshot())
	src.sysctls[kBlue] = blueSysctls()
	fakeNetfilter(src)
	// The same counters at every reading: the screen is the same whenever
	// the test looks.
	src.firewall[kRouter] = func(int) *model.Firewall { return fakeFirewall(1) }
	opt.Hostname, opt.NoColor, opt.Theme = "vm", true, "dark"
	fc := &fakeChanger{}
	m := New(Deps{Source: src, Changer: fc}, opt)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	waitScreen(t, tm, "8 namespaces")
	waitRead(t, tm)
	return tm, m, fc
}
