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
	var o obj
	o.add("verdict", t.Verdict)
	o.add("reason", t.Reason)
	o.add("netns", t.NsName)
	o.add("dst", t.Dst.String())
	o.add("src", ipOrNull(t))
	if t.Device != "" {
		o.add("device", t.Device)
	}
	o.add("command", t.Command)
	hops := make([]obj, len(t.Hops))
	for i := range t.Hops {
		h := &t.Hops[i]
		var ho obj
		ho.add("netns", h.NsName)
		ho.add("in", strOrNull(h.In))
		ho.add("out", strOrNull(h.Out))
		ho.add("route", h.Route)
		ho.add("via", strOrNull(h.Via))
		ho.add("table", h.Table)
		ho.add("neighbour", strOrNull(h.Neighbour))
		ho.add("wire", append([]string{}, h.Wire...))
		ho.add("command", h.Command)
		hops[i] = ho
	}
	o.add("hops", hops)
	if ping != nil {
		o.add("ping", obj{{"replied", ping.Replied}, {"agrees", ping.Agrees(t)}})
	}
	b, _ := o.MarshalJSON()
	return append(b, '\n')
}

func strOrNull(s string) any {
	if s == "" {
		return null{}
	}
	return s
}

func ipOrNull(t *Trace) any {
	if t.Src == nil {
		return null{}
	}
	return t.Src.String()
}
