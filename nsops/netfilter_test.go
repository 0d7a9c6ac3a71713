package nsops

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// inNs runs a command inside a test's namespace and returns its output.
func inNs(t *testing.T, ns string, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns exec %s %s: %v\n%s", ns, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// readNamed snapshots the test's namespaces (only those, fully) and reads
// the netfilter state of each.
func readNamed(t *testing.T, sys *System, names ...string) map[string]*model.Namespace {
	t.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	snap, err := sys.Snapshot(context.Background(), ReadOptions{Full: func(ns *model.Namespace) bool { return want[ns.Name] }})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*model.Namespace{}
	for _, n := range names {
		ns := findNamed(t, snap, n)
		nf, err := sys.ReadNetfilter(context.Background(), ns, AllNetfilter)
		if err != nil {
			t.Fatal(err)
		}
		if len(nf.Errs) > 0 {
			t.Fatalf("%s: %v", n, nf.Errs)
		}
		ns.Netfilter = nf
		out[n] = ns
	}
	return out
}

func fwTable(t *testing.T, ns *model.Namespace, family, name string, source model.FwSource) *model.FwTable {
	t.Helper()
	for i := range ns.Netfilter.Firewall.Tables {
		tb := &ns.Netfilter.Firewall.Tables[i]
		if tb.Family == family && tb.Name == name && tb.Source == source {
			return tb
		}
	}
	t.Fatalf("%s: no %s table %s %s in %+v (notes %q)", ns.Name, source, family, name,
		ns.Netfilter.Firewall.Tables, ns.Netfilter.Firewall.Notes)
	return nil
}

func fwChain(t *testing.T, tb *model.FwTable, name string) *model.FwChain {
	t.Helper()
	for i := range tb.Chains {
		if tb.Chains[i].Name == name {
			return &tb.Chains[i]
		}
	}
	t.Fatalf("no chain %s in %s %s", name, tb.Family, tb.Name)
	return nil
}

var policyLine = regexp.MustCompile(`^Chain \S+ \(policy \S+ (\d+) packets, (\d+) bytes\)`)

// iptablesCounters reads `iptables -vnL CHAIN -x`: the policy's counters
// and each rule's, in order.
func iptablesCounters(t *testing.T, out string) (policy model.FwCounters, rules []model.FwCounters) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	m := policyLine.FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("no policy in %q", lines[0])
	}
	policy.Packets, _ = strconv.ParseUint(m[1], 10, 64)
	policy.Bytes, _ = strconv.ParseUint(m[2], 10, 64)
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		p, err1 := strconv.ParseUint(f[0], 10, 64)
		b, err2 := strconv.ParseUint(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("iptables -vnL line %q", l)
		}
		rules = append(rules, model.FwCounters{Packets: p, Bytes: b})
	}
	return policy, rules
}

func ruleCounters(t *testing.T, c *model.FwChain) []model.FwCounters {
	t.Helper()
	out := make([]model.FwCounters, len(c.Rules))
	for i, r := range c.Rules {
		if r.Counters == nil {
			t.Fatalf("rule %q of %s has no counters", r.Text, c.Name)
		}
		out[i] = *r.Counters
	}
	return out
}

// nftChainLines returns the rule lines of one chain in nft list ruleset.
func nftChainLines(t *testing.T, ruleset, table, chain string) []string {
	t.Helper()
	var lines []string
	inTable, inChain := false, false
	for _, l := range strings.Split(ruleset, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "table "+table+" {":
			inTable = true
		case inTable && l == "chain "+chain+" {":
			inChain = true
		case inChain && l == "}":
			return lines
		case inChain && !strings.HasPrefix(l, "type "):
			lines = append(lines, l)
		}
	}
	t.Fatalf("no chain %s in table %s:\n%s", chain, table, ruleset)
	return nil
}

