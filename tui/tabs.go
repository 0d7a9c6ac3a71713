package tui

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// tabSpec is one tab of the detail pane. A new tab is one entry in tabs:
// its names and how its table is made — from the snapshot (build), or
// read from the host when it is first opened (read: a Source method, see
// lazy.go). Its number key and its place in [ and ] follow.
type tabSpec struct {
	name, short string // short is shown when the names do not fit
	build       func(in tabInput) *table
	// read reads the table; prev is what the last reading of this
	// namespace's tab gave (nil at first), for what moved since.
	read func(ctx context.Context, src Source, ns *model.Namespace, prev *table) (*table, error)
	// live says it is read again while on screen, once a second at most
	// (liveRead): counters and connections change without a netlink
	// event the watcher would see.
	live bool
	// links says its rows are about links: a change key acts on the link
	// of the row under the cursor.
	links bool
	// ofLinks says its table is built from the links and their addresses
	// alone, which a namespace kept compact still has (reading.go).
	ofLinks bool
}

// tabInput is what a tab's table is built from: the namespace, and what
// the detail pane knows beside it. What a new tab needs more (rates
// between two readings) is a field here, filled in detailPane.rebuild.
type tabInput struct {
	ns    *model.Namespace
	names *model.Names
	// traffic is the namespace's counters and rates, while they are read
	// (the Links tab is on screen); nil otherwise.
	traffic *linkTraffic
}

// tabs are the detail tabs, in key order (1…9, then 0).
var tabs = [...]tabSpec{
	{name: "Links", short: "Links", build: func(in tabInput) *table { return linksTable(in.ns, in.traffic) }, links: true, ofLinks: true},
	{name: "Addresses", short: "Addrs", build: func(in tabInput) *table { return addrsTable(in.ns) }, links: true, ofLinks: true},
	{name: "Routes", short: "Routes", build: func(in tabInput) *table { return routesTable(in.ns, in.names) }, links: true},
	{name: "Neighbours", short: "Neigh", build: func(in tabInput) *table { return neighTable(in.ns) }, links: true},
	{name: "Rules", short: "Rules", build: func(in tabInput) *table { return rulesTable(in.ns, in.names) }},
	{name: "Sockets", short: "Socks", read: readSockets},
	{name: "Processes", short: "Procs", read: readProcesses},
	{name: "Firewall", short: "Firewall", read: readFirewall, live: true},
	{name: "Connections", short: "Conns", read: readConnections, live: true},
	{name: "Settings", short: "Settings", read: readSettings, live: true},
}

// The tabs the code names.
const (
	tabLinks = iota
	tabAddrs
	tabRoutes
	tabNeigh
	tabRules
	tabSockets
	tabProcs
	tabFirewall
	tabConns
	tabSettings
)

const tabCount = len(tabs)

// linksTable lists the links of ns, with their counters when traffic is
// known, between MTU and MASTER. What gives way when the pane is narrow
// comes first in drop: without counters MAC, MTU, KIND, IDX; with them
// what the traffic says more than the rest, so MAC, MTU, ERR, KIND,
// IDX, PKT/s, DROP, MASTER (the rates each way mark drops and errors with
// "!") — and MASTER is left out when no link has one, its room going to
// the counters.
func linksTable(ns *model.Namespace, traffic *linkTraffic) *table {
	head := []string{"IDX", "NAME", "KIND", "STATE", "MTU", "MASTER", "PEER", "MAC"}
	drop := []string{"MAC", "MTU", "KIND", "IDX"}
	master := traffic == nil || slices.ContainsFunc(ns.Links, func(l model.Link) bool { return l.MasterIndex != 0 })
	if traffic != nil {
		head = slices.Concat(head[:5], rateHead, head[5:])
		drop = []string{"MAC", "MTU", "ERR", "KIND", "IDX", "PKT/s", "DROP", "MASTER"}
	}
	if !master {
		head = slices.DeleteFunc(head, func(h string) bool { return h == "MASTER" })
	}
	t := &table{head: head, empty: "no links"}
	for _, h := range drop {
		if i := slices.Index(head, h); i >= 0 {
			t.drop = append(t.drop, i)
		}
	}
	for i := range ns.Links {
		l := &ns.Links[i]
		state, role := model.OperStateName(l.OperState), model.RoleDown
		switch {
		case state == "UP" || (state == "UNKNOWN" && l.Up()):
			role = model.RoleUp
		case l.Up() && l.Flags&model.IFF_RUNNING == 0:
			// Set up but without a carrier (a veth whose peer is down):
			// say so, as ip link does, or u would seem to do nothing.
			state = "NO-CARRIER"
		}
		mac := ""
		if len(l.MAC) > 0 {
			mac = l.MAC.String()
		}
		cells := []cell{
			{strconv.Itoa(l.Index), model.RoleDim}, {model.Visible(l.Name), model.RoleIfname},
			{l.KindLabel(), model.RolePlain}, {state, role}, {strconv.Itoa(l.MTU), model.RolePlain},
		}
		if traffic != nil {
			cells = append(cells, traffic.cells(l.Index)...)
		}
		if master {
			name := ""
			if m := ns.Master(l); m != nil {
				name = model.Visible(m.Name)
			}
			cells = append(cells, cell{name, model.RoleIfname})
		}
		cells = append(cells, cell{model.PeerLabel(l), model.RoleIfname}, cell{mac, model.RoleMAC})
		t.add(row{cells: cells, follow: l.Peer, link: l.Index})
	}
	return t
}

