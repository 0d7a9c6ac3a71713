package tui

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/model"
)

// The Firewall, Connections and Settings tabs: what decides a packet's
// fate beyond the routes, read for the namespace on screen and read again
// every second while it is (tabSpec.live). Every name, comment and rule
// text in them is anyone's to write: each goes through model.Visible.

// fwRow is the firewall rule a row of the Firewall tab shows.
type fwRow struct {
	table *model.FwTable
	chain *model.FwChain
	rule  *model.FwRule
}

func readFirewall(ctx context.Context, src Source, ns *model.Namespace, prev *table) (*table, error) {
	fw, err := src.Firewall(ctx, ns)
	if err != nil {
		return nil, err
	}
	var was *model.Firewall
	if prev != nil {
		was = prev.fw
	}
	return firewallTable(fw, model.MovedRules(was, fw)), nil
}

// noteWidth is the room of a note after "note: " in the rule column of
// the narrowest detail pane (52 columns at 80).
const noteWidth = 33

// movedMark follows the packet count of a rule whose counters moved since
// the last reading: a mark that reads without colour too.
const movedMark = "↑"

// firewallTable lists the firewall as tables, their chains (hook,
// policy, the policy's counters where the source keeps them) and their
// rules with their counters; a NAT rule has a line saying what it maps to
// what. moved are the rules whose counters grew since the last reading.
func firewallTable(fw *model.Firewall, moved map[model.FwRuleRef]bool) *table {
	t := &table{head: []string{"PKTS", "BYTES", "RULE"}, fw: fw,
		empty: "no rules: nothing here filters or translates packets"}
	rules := 0
	for i := range fw.Tables {
		tb := &fw.Tables[i]
		tkey := "table\x00" + string(tb.Source) + "\x00" + tb.Family + "\x00" + tb.Name
		t.add(row{cells: []cell{{}, {}, {"table " + model.Visible(tb.Family+" "+tb.Name) + "  (" + model.Visible(model.FwSourceText(tb)) + ")", model.RoleHeader}},
			key: tkey})
		for j := range tb.Chains {
			c := &tb.Chains[j]
			ckey := tkey + "\x00" + c.Name
			pkts, bytes := counterCells(c.PolicyCounters, false)
			t.add(row{cells: []cell{pkts, bytes, {"  " + chainText(tb, c), model.RoleName}}, key: ckey})
			for k := range c.Rules {
				r := &c.Rules[k]
				ref := model.RuleRef(tb, c, k)
				rkey := fmt.Sprintf("%s\x00%d\x00%d", ckey, ref.Handle, ref.Index)
				at := &fwRow{table: tb, chain: c, rule: r}
				pkts, bytes := counterCells(r.Counters, moved[ref])
				t.add(row{cells: []cell{pkts, bytes, {"    " + ruleText(tb, c, r), model.RolePlain}}, key: rkey, rule: at})
				if m := r.Maps(); m != "" {
					t.add(row{cells: []cell{{}, {}, {"      ↳ " + r.NAT.Kind + ": " + model.Visible(m), roleWords}},
						key: rkey + "\x00nat", rule: at})
				}
				rules++
			}
		}
	}
	for _, n := range fw.Notes {
		// Notes are long and say what is missing: wrapped to what a
		// narrow pane shows of the column, rather than cut.
		for i, line := range strings.Split(ansi.Wrap(model.Visible(n), noteWidth, ""), "\n") {
			if i == 0 {
				line = "note: " + line
			} else {
				line = "      " + line
			}
			t.add(row{cells: []cell{{}, {}, {line, model.RolePlain}}, key: "note\x00" + n + "\x00" + strconv.Itoa(i)})
		}
	}
	t.caption = fmt.Sprintf("%s, %s", plural(len(fw.Tables), "table"), plural(rules, "rule"))
	if len(fw.Notes) > 0 {
		t.caption += "  ·  " + plural(len(fw.Notes), "note") + " at the end"
	}
	if len(moved) > 0 {
		t.caption += "  ·  " + movedMark + " moved since the last reading"
	}
	return t
}

// counterCells are a rule's (or a policy's) packets and bytes as
// iptables -vnL writes them, the packets marked when they moved.
func counterCells(c *model.FwCounters, moved bool) (pkts, bytes cell) {
	if c == nil {
		return cell{}, cell{}
	}
	pkts = cell{shortCount(c.Packets), model.RoleDim}
	if moved {
		pkts = cell{pkts.text + movedMark, model.RoleWarn}
	}
	return pkts, cell{shortCount(c.Bytes), model.RoleDim}
}

// shortCount writes n as iptables -vnL does (without -x): exact up to
// 99999, then rounded to thousands with K, M, G, T.
func shortCount(n uint64) string {
	if n <= 99999 {
		return strconv.FormatUint(n, 10)
	}
	for _, unit := range []string{"K", "M", "G", "T"} {
		n = (n + 500) / 1000
		if n <= 9999 {
			return strconv.FormatUint(n, 10) + unit
		}
	}
	return strconv.FormatUint(n, 10) + "T"
}

