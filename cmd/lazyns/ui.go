package main

import (
	"errors"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// startUI runs the explorer on the terminal until q. Bubble Tea puts the
// terminal back (echo, canonical mode, main screen) however it ends.
func startUI(a *app) error {
	in, inOK := a.stdin.(*os.File)
	out, outOK := a.stdout.(*os.File)
	if !inOK || !outOK || !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return usageError{errors.New("the terminal UI needs a terminal; for text output use lazyns list or lazyns show")}
	}
	sys, err := a.system()
	if err != nil {
		return err
	}
	opt := a.effective().UIOptions()
	opt.Filter = a.uiFilter
	opt.Unprivileged = nsops.Privileges()
	opt.NoColor = opt.NoColor || !a.color(out)
	chg, err := newChanger(a)
	if err != nil {
		return err
	}
	run := host.Runner{Prompt: opt.Prompt, Color: a.color(os.Stdout), ReadOnly: a.readOnly}
	m := tui.New(tui.Deps{Source: host.NewSource(sys), Tracer: host.NewTracer(sys), Runner: run, Changer: chg,
		Labs: host.NewLabs(sys), Capturer: host.NewCapturer(sys)}, opt)
	defer m.Close()
	opts := []tea.ProgramOption{tea.WithInput(in), tea.WithOutput(out)}
	if opt.NoColor {
		// Bold, faint and reverse only: what NO_COLOR allows.
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err = tea.NewProgram(m, opts...).Run()
	return err
}
