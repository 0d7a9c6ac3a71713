package tui

import (
	"context"
	"net"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
)

// Tracer is what a Source offers when it can trace a packet (the
// cmd/lazyns adapter does, through nsops). A Source without it makes T say
// so. Tracing only reads, so it works read-only.
type Tracer interface {
	Trace(ctx context.Context, from model.NsKey, dst, src net.IP) (*trace.Trace, error)
}

func init() { onAction(ActTrace, (*Model).tracePrompt) }

type traceMsg struct {
	id  int
	t   *trace.Trace
	err error
}

// tracePrompt asks for a destination (and optionally a source) to trace
// to from the selected namespace.
func (m *Model) tracePrompt() tea.Cmd {
	ns := m.Selected()
	switch {
	case ns == nil:
		m.setStatus("trace: no namespace selected", true)
		return nil
	case ns.Stale:
		m.setStatus("trace: "+model.Visible(ns.Name)+" is stale: no namespace is mounted there", true)
		return nil
	}
	tracer, ok := m.src.(Tracer)
	if !ok {
		m.setStatus("trace: not available in this build", true)
		return nil
	}
	from, name := ns.Key, model.Visible(ns.DisplayName())
	d := NewDialog("Trace a packet from "+name, func(v map[string]string) (tea.Cmd, error) {
		dst, src, err := trace.ParseAddrs(v["dst"], v["src"])
		if err != nil {
			return nil, err
		}
		return m.runTrace(tracer, from, name, dst, src), nil
	}, TextField("dst", "destination", "10.0.2.2", ""), TextField("src", "from", "the kernel's choice", ""))
	d.Text = "Follows the kernel's own route lookups hop by hop; sends no packet."
	return m.OpenDialog(d)
}

// runTrace shows the trace pane and traces in the background.
func (m *Model) runTrace(tracer Tracer, from model.NsKey, name string, dst, src net.IP) tea.Cmd {
	m.execID++
	ctx, cancel := context.WithCancel(m.ctx)
	p := &tracePane{id: m.execID, cancel: cancel, from: name, dst: dst.String()}
	p.title = p.heading("tracing…")
	p.cursor = true
	m.pane = p
	id := m.execID
	return func() tea.Msg {
		t, err := tracer.Trace(ctx, from, dst, src)
		return traceMsg{id, t, err}
	}
}

func (m *Model) gotTrace(msg traceMsg) {
	p, ok := m.pane.(*tracePane)
	if !ok || p.id != msg.id {
		return // closed meanwhile: the answer is for no one
	}
	if msg.err != nil {
		p.title = p.heading("failed")
		p.lines = []string{m.st.StatusErr.Render(model.Visible(msg.err.Error()))}
		p.hops = []model.NsKey{{}}
		return
	}
	p.trace = msg.t
	verdict := msg.t.Verdict.String()
	if r := msg.t.Reply; msg.t.Verdict == trace.Delivered && r != nil && r.Verdict != trace.Delivered {
		// ping needs the way back too: say at once when only it fails.
		verdict += ", reply " + r.Verdict.String()
	}
	p.title = p.heading(verdict)
	p.raw = trace.Lines(msg.t, nil, m.st.Paint)
	p.sc = scroller{}
	p.resize(m.width, m.layout().bodyH)
	p.sc.to(p.nextHead(-1)) // the first hop: enter opens where the packet starts
}

// nextHead is the first line after line from that starts a hop ("● ns"),
// or -1.
func (p *tracePane) nextHead(from int) int {
	for i := from + 1; i < len(p.heads); i++ {
		if p.heads[i] {
			return i
		}
	}
	return -1
}

// prevHead is the last line before line from that starts a hop, or -1.
func (p *tracePane) prevHead(from int) int {
	for i := min(from, len(p.heads)) - 1; i >= 0; i-- {
		if p.heads[i] {
			return i
		}
	}
	return -1
}

