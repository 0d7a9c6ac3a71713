package model

import (
	"fmt"
	"io"
	"strings"
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
	case VerdictLeaves:
		return true
	case VerdictDelivered:
		return p.Replied
	}
	return !p.Replied
}

// Answered is the verdict for a round trip: the packet's, unless it was
// delivered and its reply was not.
func (t *Trace) Answered() string {
	if t.Verdict == VerdictDelivered && t.Reply != nil {
		return t.Reply.Verdict
	}
	return t.Verdict
}

// TraceLine is one line of a drawn trace. Hop is the index in Trace.Hops
// of the hop the line belongs to, or -1 for the heading and the verdict, so
// a screen can tell which namespace a selected line stands for.
type TraceLine struct {
	Text string
	Hop  int
}

// WriteTrace prints a trace as a vertical chain of namespaces, one block
// per hop, ending with the verdict.
func WriteTrace(w io.Writer, t *Trace, ping *PingResult, paint Paint) {
	for _, l := range TraceLines(t, ping, paint) {
		fmt.Fprintln(w, l.Text)
	}
}

// TraceLines draws a trace as WriteTrace prints it.
func TraceLines(t *Trace, ping *PingResult, paint Paint) []TraceLine {
	var out []TraceLine
	add := func(hop int, format string, args ...any) {
		out = append(out, TraceLine{fmt.Sprintf(format, args...), hop})
	}
	head := fmt.Sprintf("trace to %s", t.Dst)
	if t.Src != nil {
		head += fmt.Sprintf(" from %s", t.Src)
	}
	add(-1, "%s", paint(RoleHeader, head))
	for i := range t.Hops {
		h := &t.Hops[i]
		line := paint(RoleName, "● "+Visible(h.NsName))
		if h.In != "" {
			line += "  in " + paint(RoleIfname, Visible(h.In))
		}
		add(i, "%s", line)
		bar := "│   "
		if i == len(t.Hops)-1 {
			bar = "    "
		}
		field := func(label, value string, role Role) {
			if value != "" {
				add(i, "%s%-9s %s", bar, label, paint(role, value))
			}
		}
		field("route", h.Route, RolePlain)
		egress := ""
		if h.Out != "" {
			egress = paint(RoleIfname, Visible(h.Out))
			if h.Via != "" {
				egress += " via " + h.Via
			}
		}
		field("out", egress, RolePlain)
		field("neighbour", h.Neighbour, RoleDim)
		field("wire", Visible(strings.Join(h.Wire, " → ")), RolePlain)
		field("by hand", h.Command, RoleDim)
	}
	if t.Verdict == VerdictLeaves {
		// The reason already says it all: "leaves the host through eth0 …".
		add(-1, "%s%s", paint(RoleUp, VerdictLeaves), strings.TrimPrefix(t.Reason, VerdictLeaves))
	} else {
		add(-1, "%s in %s: %s", paint(verdictRole(t.Verdict), t.Verdict), Visible(t.NsName), t.Reason)
	}
	if r := t.Reply; r != nil {
		names := make([]string, len(r.Hops))
		for i := range r.Hops {
			names[i] = Visible(r.Hops[i].NsName)
		}
		add(-1, "reply %s in %s: %s", paint(verdictRole(r.Verdict), r.Verdict), Visible(r.NsName), r.Reason)
		add(-1, "    path      %s", strings.Join(names, " → "))
		if r.Verdict == VerdictDropped {
			add(-1, "    by hand   %s", paint(RoleDim, r.Command))
		}
	}
	if ping != nil {
		switch {
		case ping.Replied:
			add(-1, "ping: a reply came back")
		case ping.Output != "":
			add(-1, "ping: no reply (%s)", Visible(ping.Output))
		default:
			add(-1, "ping: no reply")
		}
		if !ping.Agrees(t) {
			add(-1, "%s", paint(RoleWarn, "ping disagrees with the trace: the state changed meanwhile, or something trace does not read (a firewall, say) decides"))
		}
	}
	return out
}

func verdictRole(v string) Role {
	if v == VerdictDropped {
		return RoleDown
	}
	return RoleUp
}

// TraceJSON is the `trace --json` object: verdict, reason, netns and hops
// as the README promises, with the details beside them. Names are exact.
func TraceJSON(t *Trace, ping *PingResult) []byte {
	w := &jsonWriter{b: make([]byte, 0, 1024)}
	traceObject(w, "", t, ping)
	return append(w.b, '\n')
}

func traceObject(w *jsonWriter, key string, t *Trace, ping *PingResult) {
	w.beginObject(key)
	w.str("verdict", t.Verdict)
	w.str("reason", t.Reason)
	w.str("netns", t.NsName)
	w.str("dst", t.Dst.String())
	strOrNull(w, "src", ipString(t.Src))
	if t.Device != "" {
		w.str("device", t.Device)
	}
	w.str("command", t.Command)
	w.beginArray("hops")
	for i := range t.Hops {
		h := &t.Hops[i]
		w.beginObject("")
		w.str("netns", h.NsName)
		strOrNull(w, "in", h.In)
		strOrNull(w, "out", h.Out)
		w.str("route", h.Route)
		strOrNull(w, "via", h.Via)
		w.str("table", h.Table)
		strOrNull(w, "neighbour", h.Neighbour)
		w.strs("wire", h.Wire)
		w.str("command", h.Command)
		w.endObject()
	}
	w.endArray()
	if t.Reply != nil {
		traceObject(w, "reply", t.Reply, nil)
	}
	if ping != nil {
		w.beginObject("ping")
		w.bool("replied", ping.Replied)
		w.bool("agrees", ping.Agrees(t))
		w.endObject()
	}
	w.endObject()
}

// strOrNull writes a missing value as null, not "".
func strOrNull(w *jsonWriter, k, v string) {
	if v == "" {
		w.null(k)
		return
	}
	w.str(k, v)
}