// Rules written by iptables (nf_tables backend), iptables-legacy and nft
// in three namespaces, counted by traffic from a fourth: lazyns shows
// each rule once, from the right source, with the counters iptables -vnL
// -x and nft list ruleset print.
func TestFirewallCountersMatchTools(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tool := range []string{"iptables-nft", "iptables-nft-save", "iptables-legacy", "iptables-legacy-save", "nft", "ping", "bash"} {
		nstest.RequireTool(t, tool)
	}
	k, a, b, c := nstest.Netns(t), nstest.Netns(t), nstest.Netns(t), nstest.Netns(t)
	for i, ns := range []string{a, b, c} {
		nstest.IP(t, "-n", k, "link", "add", fmt.Sprintf("k%d", i), "type", "veth", "peer", "name", "e0", "netns", ns)
		nstest.IP(t, "-n", k, "addr", "add", fmt.Sprintf("10.91.%d.1/24", i), "dev", fmt.Sprintf("k%d", i))
		nstest.IP(t, "-n", k, "link", "set", fmt.Sprintf("k%d", i), "up")
		nstest.IP(t, "-n", ns, "addr", "add", fmt.Sprintf("10.91.%d.2/24", i), "dev", "e0")
		nstest.IP(t, "-n", ns, "link", "set", "e0", "up")
	}
	for ns, ipt := range map[string]string{a: "iptables-nft", b: "iptables-legacy"} {
		for _, rule := range [][]string{
			{"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "ACCEPT"},
			{"-A", "INPUT", "-p", "udp", "--dport", "9999", "-j", "DROP"},
			{"-A", "INPUT", "-s", "10.91.0.0/16", "-p", "tcp", "-m", "multiport", "--dports", "22,80", "-j", "ACCEPT"},
			{"-N", "lz-sub"},
			{"-A", "INPUT", "-j", "lz-sub"},
			{"-A", "lz-sub", "-m", "comment", "--comment", "counts the rest", "-j", "RETURN"},
			{"-t", "nat", "-A", "POSTROUTING", "-s", "10.91.0.0/16", "-o", "e0", "-j", "MASQUERADE"},
		} {
			inNs(t, ns, append([]string{ipt}, rule...)...)
		}
	}
	inNs(t, c, "nft", `table inet lzt {
		chain in { type filter hook input priority filter; policy accept;
			icmp type echo-request counter accept
			udp dport 9999 counter drop
			ip saddr 10.91.0.0/16 tcp dport { 22, 80 } counter accept
			jump sub
		}
		chain sub { counter return; }
	}`)
	for i, ns := range []string{a, b, c} {
		ip := fmt.Sprintf("10.91.%d.2", i)
		inNs(t, k, "ping", "-c", "3", "-i", "0.2", "-W", "2", ip)
		inNs(t, k, "bash", "-c", fmt.Sprintf("for i in 1 2; do echo x > /dev/udp/%s/9999; done", ip))
		_ = ns
	}
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	got := readNamed(t, sys, a, b, c)

	for ns, want := range map[string]struct {
		source model.FwSource
		list   string
		from   string
	}{
		a: {model.FwIptablesNft, "iptables-nft", "iptables-nft-save -c"},
		b: {model.FwIptablesLegacy, "iptables-legacy", "iptables-legacy-save -c"},
	} {
		tb := fwTable(t, got[ns], "ip", "filter", want.source)
		if tb.TextFrom != want.from {
			t.Errorf("%s: text from %q, want %q", want.list, tb.TextFrom, want.from)
		}
		in := fwChain(t, tb, "INPUT")
		policy, rules := iptablesCounters(t, inNs(t, ns, want.list, "-vnL", "INPUT", "-x"))
		if mine := ruleCounters(t, in); fmt.Sprint(mine) != fmt.Sprint(rules) {
			t.Errorf("%s INPUT counters %v, %s -vnL -x says %v", want.list, mine, want.list, rules)
		}
		if rules[0].Packets != 3 || rules[1].Packets != 2 {
			t.Errorf("%s: the pings and UDP probes were not counted: %v", want.list, rules)
		}
		if in.PolicyCounters == nil || *in.PolicyCounters != policy {
			t.Errorf("%s INPUT policy counters %v, want %v", want.list, in.PolicyCounters, policy)
		}
		if r := in.Rules[0]; r.Text != "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT" || r.Verdict.Kind != model.FwAccept {
			t.Errorf("%s rule %q %+v", want.list, r.Text, r.Verdict)
		}
		sub := fwChain(t, tb, "lz-sub").Rules[0]
		if sub.Comment != "counts the rest" || sub.Verdict.Kind != model.FwReturn {
			t.Errorf("%s lz-sub rule %+v", want.list, sub)
		}
		masq := fwChain(t, fwTable(t, got[ns], "ip", "nat", want.source), "POSTROUTING").Rules[0]
		if masq.NAT == nil || masq.NAT.Kind != model.NATMasquerade || masq.Maps() != "10.91.0.0/16 out e0 → masquerade" {
			t.Errorf("%s masquerade %+v", want.list, masq)
		}
	}
	// iptables-nft's table shows each rule once, and also as nft prints it.
	in := fwChain(t, fwTable(t, got[a], "ip", "filter", model.FwIptablesNft), "INPUT")
	ruleset := inNs(t, a, "nft", "list", "ruleset")
	lines := nftChainLines(t, ruleset, "ip filter", "INPUT")
	if len(lines) != len(in.Rules) {
		t.Fatalf("nft lists %d rules, lazyns %d", len(lines), len(in.Rules))
	}
	for i, r := range in.Rules {
		if r.Handle == 0 || r.NftText == "" {
			t.Errorf("iptables-nft rule %q without its nft handle or text", r.Text)
		}
		// nft translates the xtables extensions (icmp, multiport) its own
		// way; the rules written with native expressions read the same.
		if i == 1 && r.NftText != lines[i] {
			t.Errorf("nft text\n got %q\nwant %q", r.NftText, lines[i])
		}
	}

	// The nft namespace: every rule reads as nft list ruleset prints it.
	tb := fwTable(t, got[c], "inet", "lzt", model.FwNftables)
	ruleset = inNs(t, c, "nft", "list", "ruleset")
	for _, chain := range []string{"in", "sub"} {
		lines := nftChainLines(t, ruleset, "inet lzt", chain)
		ch := fwChain(t, tb, chain)
		if len(lines) != len(ch.Rules) {
			t.Fatalf("chain %s: nft lists %q, lazyns %d rules", chain, lines, len(ch.Rules))
		}
		for i, r := range ch.Rules {
			if r.Text != lines[i] {
				t.Errorf("chain %s rule %d:\n got %q\nwant %q", chain, i, r.Text, lines[i])
			}
		}
	}
	ch := fwChain(t, tb, "in")
	if ch.Hook != "input" || ch.Policy != "accept" || ch.Type != "filter" || ch.Rules[0].Counters.Packets != 3 ||
		ch.Rules[1].Counters.Packets != 2 || len(ch.Rules[2].Unsure) != 0 {
		t.Errorf("chain in: %+v", ch)
	}
	for _, n := range got[c].Netfilter.Firewall.Notes {
		if strings.Contains(n, "iptables") {
			t.Errorf("a namespace without iptables tables has the note %q", n)
		}
	}
}

// nftHostile makes, through netlink (nft's parser refuses such names), a
// table whose chain name holds $(…) and whose rule comment holds ESC.
func nftHostile(t *testing.T, ns, chain, comment string) {
	t.Helper()
	f, err := os.Open("/run/netns/" + ns)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c *nftables.Conn
	if err := InNamespace(int(f.Fd()), func() error {
		var err error
		c, err = nftables.New(nftables.AsLasting())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer c.CloseLasting()
	tb := c.AddTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: "lzh"})
	ch := c.AddChain(&nftables.Chain{Name: chain, Table: tb})
	c.AddRule(&nftables.Rule{Table: tb, Chain: ch, Exprs: []expr.Any{&expr.Verdict{Kind: expr.VerdictReturn}},
		UserData: userdata.AppendString(nil, userdata.TypeComment, comment)})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
}

// Hostile names and comments in real rules (iptables-nft, iptables-legacy
// and nftables) show inert in show's text and exact in its JSON.
func TestFirewallHostileText(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "iptables-nft")
	nstest.RequireTool(t, "iptables-legacy")
	ns := nstest.Netns(t)
	const chain, comment = "x$(id)", "\x1b[31mred $(reboot)"
	for _, ipt := range []string{"iptables-nft", "iptables-legacy"} {
		inNs(t, ns, ipt, "-N", chain)
		inNs(t, ns, ipt, "-A", chain, "-m", "comment", "--comment", comment, "-j", "RETURN")
	}
	nftHostile(t, ns, chain+"\x1b]0;t\x07", comment)
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	n := readNamed(t, sys, ns)[ns]
	for _, src := range []model.FwSource{model.FwIptablesNft, model.FwIptablesLegacy} {
		r := fwChain(t, fwTable(t, n, "ip", "filter", src), chain).Rules[0]
		if r.Comment != comment {
			t.Errorf("%s comment %q, want %q", src, r.Comment, comment)
		}
	}
	if r := fwChain(t, fwTable(t, n, "inet", "lzh", model.FwNftables), chain+"\x1b]0;t\x07").Rules[0]; r.Comment != comment {
		t.Errorf("nft comment %q", r.Comment)
	}
	var text strings.Builder
	model.WriteShow(&text, n, sys.Names, model.NoPaint)
	if strings.ContainsAny(text.String(), "\x1b\x07") {
		t.Errorf("a control byte reached show's text:\n%q", text.String())
	}
	for _, want := range []string{`\x1b[31mred $(reboot)`, ":x$(id) -", `chain x$(id)\x1b]0;t\x07 {`} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("show's text lacks %q:\n%s", want, text.String())
		}
	}
	b, _ := model.JSON([]*model.Namespace{n}, sys.Names)
	js := string(b)
	for _, want := range []string{`"comment":"\u001b[31mred $(reboot)"`, `"name":"x$(id)\u001b]0;t\u0007"`} {
		if !strings.Contains(js, want) {
			t.Errorf("show --json lacks %s", want)
		}
	}
}

