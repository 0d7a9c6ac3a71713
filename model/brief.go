package model

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/clipperhouse/displaywidth"
)

// Role is what a piece of text is, so a caller can colour it the way ip -c
// does without this package knowing about terminals.
type Role int

const (
	RolePlain Role = iota
	RoleName
	RoleIfname
	RoleUp
	RoleDown
	RoleMAC
	RoleInet
	RoleInet6
	RoleDim
	RoleWarn
	RoleHeader
)

// RoleNames name the roles a user may colour ([colors] in the config file,
// tui.Options.Colors).
var RoleNames = map[string]Role{
	"name": RoleName, "ifname": RoleIfname, "up": RoleUp, "down": RoleDown,
	"mac": RoleMAC, "inet": RoleInet, "inet6": RoleInet6, "dim": RoleDim,
	"warn": RoleWarn, "header": RoleHeader,
}

// Paint colours s for its role; NoPaint leaves it alone.
type Paint func(r Role, s string) string

// NoPaint is the Paint of plain output.
func NoPaint(_ Role, s string) string { return s }

// Badges are the short marks a namespace carries in lists.
func Badges(ns *Namespace) []string {
	var b []string
	if ns.Host {
		b = append(b, "host")
	}
	if ns.Stale {
		b = append(b, "stale")
	}
	if ns.Empty() {
		b = append(b, "empty")
	}
	if !ns.Named() && !ns.Host && !ns.Stale {
		b = append(b, "unnamed")
	}
	if ns.Container != nil && ns.Named() {
		// An unnamed namespace is called by its container already.
		b = append(b, ns.Container.Label())
	}
	switch {
	case ns.Err != nil && len(ns.Links) > 0:
		// Read, but a dump never settled: shown, marked as maybe incomplete.
		b = append(b, "partial")
	case ns.Err != nil:
		b = append(b, "unreadable")
	}
	return b
}

// table writes aligned columns, measuring what is shown rather than bytes.
type table struct {
	rows  [][]cell
	width []int
}

type cell struct {
	text string
	role Role
}

func (t *table) add(cells ...cell) {
	for i, c := range cells {
		w := displaywidth.String(c.text)
		if i >= len(t.width) {
			t.width = append(t.width, w)
		} else if w > t.width[i] {
			t.width[i] = w
		}
	}
	t.rows = append(t.rows, cells)
}

