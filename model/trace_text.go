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

// WriteTrace prints a trace as a vertical chain of namespaces, one block
// per hop, ending with the verdict.
func WriteTrace(w io.Writer, t *Trace, ping *PingResult, paint Paint) {
	head := fmt.Sprintf("trace to %s", t.Dst)
	if t.Src != nil {
		head += fmt.Sprintf(" from %s", t.Src)
	}
	fmt.Fprintln(w, paint(RoleHeader, head))
	for i := range t.Hops {
		h := &t.Hops[i]
		last := i == len(t.Hops)-1
		line := paint(RoleName, "● "+Visible(h.NsName))
		if h.In != "" {
			line += "  in " + paint(RoleIfname, Visible(h.In))
		}
		fmt.Fprintln(w, line)
		bar := "│   "
		if last {
			bar = "    "
		}
		field := func(label, value string, role Role) {
			if value != "" {
				fmt.Fprintf(w, "%s%-9s %s\n", bar, label, paint(role, value))
			}
		}
		field("route", h.Route, RolePlain)
		out := ""
		if h.Out != "" {
			out = paint(RoleIfname, Visible(h.Out))
			if h.Via != "" {
				out += " via " + h.Via
			}
		}
		field("out", out, RolePlain)
		field("neighbour", h.Neighbour, RoleDim)
		field("wire", Visible(strings.Join(h.Wire, " → ")), RolePlain)
		field("by hand", h.Command, RoleDim)
	}
	role := RoleUp
	if t.Verdict == VerdictDropped {
		role = RoleDown
	}
	where := " in " + Visible(t.NsName)
	fmt.Fprintf(w, "%s%s: %s\n", paint(role, t.Verdict), where, t.Reason)
	if r := t.Reply; r != nil {
		names := make([]string, len(r.Hops))
		for i := range r.Hops {
			names[i] = Visible(r.Hops[i].NsName)
		}
		role := RoleUp
		if r.Verdict == VerdictDropped {
			role = RoleDown
		}
		fmt.Fprintf(w, "reply %s in %s: %s\n", paint(role, r.Verdict), Visible(r.NsName), r.Reason)
		fmt.Fprintf(w, "    path      %s\n", strings.Join(names, " → "))
		if r.Verdict == VerdictDropped {
			fmt.Fprintf(w, "    by hand   %s\n", paint(RoleDim, r.Command))
		}
	}
	if ping != nil {
		switch {
		case ping.Replied:
			fmt.Fprintln(w, "ping: a reply came back")
		case ping.Output != "":
			fmt.Fprintf(w, "ping: no reply (%s)\n", Visible(ping.Output))
		default:
			fmt.Fprintln(w, "ping: no reply")
		}
		if !ping.Agrees(t) {
			fmt.Fprintln(w, paint(RoleWarn, "ping disagrees with the trace: the state changed meanwhile, or something trace does not read (a firewall, the reply's way back) decides"))
		}
	}
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
