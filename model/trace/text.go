package trace

import (
	"fmt"
	"io"
	"net"
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
	if t.Answered() == Delivered && t.mayDrop() {
		return true // a rule trace cannot evaluate decides either way
	}
	switch t.Answered() {
	case Leaves:
		return true
	case Delivered:
		return p.Replied
	}
	return !p.Replied
}

// mayDrop reports whether a rule on the way there or back may drop the
// packet or its reply.
func (t *Trace) mayDrop() bool {
	return len(t.MayDrop()) > 0 || t.Reply != nil && len(t.Reply.MayDrop()) > 0
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
	if !t.Probe.Echo() {
		head = fmt.Sprintf("trace %s to %s", t.Probe, t.Dst)
	}
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
		if changed(h.Src, t.Src) || changed(h.Dst, t.Dst) {
			field("packet", fmt.Sprintf("%s → %s", h.Src, h.Dst), model.RolePlain)
		}
		firewall := func(beforeRoute bool) {
			for j := range h.Firewall {
				if f := &h.Firewall[j]; routedBefore(f.Hook) == beforeRoute {
					field("firewall", hitLine(f), hitRole(f))
				}
			}
			for _, n := range h.NAT {
				if routedBefore(n.Hook) == beforeRoute {
					field("nat", natLine(n, h), model.RolePlain)
				}
			}
		}
		firewall(true)
		field("route", h.Route, model.RolePlain)
		egress := ""
		if h.Out != "" {
			egress = paint(model.RoleIfname, model.Visible(h.Out))
			if h.Via != "" {
				egress += " via " + h.Via
			}
		}
		field("out", egress, model.RolePlain)
		firewall(false)
		field("neighbour", h.Neighbour, model.RoleDim)
		field("wire", model.Visible(strings.Join(h.Wire, " → ")), model.RolePlain)
		field("by hand", h.Command, model.RoleDim)
	}
	reason, may := t.splitReason()
	if t.Verdict == Leaves {
		// The reason already says it all: "leaves the host through eth0 …".
		add(-1, "%s%s", paint(model.RoleUp, Leaves.String()), strings.TrimPrefix(reason, Leaves.String()))
	} else {
		add(-1, "%s in %s: %s", paint(verdictRole(t.Verdict), t.Verdict.String()), model.Visible(t.NsName), reason)
	}
	if may != "" {
		add(-1, "%s", paint(model.RoleWarn, "but "+may))
	}
	if t.Rule != nil {
		add(-1, "    by hand   %s", paint(model.RoleDim, t.Rule.Command))
	}
	for _, n := range t.Notes {
		add(-1, "%s", paint(model.RoleDim, "note: "+n))
	}
	if r := t.Reply; r != nil {
		names := make([]string, len(r.Hops))
		for i := range r.Hops {
			names[i] = model.Visible(r.Hops[i].NsName)
		}
		reason, may := r.splitReason()
		add(-1, "reply %s in %s: %s", paint(verdictRole(r.Verdict), r.Verdict.String()), model.Visible(r.NsName), reason)
		if may != "" {
			add(-1, "%s", paint(model.RoleWarn, "    but "+may))
		}
		for _, h := range r.Hops {
			for _, n := range h.NAT {
				add(-1, "    nat       %s", natLine(n, &h))
			}
		}
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
			add(-1, "%s", paint(model.RoleWarn, "ping disagrees with the trace: the state changed meanwhile, or something trace does not read decides"))
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

// changed reports whether a hop's address differs from the one the
// trace started with (NAT rewrote it on the way).
func changed(hop, start net.IP) bool { return hop != nil && start != nil && !hop.Equal(start) }

// routedBefore reports whether a hook comes before the route lookup the
// hop shows: prerouting always; output, because a destination NAT there
// makes the kernel route the packet again, and the hop shows that route.
func routedBefore(hook string) bool { return hook == "prerouting" || hook == "output" }

// hitLine is a firewall hit as the drawn trace shows it: "forward: ip
// filter FORWARD: rule -A FORWARD … → drop".
func hitLine(h *FwHit) string {
	hook := h.Hook
	if h.Bridge != "" {
		hook += " (bridged by " + model.Visible(h.Bridge) + " in " + model.Visible(h.Netns) + ")"
	}
	s := fmt.Sprintf("%s: %s: %s", hook, model.Visible(h.Where()), model.Visible(h.What()))
	switch {
	case !h.Sure():
		s += fmt.Sprintf(" → may %s (trace cannot evaluate %s)", h.Action, model.Visible(strings.Join(h.Unsure, ", ")))
	case !h.Policy:
		s += " → " + h.Action
	}
	return s
}

func hitRole(h *FwHit) model.Role {
	switch {
	case !h.Sure():
		return model.RoleWarn
	case h.Drops():
		return model.RoleDown
	}
	return model.RolePlain
}

// natLine is a translation as the drawn trace shows it.
func natLine(n NATStep, h *Hop) string {
	if n.Reverse {
		return fmt.Sprintf("%s %s → %s in %s at %s (connection tracking undoes the %s)", n.Field, n.From, n.To, model.Visible(h.NsName), n.Hook, n.Kind)
	}
	s := fmt.Sprintf("%s %s → %s (%s at %s)", n.Field, n.From, n.To, n.Kind, n.Hook)
	if n.Field == "dst" {
		s += "; the route is looked up for the new address, as the kernel does (ip route get does not see netfilter)"
	}
	return s
}

// splitReason parts the reason from the rules that may drop the packet,
// which the drawn trace shows on a line of their own.
func (t *Trace) splitReason() (reason, may string) {
	if t.mayReason == "" {
		return t.Reason, ""
	}
	return strings.TrimSuffix(t.Reason, mayDropJoin+t.mayReason), t.mayReason
}
