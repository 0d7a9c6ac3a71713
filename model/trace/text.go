package trace

import (
	"fmt"
	"io"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// PingResult is what a real ICMP echo did, to set beside a trace's verdict.
type PingResult struct {
	Replied bool
	// Output is ping's last words when it got no reply.
	Output string
}

// Agrees reports whether a ping confirms the verdict: a reply means the
// packet was delivered (and answered); no reply means it was not, or it left
// the host (where a reply may or may not come).
func (p *PingResult) Agrees(t *Trace) bool {
	switch t.Answered() {
	case Leaves:
		return true
	case Delivered:
		return p.Replied
	}
	return !p.Replied
}

// Answered is the verdict for a round trip: the packet's, unless it was
// delivered and its reply was not.
func (t *Trace) Answered() Verdict {
	if t.Verdict == Delivered && t.Reply != nil {
		return t.Reply.Verdict
	}
	return t.Verdict
}

// Line is one line of a drawn trace. Hop is the index in Trace.Hops of the
// hop the line belongs to, or -1 for the heading and the verdict, so a
// screen can tell which namespace a selected line stands for.
type Line struct {
	Text string
	Hop  int
}

// Write prints a trace as a vertical chain of namespaces, one block per
// hop, ending with the verdict.
func Write(w io.Writer, t *Trace, ping *PingResult, paint model.Paint) {
	for _, l := range Lines(t, ping, paint) {
		fmt.Fprintln(w, l.Text)
	}
}

// Lines draws a trace as Write prints it.
func Lines(t *Trace, ping *PingResult, paint model.Paint) []Line {
	var out []Line
	add := func(hop int, format string, args ...any) {
		out = append(out, Line{fmt.Sprintf(format, args...), hop})
	}
	head := fmt.Sprintf("trace to %s", t.Dst)
	if t.Src != nil {
		head += fmt.Sprintf(" from %s", t.Src)
	}
	add(-1, "%s", paint(model.RoleHeader, head))
	for i := range t.Hops {
		h := &t.Hops[i]
		line := paint(model.RoleName, "● "+model.Visible(h.NsName))
		if h.In != "" {
			line += "  in " + paint(model.RoleIfname, model.Visible(h.In))
		}
		add(i, "%s", line)
		bar := "│   "
		if i == len(t.Hops)-1 {
			bar = "    "
		}
		field := func(label, value string, role model.Role) {
			if value != "" {
				add(i, "%s%-9s %s", bar, label, paint(role, value))
			}
		}
		field("route", h.Route, model.RolePlain)
		egress := ""
		if h.Out != "" {
			egress = paint(model.RoleIfname, model.Visible(h.Out))
			if h.Via != "" {
				egress += " via " + h.Via
			}
		}
		field("out", egress, model.RolePlain)
		field("neighbour", h.Neighbour, model.RoleDim)
		field("wire", model.Visible(strings.Join(h.Wire, " → ")), model.RolePlain)
		field("by hand", h.Command, model.RoleDim)
	}
	if t.Verdict == Leaves {
		// The reason already says it all: "leaves the host through eth0 …".
		add(-1, "%s%s", paint(model.RoleUp, Leaves.String()), strings.TrimPrefix(t.Reason, Leaves.String()))
	} else {
		add(-1, "%s in %s: %s", paint(verdictRole(t.Verdict), t.Verdict.String()), model.Visible(t.NsName), t.Reason)
	}
	if r := t.Reply; r != nil {
		names := make([]string, len(r.Hops))
		for i := range r.Hops {
			names[i] = model.Visible(r.Hops[i].NsName)
		}
		add(-1, "reply %s in %s: %s", paint(verdictRole(r.Verdict), r.Verdict.String()), model.Visible(r.NsName), r.Reason)
		add(-1, "    path      %s", strings.Join(names, " → "))
		if r.Verdict == Dropped {
			add(-1, "    by hand   %s", paint(model.RoleDim, r.Command))
		}
	}
	if ping != nil {
		switch {
		case ping.Replied:
			add(-1, "ping: a reply came back")
		case ping.Output != "":
			add(-1, "ping: no reply (%s)", model.Visible(ping.Output))
		default:
			add(-1, "ping: no reply")
		}
		if !ping.Agrees(t) {
			add(-1, "%s", paint(model.RoleWarn, "ping disagrees with the trace: the state changed meanwhile, or something trace does not read (a firewall, say) decides"))
		}
	}
	return out
}

func verdictRole(v Verdict) model.Role {
	if v == Dropped {
		return model.RoleDown
	}
	return model.RoleUp
}