// conntrackLine is one entry of `conntrack -L`, as its key=value words
// say: the protocol and the first four of each tuple's fields.
var ctField = regexp.MustCompile(`(src|dst|sport|dport|type|code|id)=(\S+)`)

func conntrackList(t *testing.T, ns string) map[string]bool {
	t.Helper()
	out := inNs(t, ns, "conntrack", "-L")
	set := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || strings.HasPrefix(l, "conntrack") {
			continue
		}
		var kv []string
		for _, m := range ctField.FindAllStringSubmatch(l, -1) {
			kv = append(kv, m[1]+"="+m[2])
		}
		set[f[0]+" "+strings.Join(kv, " ")] = true
	}
	return set
}

func entryKey(e *model.ConnEntry) string {
	var kv []string
	for _, tu := range []model.ConnTuple{e.Orig, e.Reply} {
		kv = append(kv, "src="+tu.Src.String(), "dst="+tu.Dst.String())
		if tu.ICMP {
			kv = append(kv, fmt.Sprintf("type=%d", tu.Type), fmt.Sprintf("code=%d", tu.Code), fmt.Sprintf("id=%d", tu.ID))
		} else {
			kv = append(kv, fmt.Sprintf("sport=%d", tu.Sport), fmt.Sprintf("dport=%d", tu.Dport))
		}
	}
	return model.ConnProtoName(e.Proto) + " " + strings.Join(kv, " ")
}