func (t *table) write(w io.Writer, paint Paint, indent string) {
	for _, row := range t.rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range row {
			text := paint(c.role, c.text)
			if i == len(row)-1 {
				b.WriteString(text)
				break
			}
			b.WriteString(text)
			b.WriteString(strings.Repeat(" ", t.width[i]-displaywidth.String(c.text)+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// WriteList prints one line per namespace, as `lazyns list` does.
func WriteList(w io.Writer, nss []*Namespace, paint Paint) {
	t := &table{}
	t.add(cell{"NAMESPACE", RoleHeader}, cell{"INODE", RoleHeader}, cell{"IFS", RoleHeader},
		cell{"PIDS", RoleHeader}, cell{"NOTES", RoleHeader})
	for _, ns := range nss {
		ino := ""
		if !ns.Stale {
			ino = strconv.FormatUint(ns.Key.Ino, 10)
		}
		role := RoleName
		if ns.Stale || ns.Err != nil {
			role = RoleWarn
		}
		t.add(cell{Visible(ns.DisplayName()), role}, cell{ino, RoleDim},
			cell{strconv.Itoa(len(ns.Links)), RolePlain}, cell{strconv.Itoa(len(ns.Procs)), RolePlain},
			cell{Visible(strings.Join(Badges(ns), ", ")), RoleDim})
	}
	t.write(w, paint, "")
}

// LinkLabel is a link's name with its peer, as ip -br writes "veth0@if12",
// but naming the peer's namespace too.
func LinkLabel(l *Link) string {
	name := Visible(l.Name)
	if l.Peer != nil {
		peer := l.Peer.Name
		if peer == "" {
			peer = "if" + strconv.Itoa(l.Peer.Index)
		}
		return name + "@" + Visible(peer)
	}
	return name
}

// PeerLabel says where a veth's other end is: "(host) tap76de6d23-a8".
func PeerLabel(l *Link) string {
	if l.Peer == nil {
		return ""
	}
	name := l.Peer.Name
	if name == "" {
		name = "#" + strconv.Itoa(l.Peer.Index)
	}
	return Visible(l.Peer.NsName) + " " + Visible(name)
}

// WriteShow prints everything in one namespace, as `lazyns show` does:
// links like ip -br addr, then routes, rules and neighbours.
func WriteShow(w io.Writer, ns *Namespace, names *Names, paint Paint) {
	head := Visible(ns.DisplayName())
	fmt.Fprintf(w, "%s  %s", paint(RoleHeader, head), paint(RoleDim, ns.Key.String()))
	if b := Badges(ns); len(b) > 0 {
		fmt.Fprintf(w, "  %s", paint(RoleDim, Visible(strings.Join(b, ", "))))
	}
	fmt.Fprintln(w)
	if len(ns.Procs) > 0 {
		var ps []string
		for i, p := range ns.Procs {
			if i == 8 {
				ps = append(ps, fmt.Sprintf("… %d more", len(ns.Procs)-8))
				break
			}
			ps = append(ps, strings.TrimSpace(fmt.Sprintf("%d %s", p.Pid, Visible(p.Comm))))
		}
		fmt.Fprintf(w, "  pids: %s\n", strings.Join(ps, ", "))
	}
	if ns.Err != nil {
		fmt.Fprintf(w, "  %s\n", paint(RoleWarn, "error: "+Visible(ns.Err.Error())))
	}
	if ns.Stale || (ns.Err != nil && len(ns.Links) == 0) {
		return
	}
	links := &table{}
	for i := range ns.Links {
		l := &ns.Links[i]
		state, role := OperStateName(l.OperState), RoleDown
		if state == "UP" || (state == "UNKNOWN" && l.Up()) {
			role = RoleUp
		}
		var addrs []string
		for _, a := range l.Addrs {
			addrs = append(addrs, paint(addrRole(a.Family), a.CIDR()))
		}
		extra := ""
		if m := ns.Master(l); m != nil {
			extra = "master " + Visible(m.Name)
		}
		if p := PeerLabel(l); p != "" {
			if extra != "" {
				extra += "  "
			}
			extra += "peer " + p
		}
		links.add(cell{LinkLabel(l), RoleIfname}, cell{state, role}, cell{l.KindLabel(), RoleDim},
			cell{strings.Join(addrs, " "), RolePlain}, cell{extra, RoleDim})
	}
	fmt.Fprintln(w, paint(RoleHeader, "  links"))
	links.write(w, paint, "    ")
	writeCounters(w, ns, paint)
	if len(ns.Routes) > 0 {
		fmt.Fprintln(w, paint(RoleHeader, "  routes"))
		for i := range ns.Routes {
			fmt.Fprintf(w, "    %s\n", RouteText(&ns.Routes[i], names))
		}
	}
	if len(ns.Rules) > 0 {
		fmt.Fprintln(w, paint(RoleHeader, "  rules"))
		for i := range ns.Rules {
			// ip rule, then ip -6 rule: the family says which is which.
			fam := "inet "
			if ns.Rules[i].Family == AF_INET6 {
				fam = "inet6"
			}
			fmt.Fprintf(w, "    %s %s\n", paint(RoleDim, fam), RuleText(&ns.Rules[i], names))
		}
	}
	if len(ns.Neighbours) > 0 {
		fmt.Fprintln(w, paint(RoleHeader, "  neighbours"))
		for i := range ns.Neighbours {
			fmt.Fprintf(w, "    %s\n", NeighText(&ns.Neighbours[i]))
		}
	}
	writeNetfilter(w, ns, paint)
}

// writeCounters lists the counters of the links that were read with them,
// as ip -s link would, in a line per link.
func writeCounters(w io.Writer, ns *Namespace, paint Paint) {
	t := &table{}
	for i := range ns.Links {
		l := &ns.Links[i]
		if l.Stats == nil {
			continue
		}
		rx, tx, trouble := CountersText(l.Stats)
		role := RolePlain
		if trouble {
			role = RoleWarn
		}
		t.add(cell{LinkLabel(l), RoleIfname}, cell{rx, role}, cell{tx, role})
	}
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintln(w, paint(RoleHeader, "  counters"))
	t.write(w, paint, "    ")
}

func addrRole(family int) Role {
	if family == AF_INET6 {
		return RoleInet6
	}
	return RoleInet
}

// RouteText is a route as `ip route` prints it.
func RouteText(r *Route, names *Names) string {
	var b []string
	if r.Type != RTN_UNICAST {
		b = append(b, RouteTypeName(r.Type))
	}
	b = append(b, r.DstString())
	if r.Gateway != nil {
		b = append(b, "via", r.Gateway.String())
	}
	if r.Dev != "" {
		b = append(b, "dev", Visible(r.Dev))
	}
	if r.Table != TableMain {
		b = append(b, "table", names.Table(r.Table))
	}
	if r.Protocol != 3 {
		b = append(b, "proto", names.Proto(r.Protocol))
	}
	if r.Scope != 0 {
		b = append(b, "scope", ScopeName(r.Scope))
	}
	if r.PrefSrc != nil {
		b = append(b, "src", r.PrefSrc.String())
	}
	if r.HasMetric {
		b = append(b, "metric", strconv.FormatUint(uint64(r.Metric), 10))
	}
	for _, nh := range r.NextHops {
		b = append(b, "nexthop")
		if nh.Gateway != nil {
			b = append(b, "via", nh.Gateway.String())
		}
		if nh.Dev != "" {
			b = append(b, "dev", Visible(nh.Dev))
		}
		b = append(b, "weight", strconv.Itoa(nh.Weight))
	}
	b = append(b, RouteFlagNames(r.Flags)...)
	return strings.Join(b, " ")
}

// RuleText is a rule as `ip rule` prints it.
func RuleText(r *Rule, names *Names) string {
	b := []string{strconv.FormatUint(uint64(r.Priority), 10) + ":"}
	if r.Invert {
		b = append(b, "not")
	}
	from := "all"
	if r.Src != nil {
		from = r.Src.String()
		if r.SrcLen != hostLen(r.Family) {
			from += "/" + strconv.Itoa(r.SrcLen)
		}
	}
	b = append(b, "from", from)
	if r.Dst != nil {
		to := r.Dst.String()
		if r.DstLen != hostLen(r.Family) {
			to += "/" + strconv.Itoa(r.DstLen)
		}
		b = append(b, "to", to)
	}
	if r.HasMark {
		b = append(b, "fwmark", "0x"+strconv.FormatUint(uint64(r.Mark), 16))
	}
	if r.Iif != "" {
		b = append(b, "iif", Visible(r.Iif))
	}
	if r.Oif != "" {
		b = append(b, "oif", Visible(r.Oif))
	}
	switch r.Action {
	case FR_ACT_TO_TBL:
		b = append(b, "lookup", names.Table(r.Table))
	case FR_ACT_GOTO:
		b = append(b, "goto", strconv.FormatUint(uint64(r.Goto), 10))
	case FR_ACT_NOP:
		b = append(b, "nop")
	default:
		b = append(b, RouteTypeName(r.Action))
	}
	if r.SuppressPrefixlen != -1 {
		b = append(b, "suppress_prefixlength", strconv.Itoa(int(r.SuppressPrefixlen)))
	}
	return strings.Join(b, " ")
}

// NeighText is a neighbour as `ip neigh` prints it.
func NeighText(n *Neighbour) string {
	b := []string{n.Dst.String()}
	if n.Dev != "" {
		b = append(b, "dev", Visible(n.Dev))
	}
	if n.LLAddr != nil {
		b = append(b, "lladdr", n.LLAddr.String())
	}
	if n.Flags&0x80 != 0 {
		b = append(b, "router")
	}
	b = append(b, NeighStateNames(n.State)...)
	return strings.Join(b, " ")
}
