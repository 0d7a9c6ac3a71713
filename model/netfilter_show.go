package model

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// writeNetfilter prints the settings, connection tracking and firewall
// sections of `lazyns show`, for a namespace whose Netfilter was read.
func writeNetfilter(w io.Writer, ns *Namespace, paint Paint) {
	nf := ns.Netfilter
	if nf == nil {
		return
	}
	if nf.Sysctls != nil {
		fmt.Fprintln(w, paint(RoleHeader, "  settings"))
		WriteSysctls(w, nf.Sysctls, paint, "    ")
	}
	if nf.Conntrack != nil {
		fmt.Fprintf(w, "%s  %s\n", paint(RoleHeader, "  connections"), paint(RoleDim, ConntrackSummary(nf.Conntrack)))
		for i := range nf.Conntrack.Entries {
			fmt.Fprintf(w, "    %s\n", ConnText(&nf.Conntrack.Entries[i]))
		}
	}
	if nf.Firewall != nil {
		fmt.Fprintln(w, paint(RoleHeader, "  firewall"))
		WriteFirewall(w, nf.Firewall, paint, "    ")
	}
	for _, e := range nf.Errs {
		fmt.Fprintf(w, "  %s\n", paint(RoleWarn, "error: "+Visible(e)))
	}
}

// ConntrackSummary says how full the table is: "3 entries, 3 of 262144
// in use", or that connection tracking is not loaded.
func ConntrackSummary(c *Conntrack) string {
	if c.Max < 0 {
		return "connection tracking is not loaded"
	}
	n := len(c.Entries)
	s := "entries"
	if n == 1 {
		s = "entry"
	}
	return fmt.Sprintf("%d %s, %d of nf_conntrack_max %d in use", n, s, c.Count, c.Max)
}

// sysctlColumns are the per-link settings in the order the settings table
// shows them, with their headings.
var sysctlColumns = []struct {
	family, key, head string
}{
	{"ipv4", "forwarding", "FORWARDING"},
	{"ipv4", "rp_filter", "RP_FILTER"},
	{"ipv4", "proxy_arp", "PROXY_ARP"},
	{"ipv4", "arp_ignore", "ARP_IGNORE"},
	{"ipv4", "arp_announce", "ARP_ANNOUNCE"},
	{"ipv6", "forwarding", "V6 FORWARDING"},
	{"ipv6", "accept_ra", "ACCEPT_RA"},
}

// SysctlCell is one link's setting as the settings table shows it: the
// value in force, and where the kernel combines the link's own value with
// the "all" entry and they differ, the link's own in parentheses:
// "2 (own 0)".
func SysctlCell(s Sysctls, family, ifname, key string) string {
	own, ok := s[SysctlLinkKey(family, ifname, key)]
	if !ok {
		return "-"
	}
	if family != "ipv4" || !Combined(key) {
		return own
	}
	eff, ok := s.Effective(ifname, key)
	if !ok || strconv.Itoa(eff) == own {
		return own
	}
	return strconv.Itoa(eff) + " (own " + own + ")"
}

// WriteSysctls prints the namespace-wide settings on one line, then a
// table of the per-interface ones.
func WriteSysctls(w io.Writer, s Sysctls, paint Paint, indent string) {
	var head []string
	for _, k := range []string{SysctlIPForward, SysctlIPv6Forwarding} {
		if v, ok := s[k]; ok {
			head = append(head, k+" = "+v)
		}
	}
	if c, ok := s[SysctlConntrackCount]; ok {
		head = append(head, "nf_conntrack "+c+" of "+s[SysctlConntrackMax])
	}
	fmt.Fprintf(w, "%s%s\n", indent, strings.Join(head, "   "))
	t := &table{}
	row := []cell{{"LINK", RoleHeader}}
	for _, c := range sysctlColumns {
		row = append(row, cell{c.head, RoleHeader})
	}
	t.add(row...)
	for _, l := range s.Links() {
		row := []cell{{Visible(l), RoleIfname}}
		for _, c := range sysctlColumns {
			row = append(row, cell{SysctlCell(s, c.family, l, c.key), RolePlain})
		}
		t.add(row...)
	}
	t.write(w, paint, indent)
	fmt.Fprintf(w, "%s%s\n", indent, paint(RoleDim,
		"in force: rp_filter, arp_ignore, arp_announce the larger of the link's and all's, proxy_arp either, as the kernel takes them"))
}

// iptablesSource reports whether a table's rules are shown in iptables
// syntax.
func iptablesSource(t *FwTable) bool { return t.TextFrom != "" }