// A client pings an outside through a gateway that forwards and
// masquerades: the gateway's connection table, as lazyns reads it, is the
// one conntrack -L lists, and the ping's entry shows the translation.
func TestConntrackThroughMasquerade(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "conntrack")
	nstest.RequireTool(t, "iptables-nft")
	nstest.RequireTool(t, "ping")
	client, gw, outside := nstest.Netns(t), nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", client, "link", "add", "c0", "type", "veth", "peer", "name", "g0", "netns", gw)
	nstest.IP(t, "-n", gw, "link", "add", "g1", "type", "veth", "peer", "name", "o0", "netns", outside)
	for _, a := range [][]string{{client, "c0", "10.92.1.2/24"}, {gw, "g0", "10.92.1.1/24"}, {gw, "g1", "10.92.2.1/24"}, {outside, "o0", "10.92.2.2/24"}} {
		nstest.IP(t, "-n", a[0], "addr", "add", a[2], "dev", a[1])
		nstest.IP(t, "-n", a[0], "link", "set", a[1], "up")
	}
	nstest.IP(t, "-n", client, "route", "add", "default", "via", "10.92.1.1")
	// The host may forward or not: the gateway says for itself.
	inNs(t, gw, "sysctl", "-w", "net.ipv4.ip_forward=1")
	inNs(t, gw, "iptables-nft", "-t", "nat", "-A", "POSTROUTING", "-s", "10.92.1.0/24", "-o", "g1", "-j", "MASQUERADE")
	inNs(t, client, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.92.2.2")

	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	got := readNamed(t, sys, gw, outside)
	ct := got[gw].Netfilter.Conntrack
	var ping *model.ConnEntry
	for i := range ct.Entries {
		e := &ct.Entries[i]
		if e.Proto == 1 && e.Orig.Src.String() == "10.92.1.2" && e.Orig.Dst.String() == "10.92.2.2" {
			ping = e
		}
	}
	if ping == nil {
		t.Fatalf("no entry for the ping in %+v", ct.Entries)
	}
	if ping.Reply.Src.String() != "10.92.2.2" || ping.Reply.Dst.String() != "10.92.2.1" || !ping.SNAT() || ping.DNAT() ||
		ping.Unreplied || ping.Family != model.AF_INET || !ping.Orig.ICMP || ping.Orig.Type != 8 {
		t.Errorf("ping entry %+v", ping)
	}
	if !strings.HasSuffix(model.ConnText(ping), "snat") {
		t.Errorf("ping text %q", model.ConnText(ping))
	}
	mine := map[string]bool{}
	for i := range ct.Entries {
		mine[entryKey(&ct.Entries[i])] = true
	}
	if listed := conntrackList(t, gw); fmt.Sprint(mine) != fmt.Sprint(listed) {
		t.Errorf("lazyns reads\n%v\nconntrack -L lists\n%v", mine, listed)
	}
	if ct.Count != len(ct.Entries) || ct.Max <= 0 {
		t.Errorf("count %d of %d for %d entries", ct.Count, ct.Max, len(ct.Entries))
	}
	// The outside saw the gateway's address, and tracks nothing: no rule
	// there needs connection tracking.
	if o := got[outside].Netfilter.Conntrack; len(o.Entries) != 0 || got[outside].Netfilter.Errs != nil {
		t.Errorf("outside's table %+v, errors %v", o.Entries, got[outside].Netfilter.Errs)
	}
}

