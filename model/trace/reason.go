package trace

import (
	"bytes"
	"fmt"
	"net"

	"github.com/lazyns/lazyns/model"
)

// Why a trace ends, in words a person can act on, and what the snapshot
// says that the kernel's answer does not.

// longestMatch finds the most specific route of the type a refusal stands
// for that covers dst; nil when none.
func longestMatch(ns *model.Namespace, fail RouteFail, dst net.IP) *model.Route {
	var want uint8
	switch fail {
	case RouteUnreachable:
		want = model.RTN_UNREACHABLE
	case RouteBlackhole:
		want = model.RTN_BLACKHOLE
	case RouteProhibit:
		want = model.RTN_PROHIBIT
	default:
		return nil
	}
	var best *model.Route
	for i := range ns.Routes {
		r := &ns.Routes[i]
		if r.Type != want || model.FamilyOf(dst) != r.Family {
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

func failReason(res RouteResult, ns *model.Namespace, dst net.IP, in string) string {
	name := model.Visible(ns.DisplayName())
	switch res.Fail {
	case RouteNone:
		if l, addr := downLinkFor(ns, dst); l != nil {
			return fmt.Sprintf("link down: %s in %s is down, and its address %s would reach %s", model.Visible(l.Name), name, addr, dst)
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
func sourceReason(st NsState, ns *model.Namespace, src net.IP, in string) string {
	name := model.Visible(ns.DisplayName())
	rpf := max(st.RPFilter["all"], st.RPFilter[in])
	if src.To4() == nil {
		rpf = 0 // rp_filter is IPv4's; IPv6 refuses only martians here
	}
	switch {
	case rpf == 1:
		return fmt.Sprintf("the reverse-path filter of %s (rp_filter=1, strict) drops it: its way back to %s is not through %s", name, src, model.Visible(in))
	case rpf == 2:
		return fmt.Sprintf("the reverse-path filter of %s (rp_filter=2, loose) drops it: it has no way back to %s", name, src)
	case st.RPFilter == nil:
		return fmt.Sprintf("%s refuses the source %s arriving on %s (the reverse-path filter, or a martian address)", name, src, model.Visible(in))
	}
	return fmt.Sprintf("%s drops it as martian: the source %s is not one it accepts on %s", name, src, model.Visible(in))
}

// downLinkFor finds a link that is down and whose subnet holds dst, with
// that address: the kernel removed its routes, so the lookup said "no
// route", but the person needs to hear "link down".
func downLinkFor(ns *model.Namespace, dst net.IP) (*model.Link, string) {
	for i := range ns.Links {
		l := &ns.Links[i]
		if l.Up() {
			continue
		}
		for _, a := range l.Addrs {
			if a.Family == model.FamilyOf(dst) && a.Network().Contains(dst) {
				return l, a.CIDR()
			}
		}
	}
	return nil, ""
}

func forwards(st NsState, dst net.IP) bool {
	if model.FamilyOf(dst) == model.AF_INET6 {
		return st.Forward6
	}
	return st.Forward4
}

func forwardingSysctl(dst net.IP) string {
	if model.FamilyOf(dst) == model.AF_INET6 {
		return "net.ipv6.conf.all.forwarding"
	}
	return "net.ipv4.ip_forward"
}

func loopback(ns *model.Namespace) *model.Link {
	for i := range ns.Links {
		if ns.Links[i].Flags&model.IFF_LOOPBACK != 0 {
			return &ns.Links[i]
		}
	}
	return nil
}

// ownsAddr reports whether ns has ip on any of its links.
func ownsAddr(ns *model.Namespace, ip net.IP) bool {
	return addrOn(ns, ip, func(*model.Link) bool { return true })
}

// ownsAddrUp reports whether ns has ip on a link that is up: the kernel
// answers ARP for any of its local addresses, whichever device asks, but
// takes the local routes of a down device away.
func ownsAddrUp(ns *model.Namespace, ip net.IP) bool { return addrOn(ns, ip, (*model.Link).Up) }

// addrOn reports whether ip is on one of the links of ns that count.
func addrOn(ns *model.Namespace, ip net.IP, counts func(*model.Link) bool) bool {
	for i := range ns.Links {
		if l := &ns.Links[i]; counts(l) && linkHas(l, ip) {
			return true
		}
	}
	return false
}

func linkHas(l *model.Link, ip net.IP) bool {
	for _, a := range l.Addrs {
		if a.Local.Equal(ip) {
			return true
		}
	}
	return false
}

// neighbourOf is the neighbour entry for ip on the device, as ip neigh
// prints it, or "".
func neighbourOf(ns *model.Namespace, ip net.IP, dev int) string {
	for i := range ns.Neighbours {
		n := &ns.Neighbours[i]
		if n.DevIndex == dev && n.Dst.Equal(ip) {
			return model.NeighText(n)
		}
	}
	return ""
}

// nudPermanent is NUD_PERMANENT: an entry the kernel never re-resolves.
const nudPermanent = 0x80

// wrongNeighbour says why frames for nh go nowhere when a permanent
// neighbour entry on out gives a MAC that is not the one of the interface
// that holds nh: the kernel sends to that MAC without asking (ping loses
// every packet), whatever the routes say.
func wrongNeighbour(ns *model.Namespace, out *model.Link, nh net.IP, owner *model.Namespace, ownerIn string) string {
	in := owner.LinkByName(ownerIn)
	if in == nil || len(in.MAC) == 0 {
		return ""
	}
	for i := range ns.Neighbours {
		n := &ns.Neighbours[i]
		if n.DevIndex != out.Index || !n.Dst.Equal(nh) || n.State&nudPermanent == 0 || len(n.LLAddr) == 0 {
			continue
		}
		if !bytes.Equal(n.LLAddr, in.MAC) {
			return fmt.Sprintf("the permanent neighbour entry for %s on %s in %s says %s, but %s is %s on %s in %s: frames go to no one (%s neigh del %s dev %s)",
				nh, model.Visible(out.Name), model.Visible(ns.DisplayName()), n.LLAddr, nh, in.MAC, model.Visible(in.Name), model.Visible(owner.DisplayName()),
				IPCommand(ns), nh, model.ShellQuote(out.Name))
		}
	}
	return ""
}
