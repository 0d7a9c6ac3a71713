package tui

import (
	"context"
	"net"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
)

// Tracer traces a packet for T (Deps.Tracer; the cmd/lazyns adapter does
// it through nsops); without one T says so. Tracing only reads, so it
// works read-only.
type Tracer interface {
	// Trace follows probe (an ICMP echo, or the first packet of a TCP or
	// UDP exchange) from a namespace to dst.
	Trace(ctx context.Context, from model.NsKey, dst, src net.IP, probe trace.Probe) (*trace.Trace, error)
}

type traceMsg struct {
	id  int
	t   *trace.Trace
	err error
}

func (m traceMsg) paneID() int { return m.id }

func traceKeys() []binding[*tracePane] {
	return paneKeys(
		binding[*tracePane]{act: ActFollow, help: "open the namespace of the hop", short: "open", foot: 4, run: (*tracePane).open},
		binding[*tracePane]{act: ActTrace, help: "trace again", short: "trace", foot: 5,
			run: func(p *tracePane) tea.Cmd { return p.back(ActTrace) }},
	)
}

// tracePrompt asks for a destination (and optionally a source and the
// packet: a ping, or TCP or UDP to a port) to trace to from the selected
// namespace (T).
func tracePrompt(s *mainScreen) tea.Cmd {
	ns, _ := s.inside()
	c, tracer := s.c, s.c.Tracer
	from, name := ns.Key, model.Visible(ns.DisplayName())
	d := NewDialog("Trace a packet from "+name, func(v map[string]string) (tea.Cmd, error) {
		dst, src, err := trace.ParseAddrs(v["dst"], v["src"])
		if err != nil {
			return nil, err
		}
		probe, err := parsePacket(v["packet"])
		if err != nil {
			return nil, err
		}
		return runTrace(c, tracer, from, name, dst, src, probe), nil
	}, TextField("dst", "destination", "10.0.2.2", ""), TextField("src", "from", "the kernel's choice", ""),
		TextField("packet", "packet", "ping, or tcp 80, udp 53", ""))
	d.Text = "Follows the kernel's own route lookups hop by hop; sends no packet."
	return c.openDialog(d)
}

// runTrace shows the trace pane and traces in the background.
func runTrace(c *common, tracer Tracer, from model.NsKey, name string, dst, src net.IP, probe trace.Probe) tea.Cmd {
	ctx, cancel := context.WithCancel(c.ctx)
	to := dst.String()
	if !probe.Echo() {
		to += " " + probe.String()
	}
	p := &tracePane{linesPane: linesPane{c: c, cursor: true}, id: c.nextID(), cancel: cancel, from: name, dst: to}
	p.title = p.heading("tracing…")
	c.openPane(p)
	id := p.id
	return func() tea.Msg {
		t, err := tracer.Trace(ctx, from, dst, src, probe)
		return traceMsg{id, t, err}
	}
}

// parsePacket reads the form's packet: empty, "ping" or "icmp" for an
// echo; "tcp 80", "udp 53" (or tcp/80); a port alone is TCP, as
// trace --port alone is.
func parsePacket(s string) (trace.Probe, error) {
	f := strings.Fields(strings.ReplaceAll(strings.ToLower(s), "/", " "))
	proto, port := "", ""
	switch len(f) {
	case 0:
	case 1:
		if f[0] != "" && f[0][0] >= '0' && f[0][0] <= '9' {
			port = f[0]
		} else {
			proto = f[0]
		}
	case 2:
		proto, port = f[0], f[1]
	default:
		return trace.Probe{}, &model.FieldError{Field: "packet", Msg: "give ping, or tcp or udp and a port: tcp 80"}
	}
	n := 0
	if port != "" {
		var err error
		if n, err = strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return trace.Probe{}, &model.FieldError{Field: "packet", Msg: "the port is a number from 1 to 65535: tcp 80"}
		}
	}
	switch proto {
	case "", "ping", "icmp":
		if port != "" && proto != "" {
			return trace.Probe{}, &model.FieldError{Field: "packet", Msg: "a ping has no port: give tcp or udp with it (tcp 80)"}
		}
	case "tcp", "udp":
		if port == "" {
			return trace.Probe{}, &model.FieldError{Field: "packet", Msg: proto + " needs a port: " + proto + " 80"}
		}
	default:
		return trace.Probe{}, &model.FieldError{Field: "packet", Msg: "give ping, or tcp or udp and a port, not " + strconv.Quote(model.Visible(proto))}
	}
	return trace.ParseProbe(proto, n)
}

func (p *tracePane) key(msg tea.KeyPressMsg) tea.Cmd { return paneKey(p.c, traceKeys(), p, msg) }
func (p *tracePane) footer() (keys, tail []key.Binding) {
	return paneFooter(p.c, traceKeys(), p)
}

func (p *tracePane) update(msg paneMsg) tea.Cmd {
	if msg, ok := msg.(traceMsg); ok && msg.id == p.id {
		p.gotTrace(msg)
	}
	return nil // another pane's: the answer is for no one
}

func (p *tracePane) gotTrace(msg traceMsg) {
	if msg.err != nil {
		p.title = p.heading("failed")
		p.lines = []string{p.c.st.StatusErr.Render(model.Visible(msg.err.Error()))}
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
	p.raw = trace.Lines(msg.t, nil, p.c.st.Paint)
	p.sc = scroller{}
	p.setSize(p.width, p.height)
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

func (p *tracePane) setSize(width, height int) {
	p.wrap(p.textWidth(width))
	p.linesPane.setSize(width, height)
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

func (p *tracePane) close() { p.cancel() }

func (p *tracePane) click(y int) tea.Cmd {
	from, _ := p.sc.visible()
	p.sc.to(from + y - 1)
	return nil
}

// move goes hop by hop on up and down, scrolling where there is no hop.
func (p *tracePane) move(act string) tea.Cmd {
	if act != ActDown && act != ActUp {
		return p.linesPane.move(act)
	}
	next := p.nextHead(p.sc.cursor)
	if act == ActUp {
		next = p.prevHead(p.sc.cursor)
	}
	switch {
	case next >= 0:
		p.sc.to(next)
	case act == ActDown:
		p.sc.scroll(1)
	default:
		p.sc.scroll(-1)
	}
	return nil
}

// open asks for the namespace of the hop under the cursor.
func (p *tracePane) open() tea.Cmd {
	if p.sc.cursor >= len(p.hops) || p.hops[p.sc.cursor] == (model.NsKey{}) {
		p.c.setStatus("not a hop: move to a namespace of the path", false)
		return nil
	}
	p.c.ask(openNsMsg{key: p.hops[p.sc.cursor], gone: "that namespace is no longer on the list",
		say: func(ns *model.Namespace) string { return "trace: opened " + model.Visible(ns.DisplayName()) }})
	return nil
}
