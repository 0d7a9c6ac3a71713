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
	if t.Verdict == VerdictLeaves {
		return true
	}
	return p.Replied == (t.Verdict == VerdictDelivered)
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
	w.beginObject("")
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
	if ping != nil {
		w.beginObject("ping")
		w.bool("replied", ping.Replied)
		w.bool("agrees", ping.Agrees(t))
		w.endObject()
	}
	w.endObject()
	return append(w.b, '\n')
}

// strOrNull writes a missing value as null, not "".
func strOrNull(w *jsonWriter, k, v string) {
	if v == "" {
		w.null(k)
		return
	}
	w.str(k, v)
}