// chainText is a chain's line: its name, and for a base chain its policy,
// hook and priority (and its type when it is not filter).
func chainText(t *model.FwTable, c *model.FwChain) string {
	s := "chain " + model.Visible(c.Name)
	if !c.Base() {
		return s
	}
	s += "  policy " + model.Visible(c.Policy) + "  hook " + model.Visible(c.Hook) +
		"  priority " + model.Visible(model.FwPriorityText(t.Family, c.Hook, c.Priority))
	if c.Type != "" && c.Type != "filter" {
		s += "  type " + model.Visible(c.Type)
	}
	return s
}

// ruleText is a rule as its tool lists it, without what the row says
// beside it: the counters (their own columns) and, in iptables syntax,
// the chain it is appended to (the line above).
func ruleText(t *model.FwTable, c *model.FwChain, r *model.FwRule) string {
	text := r.Text
	switch {
	case t.TextFrom != "":
		text = strings.TrimPrefix(text, "-A "+c.Name+" ")
	case r.Counters != nil:
		text = strings.Replace(text, fmt.Sprintf("counter packets %d bytes %d", r.Counters.Packets, r.Counters.Bytes), "counter", 1)
	}
	return model.Visible(text)
}

func readConnections(ctx context.Context, src Source, ns *model.Namespace, _ *table) (*table, error) {
	ct, err := src.Conntrack(ctx, ns)
	if err != nil {
		return nil, err
	}
	return connsTable(ct), nil
}

// connsTable lists tracked connections, their count against
// nf_conntrack_max in the caption. The state and mark columns are left
// out when no entry has one; when the pane is narrow the reply (which NAT
// sums up) goes first, then the mark, the timeout and the state.
func connsTable(ct *model.Conntrack) *table {
	entries := append([]model.ConnEntry(nil), ct.Entries...)
	// Readings come every second: a stable order keeps rows in place.
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := &entries[i], &entries[j]
		if c := a.Orig.Src.Compare(b.Orig.Src); c != 0 {
			return c < 0
		}
		if c := a.Orig.Dst.Compare(b.Orig.Dst); c != 0 {
			return c < 0
		}
		if a.Proto != b.Proto {
			return a.Proto < b.Proto
		}
		if a.Orig.Sport != b.Orig.Sport {
			return a.Orig.Sport < b.Orig.Sport
		}
		return a.ID < b.ID
	})
	type column struct {
		head string
		cell func(e *model.ConnEntry) cell
		drop int // the order it goes in when the pane is narrow; 0 never
	}
	columns := []column{
		{"PROTO", func(e *model.ConnEntry) cell { return cell{model.ConnProtoName(e.Proto), model.RoleDim} }, 0},
		{"ORIGINAL", func(e *model.ConnEntry) cell { return cell{tupleText(&e.Orig), model.RolePlain} }, 0},
		{"NAT", func(e *model.ConnEntry) cell { return cell{natText(e), model.RoleWarn} }, 0},
		{"STATE", func(e *model.ConnEntry) cell { return cell{connState(e), model.RolePlain} }, 4},
		{"TIMEOUT", func(e *model.ConnEntry) cell { return cell{timeLeft(e.Timeout), model.RoleDim} }, 3},
		{"MARK", func(e *model.ConnEntry) cell { return cell{markText(e.Mark), model.RolePlain} }, 2},
		{"REPLY", func(e *model.ConnEntry) cell { return cell{tupleText(&e.Reply), model.RoleDim} }, 1},
	}
	// A column no entry fills says nothing.
	kept := columns[:0]
	for _, c := range columns {
		if c.head == "STATE" || c.head == "MARK" {
			if !slices.ContainsFunc(entries, func(e model.ConnEntry) bool { return c.cell(&e).text != "" }) {
				continue
			}
		}
		kept = append(kept, c)
	}
	t := &table{empty: "no connections tracked here", caption: model.ConntrackSummary(ct)}
	if ct.Max < 0 {
		t.empty = "connection tracking is not loaded: nothing is tracked"
	}
	for order := 1; order <= 4; order++ {
		for i, c := range kept {
			if c.drop == order {
				t.drop = append(t.drop, i)
			}
		}
	}
	for _, c := range kept {
		t.head = append(t.head, c.head)
	}
	for i := range entries {
		e := &entries[i]
		cells := make([]cell, len(kept))
		for j, c := range kept {
			cells[j] = c.cell(e)
		}
		t.add(row{cells: cells, key: "ct\x00" + strconv.FormatUint(uint64(e.ID), 10) + "\x00" + tupleText(&e.Orig)})
	}
	return t
}

func markText(mark uint32) string {
	if mark == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(mark), 10)
}

