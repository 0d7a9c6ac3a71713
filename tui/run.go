package tui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
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
	outputTickMsg struct{ id int }
)

func (m execDoneMsg) paneID() int   { return m.id }
func (m outputTickMsg) paneID() int { return m.id }

// shell hands the terminal to a shell inside the selected namespace (s);
// the UI comes back, read again, on the same namespace when it exits.
func shell(s *mainScreen) tea.Cmd {
	ns, _ := s.inside()
	c, err := s.c.Runner.Shell(ns)
	if err != nil {
		s.c.setStatus("shell: "+model.Visible(err.Error()), true)
		return nil
	}
	name := model.Visible(ns.DisplayName())
	return tea.Exec(c, func(err error) tea.Msg { return shellDoneMsg{name, err} })
}

func shellDone(c *common, msg shellDoneMsg) {
	if msg.err != nil {
		c.setStatus("shell in "+msg.name+": "+model.Visible(msg.err.Error()), true)
	} else {
		c.setStatus("back from the shell in "+msg.name, false)
	}
}

// execPrompt asks for a command to run in the selected namespace (x).
func execPrompt(s *mainScreen) tea.Cmd {
	ns, _ := s.inside()
	c := s.c
	d := NewDialog("Run in "+model.Visible(ns.DisplayName()), func(v map[string]string) (tea.Cmd, error) {
		line := strings.TrimSpace(v["command"])
		if line == "" {
			return nil, errors.New("type a command, for example: ip -c addr")
		}
		return runCommand(c, ns, line), nil
	}, TextField("command", "command", "ip -c addr", ""))
	return c.openDialog(d)
}

// runCommand runs line in ns and shows its output in a pane; esc closes
// the pane and stops the command.
func runCommand(c *common, ns *model.Namespace, line string) tea.Cmd {
	ctx, cancel := context.WithCancel(c.ctx)
	p := &outputPane{linesPane: linesPane{c: c}, id: c.nextID(), cancel: cancel, command: line,
		ns: model.Visible(ns.DisplayName()), live: &liveOutput{}}
	p.title = p.heading("running…")
	c.openPane(p)
	id, runner, live := p.id, c.Runner, p.live
	run := func() tea.Msg {
		out, code, err := runner.Run(ctx, ns, line, live)
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

func outputTick(id int) tea.Cmd {
	return tea.Tick(250*time.Millisecond, func(time.Time) tea.Msg { return outputTickMsg{id} })
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

func outputKeys() []binding[*outputPane] {
	return paneKeys(
		binding[*outputPane]{act: ActExec, help: "run another command", short: "exec", foot: 4,
			run: func(p *outputPane) tea.Cmd { return p.back(ActExec) }},
	)
}

func (p *outputPane) key(msg tea.KeyPressMsg) tea.Cmd { return paneKey(p.c, outputKeys(), p, msg) }
func (p *outputPane) footer() (keys, tail []key.Binding) {
	return paneFooter(p.c, outputKeys(), p)
}

func (p *outputPane) heading(state string) string {
	return "$ " + model.Visible(p.command) + "   in " + p.ns + "   " + state
}

func (p *outputPane) close() { p.cancel() }

func (p *outputPane) update(msg paneMsg) tea.Cmd {
	switch msg := msg.(type) {
	case outputTickMsg:
		return p.ticked(msg)
	case execDoneMsg:
		p.finished(msg)
	}
	return nil
}

// ticked shows what the running command has printed so far, while it
// runs (ping prints a line a second; waiting for its end shows nothing).
func (p *outputPane) ticked(msg outputTickMsg) tea.Cmd {
	if p.id != msg.id || p.done {
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

func (p *outputPane) finished(msg execDoneMsg) {
	if p.id != msg.id {
		return // another command's: the answer is for no one
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
