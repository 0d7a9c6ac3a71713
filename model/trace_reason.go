package model

import (
	"fmt"
	"net"
)

// Why a trace ends, in words a person can act on.

// longestMatch finds the most specific route of the type a refusal stands
// for that covers dst; nil when none.
func longestMatch(ns *Namespace, fail RouteFail, dst net.IP) *Route {
	var want uint8
	switch fail {
	case RouteUnreachable:
		want = RTN_UNREACHABLE
	case RouteBlackhole:
		want = RTN_BLACKHOLE
	case RouteProhibit:
		want = RTN_PROHIBIT
	default:
		return nil
	}
	var best *Route
	for i := range ns.Routes {
		r := &ns.Routes[i]
		if r.Type != want || familyOf(dst) != r.Family {
			continue
		}
		if p := r.Prefix(); p != nil && !p.Contains(dst) {
			continue
		}
		if best == nil || r.DstLen > best.DstLen {
			best = r
		}
	}
	return best
}

func failReason(res RouteResult, ns *Namespace, dst net.IP, in string) string {
	name := Visible(ns.DisplayName())
	switch res.Fail {
	case RouteNone:
		if l := downLinkFor(ns, dst); l != nil {
			return fmt.Sprintf("link down: %s in %s is down, and its address %s would reach %s", Visible(l.Name), name, l.addr, dst)
		}
		return fmt.Sprintf("no route to %s in %s", dst, name)
	case RouteUnreachable:
		return fmt.Sprintf("an unreachable route matches %s in %s", dst, name)
	case RouteBlackhole:
		if longestMatch(ns, RouteBlackhole, dst) == nil {
			return fmt.Sprintf("the kernel of %s rejects the packet to %s as invalid (a martian source or destination)", name, dst)
		}
		return fmt.Sprintf("a blackhole route matches %s in %s", dst, name)
	case RouteProhibit:
		return fmt.Sprintf("a prohibit route matches %s in %s", dst, name)
	}
	return fmt.Sprintf("the kernel of %s refuses the route to %s: %s", name, dst, res.Detail)
}

// sourceReason says why a namespace refuses a packet's source on arrival.
func sourceReason(st NsState, ns *Namespace, src net.IP, in string) string {
	name := Visible(ns.DisplayName())
	rpf := max(st.RPFilter["all"], st.RPFilter[in])
	if src.To4() == nil {
		rpf = 0 // rp_filter is IPv4's; IPv6 refuses only martians here
	}
	switch {
	case rpf == 1:
		return fmt.Sprintf("the reverse-path filter of %s (rp_filter=1, strict) drops it: its way back to %s is not through %s", name, src, Visible(in))
	case rpf == 2:
		return fmt.Sprintf("the reverse-path filter of %s (rp_filter=2, loose) drops it: it has no way back to %s", name, src)
	case st.RPFilter == nil:
		return fmt.Sprintf("%s refuses the source %s arriving on %s (the reverse-path filter, or a martian address)", name, src, Visible(in))
	}
	return fmt.Sprintf("%s drops it as martian: the source %s is not one it accepts on %s", name, src, Visible(in))
}

type downLink struct {
	*Link
	addr string
}

// downLinkFor finds a link that is down and whose subnet holds dst: the
// kernel removed its routes, so the lookup said "no route", but the person
// needs to hear "link down".
func downLinkFor(ns *Namespace, dst net.IP) *downLink {
	for i := range ns.Links {
		l := &ns.Links[i]
		if l.Up() {
			continue
		}
		for _, a := range l.Addrs {
			n := &net.IPNet{IP: a.Local.Mask(net.CIDRMask(a.PrefixLen, hostLen(a.Family))), Mask: net.CIDRMask(a.PrefixLen, hostLen(a.Family))}
			if a.Family == familyOf(dst) && n.Contains(dst) {
				return &downLink{l, a.CIDR()}
			}
		}
	}
	return nil
}

func forwards(st NsState, dst net.IP) bool {
	if familyOf(dst) == AF_INET6 {
		return st.Forward6
	}
	return st.Forward4
}

func forwardingSysctl(dst net.IP) string {
	if familyOf(dst) == AF_INET6 {
		return "net.ipv6.conf.all.forwarding"
	}
	return "net.ipv4.ip_forward"
}

func loopback(ns *Namespace) *Link {
	for i := range ns.Links {
		if ns.Links[i].Flags&IFF_LOOPBACK != 0 {
			return &ns.Links[i]
		}
	}
	return nil
}
