package tui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

type (
	shellDoneMsg struct {
		name string
		err  error
	}
	execDoneMsg struct {
		id   int
		out  []byte
		code int
		err  error
	}
)

// inside returns the selected namespace if something can be started in it,
// saying why not otherwise.
func (m *Model) inside(what string) *model.Namespace {
	ns := m.Selected()
	switch {
	case ns == nil:
		m.setStatus(what+": no namespace selected", true)
	case ns.Stale:
		m.setStatus(what+": "+model.Visible(ns.Name)+" is stale: no namespace is mounted there", true)
	case m.runner == nil:
		m.setStatus(what+": not available in this build", true)
	default:
		return ns
	}
	return nil
}

// shell hands the terminal to a shell inside the selected namespace; the
// UI comes back, read again, on the same namespace when it exits.
func (m *Model) shell() tea.Cmd {
	ns := m.inside("shell")
	if ns == nil {
		return nil
	}
	c, err := m.runner.Shell(ns)
	if err != nil {
		m.setStatus("shell: "+model.Visible(err.Error()), true)
		return nil
	}
	name := model.Visible(ns.DisplayName())
	return tea.Exec(c, func(err error) tea.Msg { return shellDoneMsg{name, err} })
}

func (m *Model) shellDone(msg shellDoneMsg) tea.Cmd {
	if msg.err != nil {
		m.setStatus("shell in "+msg.name+": "+model.Visible(msg.err.Error()), true)
	} else {
		m.setStatus("back from the shell in "+msg.name, false)
	}
	return m.reloadAll()
}

// execPrompt asks for a command to run in the selected namespace.
func (m *Model) execPrompt() tea.Cmd {
	ns := m.inside("run")
	if ns == nil {
		return nil
	}
	name := model.Visible(ns.DisplayName())
	d := NewDialog("Run in "+name, func(v map[string]string) (tea.Cmd, error) {
		line := strings.TrimSpace(v["command"])
		if line == "" {
			return nil, errors.New("type a command, for example: ip -c addr")
		}
		return m.runCommand(ns, line), nil
	}, TextField("command", "command", "ip -c addr", ""))
	return m.OpenDialog(d)
}

// runCommand runs line in ns and shows its output in a pane; esc closes
// the pane and stops the command.
func (m *Model) runCommand(ns *model.Namespace, line string) tea.Cmd {
	m.execID++
	ctx, cancel := context.WithCancel(m.ctx)
	p := &outputPane{id: m.execID, cancel: cancel, command: line, ns: model.Visible(ns.DisplayName())}
	p.linesPane.title = p.heading("running…")
	m.pane = p
	id, runner := m.execID, m.runner
	p.live = &liveOutput{}
	run := func() tea.Msg {
		out, code, err := runner.Run(ctx, ns, line, p.live)
		return execDoneMsg{id, out, code, err}
	}
	return tea.Batch(run, outputTick(id))
}

// liveOutput is what a running command has printed so far: written by the
// runner's goroutine, read by the UI on a tick.
type liveOutput struct {
	mu  sync.Mutex
	buf []byte
}

func (l *liveOutput) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	return len(b), nil
}

func (l *liveOutput) snapshot() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.buf)
}

type outputTickMsg struct{ id int }

func outputTick(id int) tea.Cmd {
	return tea.Tick(250*time.Millisecond, func(time.Time) tea.Msg { return outputTickMsg{id} })
}

// outputTicked shows what the running command has printed so far, while
// it runs (ping prints a line a second; waiting for its end shows nothing).
func (m *Model) outputTicked(msg outputTickMsg) tea.Cmd {
	p, ok := m.pane.(*outputPane)
	if !ok || p.id != msg.id || p.done {
		return nil
	}
	if out := p.live.snapshot(); len(out) != p.shown {
		p.shown = len(out)
		atEnd := p.sc.cursor >= p.sc.n-p.sc.height
		p.lines = terminalText(out)
		p.sc.set(len(p.lines), p.sc.height)
		if atEnd {
			// Follow the output as tail -f does, unless scrolled back.
			p.sc.to(len(p.lines) - 1)
		}
	}
	return outputTick(msg.id)
}

func (m *Model) execDone(msg execDoneMsg) {
	p, ok := m.pane.(*outputPane)
	if !ok || p.id != msg.id {
		return // the pane was closed: the answer is for no one
	}
	p.done = true
	p.lines = terminalText(msg.out)
	switch {
	case msg.err != nil:
		p.title = p.heading("failed: " + model.Visible(msg.err.Error()))
	default:
		p.title = p.heading("exit " + strconv.Itoa(msg.code))
	}
	p.sc = scroller{}
}

// outputPane shows what a command printed, colours kept.
type outputPane struct {
	linesPane
	id      int
	cancel  context.CancelFunc
	command string
	ns      string
	live    *liveOutput
	shown   int // bytes of live output on screen
	done    bool
}

func (p *outputPane) heading(state string) string {
	return "$ " + model.Visible(p.command) + "   in " + p.ns + "   " + state
}

func (p *outputPane) render(m *Model, height int) []string { return p.renderLines(m, height) }
func (p *outputPane) refresh(*Model)                       {}
func (p *outputPane) close()                               { p.cancel() }
func (p *outputPane) actions() []string                    { return []string{ActExec} }
func (p *outputPane) click(*Model, int) tea.Cmd            { return nil }

func (p *outputPane) key(m *Model, _ tea.KeyPressMsg, act string) tea.Cmd {
	if act == ActExec {
		p.cancel()
		m.pane = nil
		return m.execPrompt()
	}
	p.move(act)
	return nil
}