// wrap lays the drawn trace out for the width: a long line (a wire
// through several bridges, a command) continues indented beneath, and
// each screen line remembers its hop.
func (p *tracePane) wrap(width int) {
	if p.trace == nil {
		return
	}
	const indent = 14
	p.lines, p.hops, p.heads = p.lines[:0], p.hops[:0], p.heads[:0]
	prevHop := -1
	for _, l := range p.raw {
		var k model.NsKey
		if l.Hop >= 0 {
			k = p.trace.Hops[l.Hop].Ns
		}
		head := l.Hop >= 0 && l.Hop != prevHop
		prevHop = l.Hop
		parts := []string{l.Text}
		if width > 2*indent && ansi.StringWidth(l.Text) > width {
			parts = strings.Split(ansi.Wrap(l.Text, width-indent, " "), "\n")
		}
		lead := strings.Repeat(" ", indent)
		if strings.HasPrefix(ansi.Strip(l.Text), "│") {
			lead = "│" + lead[1:]
		}
		for i, part := range parts {
			if i > 0 {
				part = lead + strings.TrimLeft(part, " ")
			}
			p.lines = append(p.lines, part)
			p.hops = append(p.hops, k)
			p.heads = append(p.heads, head && i == 0)
		}
	}
}

func (p *tracePane) resize(width, height int) {
	p.wrap(p.textWidth(width))
	p.linesPane.resize(width, height)
}

// tracePane draws a trace as a vertical chain of namespaces with the
// verdict at the end; enter on a hop opens that namespace.
type tracePane struct {
	linesPane
	id     int
	cancel context.CancelFunc
	from   string
	dst    string
	trace  *trace.Trace
	raw    []trace.Line
	// hops is the namespace of each line; the zero key for lines that
	// belong to no hop. heads marks the first line of each hop, where up
	// and down stop.
	hops  []model.NsKey
	heads []bool
}

func (p *tracePane) heading(state string) string {
	return "trace from " + p.from + " to " + p.dst + "   " + state
}

func (p *tracePane) render(m *Model, height int) []string { return p.renderLines(m, height) }
func (p *tracePane) refresh(*Model)                       {}
func (p *tracePane) close()                               { p.cancel() }
func (p *tracePane) actions() []string                    { return []string{ActFollow, ActTrace} }

func (p *tracePane) click(_ *Model, y int) tea.Cmd {
	from, _ := p.sc.visible()
	p.sc.to(from + y - 1)
	return nil
}

func (p *tracePane) key(m *Model, _ tea.KeyPressMsg, act string) tea.Cmd {
	switch act {
	case ActTrace:
		p.cancel()
		m.pane = nil
		return m.tracePrompt()
	case ActFollow:
		return p.open(m)
	case ActDown, ActUp:
		next := p.nextHead(p.sc.cursor)
		if act == ActUp {
			next = p.prevHead(p.sc.cursor)
		}
		if next >= 0 {
			p.sc.to(next)
			return nil
		}
		if act == ActDown {
			p.sc.scroll(1)
		} else {
			p.sc.scroll(-1)
		}
		return nil
	}
	p.move(act)
	return nil
}

// open leaves the pane for the namespace of the hop under the cursor.
func (p *tracePane) open(m *Model) tea.Cmd {
	if p.sc.cursor >= len(p.hops) || p.hops[p.sc.cursor] == (model.NsKey{}) {
		m.setStatus("not a hop: move to a namespace of the path", false)
		return nil
	}
	key := p.hops[p.sc.cursor]
	if !m.selectNs(key) {
		m.setStatus("that namespace is no longer on the list", true)
		return nil
	}
	p.close()
	m.pane = nil
	m.rebuildDetail()
	if ns := m.Selected(); ns != nil {
		m.setStatus("trace: opened "+model.Visible(ns.DisplayName()), false)
	}
	return m.loadLazy()
}