// FwTableHeader is the line that opens a table, in its tool's syntax:
// "table inet filter {" or iptables-save's "*filter".
func FwTableHeader(t *FwTable) string {
	if iptablesSource(t) {
		return "*" + t.Name
	}
	return "table " + t.Family + " " + t.Name + " {"
}

// FwChainHeader is the line that opens a chain: nft's "chain INPUT {
// type filter hook input priority filter; policy accept; }" as one line,
// or iptables-save's ":INPUT ACCEPT [0:0]".
func FwChainHeader(t *FwTable, c *FwChain) string {
	if iptablesSource(t) {
		policy := "-"
		if c.Base() {
			policy = strings.ToUpper(c.Policy)
		}
		s := ":" + c.Name + " " + policy
		if c.PolicyCounters != nil {
			s += fmt.Sprintf(" [%d:%d]", c.PolicyCounters.Packets, c.PolicyCounters.Bytes)
		}
		return s
	}
	if !c.Base() {
		return "chain " + c.Name + " {"
	}
	return fmt.Sprintf("chain %s { type %s hook %s priority %s; policy %s;", c.Name, c.Type, c.Hook,
		FwPriorityText(t.Family, c.Hook, c.Priority), c.Policy)
}

// FwRuleLine is a rule as its table's tool lists it: nft's text, or
// iptables-save -c's "[PACKETS:BYTES] -A CHAIN …".
func FwRuleLine(t *FwTable, r *FwRule) string {
	if iptablesSource(t) && r.Counters != nil {
		return fmt.Sprintf("[%d:%d] %s", r.Counters.Packets, r.Counters.Bytes, r.Text)
	}
	return r.Text
}

// FwSourceText says where a table's rules come from: "nftables",
// "iptables-nft, from iptables-nft-save -c".
func FwSourceText(t *FwTable) string {
	s := string(t.Source)
	if t.TextFrom != "" {
		s += ", from " + t.TextFrom
	}
	return s
}

// WriteFirewall prints a firewall as its tools list it: nftables tables as
// nft list ruleset does, iptables tables as iptables-save -c does, NAT
// rules marked with what they map, and the notes on where text came from.
func WriteFirewall(w io.Writer, fw *Firewall, paint Paint, indent string) {
	if len(fw.Tables) == 0 {
		fmt.Fprintf(w, "%s%s\n", indent, paint(RoleDim, "no rules"))
	}
	for i := range fw.Tables {
		t := &fw.Tables[i]
		fmt.Fprintf(w, "%s%s  %s\n", indent, Visible(FwTableHeader(t)), paint(RoleDim, "# "+t.Family+" "+Visible(t.Name)+": "+Visible(FwSourceText(t))))
		inner := indent + "  "
		if iptablesSource(t) {
			writeIptablesTable(w, t, paint, indent)
			continue
		}
		for j := range t.Chains {
			c := &t.Chains[j]
			head := Visible(FwChainHeader(t, c))
			if c.Base() {
				// nft prints the base chain's settings on their own line.
				name, settings, _ := strings.Cut(head, "{ ")
				fmt.Fprintf(w, "%s%s{\n%s  %s\n", inner, name, inner, settings)
			} else {
				fmt.Fprintf(w, "%s%s\n", inner, head)
			}
			for k := range c.Rules {
				writeFwRule(w, t, &c.Rules[k], paint, inner+"  ")
			}
			fmt.Fprintf(w, "%s}\n", inner)
		}
		fmt.Fprintf(w, "%s}\n", indent)
	}
	for _, n := range fw.Notes {
		fmt.Fprintf(w, "%s%s\n", indent, paint(RoleDim, "note: "+Visible(n)))
	}
}

// writeIptablesTable prints a table as iptables-save -c does: its chains,
// then its rules.
func writeIptablesTable(w io.Writer, t *FwTable, paint Paint, indent string) {
	for j := range t.Chains {
		fmt.Fprintf(w, "%s%s\n", indent, Visible(FwChainHeader(t, &t.Chains[j])))
	}
	for j := range t.Chains {
		for k := range t.Chains[j].Rules {
			writeFwRule(w, t, &t.Chains[j].Rules[k], paint, indent)
		}
	}
	fmt.Fprintf(w, "%sCOMMIT\n", indent)
}

func writeFwRule(w io.Writer, t *FwTable, r *FwRule, paint Paint, indent string) {
	line := Visible(FwRuleLine(t, r))
	if m := r.Maps(); m != "" {
		line += "  " + paint(RoleDim, "# "+r.NAT.Kind+": "+Visible(m))
	}
	fmt.Fprintf(w, "%s%s\n", indent, line)
}