// The settings lazyns reads are those sysctl prints inside the namespace,
// every one of them, including a link with a dot in its name.
func TestSysctlsMatchSysctl(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "sysctl")
	ns := nstest.Netns(t)
	nstest.IP(t, "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	nstest.IP(t, "-n", ns, "link", "add", "d.100", "type", "veth", "peer", "name", "d.101")
	inNs(t, ns, "sysctl", "-w", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=1",
		"net.ipv4.conf.v0.rp_filter=2", "net.ipv4.conf.v1.rp_filter=0", "net.ipv4.conf.v0.proxy_arp=1",
		"net.ipv4.conf.d/100.arp_ignore=2", "net.ipv6.conf.v1.accept_ra=2")
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	s := readNamed(t, sys, ns)[ns].Netfilter.Sysctls
	keys := s.Keys()
	if len(keys) < 7*7 {
		t.Fatalf("only %d settings: %v", len(keys), keys)
	}
	args := append([]string{"sysctl", "-n"}, keys...)
	values := strings.Split(strings.TrimSpace(inNs(t, ns, args...)), "\n")
	if len(values) != len(keys) {
		t.Fatalf("sysctl printed %d values for %d keys", len(values), len(keys))
	}
	for i, k := range keys {
		if s[k] != strings.TrimSpace(values[i]) {
			t.Errorf("%s: lazyns %q, sysctl %q", k, s[k], values[i])
		}
	}
	for _, c := range []struct {
		key, want string
	}{
		{"net.ipv4.ip_forward", "1"}, {"net.ipv4.conf.d/100.arp_ignore", "2"}, {"net.ipv6.conf.v1.accept_ra", "2"},
	} {
		if s[c.key] != c.want {
			t.Errorf("%s = %q, want %q", c.key, s[c.key], c.want)
		}
	}
	if v, _ := s.Effective("v0", "rp_filter"); v != 2 {
		t.Errorf("rp_filter in force on v0: %d", v)
	}
	if v, _ := s.Effective("v1", "rp_filter"); v != 1 {
		t.Errorf("rp_filter in force on v1 (own 0, all 1): %d", v)
	}
}

// Without the save tools, iptables-nft's tables still show (as nft lists
// them) and iptables-legacy's are said to be in use, each with a note
// naming the missing tool.
func TestFirewallWithoutSaveTools(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "iptables-nft")
	nstest.RequireTool(t, "iptables-legacy")
	ns := nstest.Netns(t)
	inNs(t, ns, "iptables-nft", "-A", "INPUT", "-p", "udp", "--dport", "9", "-j", "DROP")
	inNs(t, ns, "iptables-legacy", "-t", "nat", "-A", "POSTROUTING", "-o", "e0", "-j", "MASQUERADE")
	sys, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	// Found nowhere: the namespace is read with the tools out of reach.
	t.Setenv("PATH", t.TempDir())
	n := readNamed(t, sys, ns)[ns]
	fw := n.Netfilter.Firewall
	tb := fwTable(t, n, "ip", "filter", model.FwIptablesNft)
	if tb.TextFrom != "" || fwChain(t, tb, "INPUT").Rules[0].Text != "udp dport 9 counter packets 0 bytes 0 drop" {
		t.Errorf("iptables-nft table without its tool: %+v", tb)
	}
	for _, want := range []string{
		"ip filter: made by iptables-nft, shown as nft lists them (iptables-nft-save is not installed)",
		"iptables-legacy tables are in use (ip nat), but iptables-legacy-save is not installed",
	} {
		found := false
		for _, note := range fw.Notes {
			found = found || strings.HasPrefix(note, want)
		}
		if !found {
			t.Errorf("no note %q in %q", want, fw.Notes)
		}
	}
	for _, tb := range fw.Tables {
		if tb.Source == model.FwIptablesLegacy {
			t.Errorf("legacy table %s shown without its tool", tb.Name)
		}
	}
	// A trace must know what it could not read.
	if len(fw.Unread) != 1 || fw.Unread[0] != "ip nat (iptables-legacy)" {
		t.Errorf("unread %q", fw.Unread)
	}
}