func addrsTable(ns *model.Namespace) *table {
	t := &table{head: []string{"LINK", "FAMILY", "ADDRESS", "SCOPE", "FLAGS"}, empty: "no addresses",
		drop: []int{4, 1}}
	item := 0
	for i := range ns.Links {
		l := &ns.Links[i]
		for j := range l.Addrs {
			a := &l.Addrs[j]
			role := model.RoleInet
			if a.Family == model.AF_INET6 {
				role = model.RoleInet6
			}
			t.add(row{cells: []cell{
				{model.Visible(l.Name), model.RoleIfname}, {model.FamilyName(a.Family), model.RoleDim},
				{a.CIDR(), role}, {model.ScopeName(a.Scope), model.RolePlain},
				{strings.Join(model.AddrFlagNames(a.Family, a.Flags), " "), model.RoleDim},
			}, link: l.Index, item: item})
			item++
		}
	}
	return t
}

func routesTable(ns *model.Namespace, names *model.Names) *table {
	t := &table{head: []string{"TABLE", "ROUTE"}, empty: "no routes"}
	for i := range ns.Routes {
		r := ns.Routes[i]
		table := names.Table(r.Table)
		// The table has its own column; RouteText leaves it out for main.
		r.Table = model.TableMain
		t.add(row{cells: []cell{{table, model.RoleDim}, {model.RouteText(&r, names), roleWords}}, link: r.DevIndex, item: i})
	}
	return t
}

func neighTable(ns *model.Namespace) *table {
	t := &table{head: []string{"NEIGHBOUR"}, empty: "no neighbours"}
	for i := range ns.Neighbours {
		t.add(row{cells: []cell{{model.NeighText(&ns.Neighbours[i]), roleWords}}, link: ns.Neighbours[i].DevIndex})
	}
	return t
}

func rulesTable(ns *model.Namespace, names *model.Names) *table {
	// Both families are listed (ip rule, then ip -6 rule), and their
	// default rules read alike: the first column says which is which.
	t := &table{head: []string{"FAMILY", "RULE"}, empty: "no rules"}
	for i := range ns.Rules {
		fam := "inet"
		if ns.Rules[i].Family == model.AF_INET6 {
			fam = "inet6"
		}
		t.add(row{cells: []cell{{fam, model.RoleDim}, {model.RuleText(&ns.Rules[i], names), roleWords}}, item: i})
	}
	return t
}

func socketsTable(socks []model.Socket) *table {
	t := &table{head: []string{"PROTO", "LOCAL", "STATE", "PROCESS"}, empty: "no listening sockets",
		drop: []int{2}}
	sorted := append([]model.Socket(nil), socks...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Port != sorted[j].Port {
			return sorted[i].Port < sorted[j].Port
		}
		return sorted[i].Proto < sorted[j].Proto
	})
	for _, s := range sorted {
		local := "*"
		if s.Local != nil && !s.Local.IsUnspecified() {
			local = s.Local.String()
		}
		if strings.Contains(local, ":") {
			local = "[" + local + "]"
		}
		var procs []string
		for _, p := range s.Procs {
			procs = append(procs, model.Visible(p.Comm)+"/"+strconv.Itoa(p.Pid))
		}
		t.add(row{cells: []cell{
			{s.Proto, model.RoleDim}, {local + ":" + strconv.Itoa(int(s.Port)), addrRole(s.Proto)},
			{s.State, model.RolePlain}, {strings.Join(procs, ", "), model.RoleName},
		}})
	}
	return t
}

func addrRole(proto string) model.Role {
	if strings.HasSuffix(proto, "6") {
		return model.RoleInet6
	}
	return model.RoleInet
}

func procsTable(procs []model.Process) *table {
	t := &table{head: []string{"PID", "COMMAND"}, empty: "no processes"}
	for _, p := range procs {
		line := p.Comm
		if len(p.Cmdline) > 0 {
			line = strings.Join(quoteArgs(p.Cmdline), " ")
		} else {
			line = "[" + line + "]"
		}
		t.add(row{cells: []cell{{strconv.Itoa(p.Pid), model.RoleDim}, {model.Visible(line), model.RolePlain}}})
	}
	return t
}

// quoteArgs quotes the arguments that need it, so a command line reads the
// way it would be typed.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = model.ShellQuote(a)
	}
	return out
}