// hostPort writes an address with a port: 10.0.1.2:80, [2001:db8::1]:80.
func hostPort(a netip.Addr, port uint16) string {
	return netip.AddrPortFrom(a, port).String()
}

// tupleText is one direction of a connection: "10.0.1.2:40000 → 10.0.3.2:80",
// or for ICMP "10.0.1.2 → 10.0.3.2 id 7".
func tupleText(t *model.ConnTuple) string {
	switch {
	case t.ICMP:
		return t.Src.String() + " → " + t.Dst.String() + " id " + strconv.Itoa(int(t.ID))
	case t.Sport == 0 && t.Dport == 0:
		return t.Src.String() + " → " + t.Dst.String()
	}
	return hostPort(t.Src, t.Sport) + " → " + hostPort(t.Dst, t.Dport)
}

// natText says what the kernel translated: "snat 10.0.2.1" (the source
// the reply comes back to), "dnat 10.0.0.5:80" (where the destination
// really is); empty without NAT.
func natText(e *model.ConnEntry) string {
	var out []string
	if e.DNAT() {
		to := e.Reply.Src.String()
		if !e.Orig.ICMP && e.Reply.Sport != e.Orig.Dport {
			to = hostPort(e.Reply.Src, e.Reply.Sport)
		}
		out = append(out, "dnat "+to)
	}
	if e.SNAT() {
		to := e.Reply.Dst.String()
		if !e.Orig.ICMP && e.Reply.Dport != e.Orig.Sport {
			to = hostPort(e.Reply.Dst, e.Reply.Dport)
		}
		out = append(out, "snat "+to)
	}
	return strings.Join(out, ", ")
}

// connState is the protocol's state (TCP), else what conntrack -L marks:
// UNREPLIED while nothing came back, ASSURED once kept under pressure.
func connState(e *model.ConnEntry) string {
	switch {
	case e.State != "":
		return e.State
	case e.Unreplied:
		return "UNREPLIED"
	case e.Assured:
		return "ASSURED"
	}
	return ""
}

// timeLeft is seconds left as a person reads them: 29s, 5m, 3h, 5d.
func timeLeft(s uint32) string {
	switch {
	case s < 120:
		return strconv.Itoa(int(s)) + "s"
	case s < 120*60:
		return strconv.Itoa(int(s/60)) + "m"
	case s < 48*3600:
		return strconv.Itoa(int(s/3600)) + "h"
	}
	return strconv.Itoa(int(s/86400)) + "d"
}

func readSettings(ctx context.Context, src Source, ns *model.Namespace, _ *table) (*table, error) {
	s, err := src.Sysctls(ctx, ns)
	if err != nil {
		return nil, err
	}
	return settingsTable(s), nil
}

// settingColumns are the per-link settings of the Settings tab, with
// their headings; a narrow pane leaves out the ARP ones first.
var settingColumns = []struct{ family, key, head string }{
	{"ipv4", "forwarding", "FWD"},
	{"ipv4", "rp_filter", "RP_FILTER"},
	{"ipv4", "proxy_arp", "PROXY_ARP"},
	{"ipv4", "arp_ignore", "ARP_IGN"},
	{"ipv4", "arp_announce", "ARP_ANN"},
	{"ipv6", "forwarding", "FWD6"},
	{"ipv6", "accept_ra", "ACCEPT_RA"},
}

// settingsTable is the namespace's forwarding settings: the
// namespace-wide ones in the caption, a row per link (all and default
// first) of the per-link ones, each the value in force with the link's
// own beside it where the kernel combines it with all's and they differ.
func settingsTable(s model.Sysctls) *table {
	head := []string{"LINK"}
	for _, c := range settingColumns {
		head = append(head, c.head)
	}
	t := &table{head: head, empty: "no per-link settings", drop: []int{5, 4, 3, 7, 6}}
	var caption []string
	for _, c := range []struct{ key, say string }{
		{model.SysctlIPForward, "ip_forward"}, {model.SysctlIPv6Forwarding, "ipv6 forwarding"},
	} {
		if v, ok := s[c.key]; ok {
			caption = append(caption, c.say+" "+model.Visible(v))
		}
	}
	if n, ok := s[model.SysctlConntrackCount]; ok {
		caption = append(caption, "conntrack "+model.Visible(n)+" of "+model.Visible(s[model.SysctlConntrackMax]))
	} else {
		caption = append(caption, "conntrack not loaded")
	}
	t.caption = strings.Join(caption, "  ·  ")
	for _, l := range s.Links() {
		cells := []cell{{model.Visible(l), model.RoleIfname}}
		for _, c := range settingColumns {
			v := model.SysctlCell(s, c.family, l, c.key)
			role := model.RolePlain
			if strings.Contains(v, "(own") {
				role = model.RoleWarn
			}
			cells = append(cells, cell{model.Visible(v), role})
		}
		t.add(row{cells: cells, key: "link\x00" + l})
	}
	return t
}
