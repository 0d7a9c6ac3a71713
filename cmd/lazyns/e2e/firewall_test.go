package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// Rules added by iptables (nf_tables backend), iptables-legacy and nft in
// a test namespace appear in the Firewall tab, each with its tool said;
// after a ping their packet counters move (marked ↑) to what the tools
// themselves count; a hostile comment and chain name stay inert.
func TestFirewallTabCounters(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tool := range []string{"tmux", "iptables", "iptables-legacy", "iptables-legacy-save", "nft", "ping"} {
		nstest.RequireTool(t, tool)
	}
	p := nstest.NewVethPair(t)
	table := nstest.Name("t")
	in := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("ip", append([]string{"netns", "exec", p.A}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%q in %s: %v\n%s", args, p.A, err, out)
		}
		return string(out)
	}
	in("iptables", "-N", "x$(id)")
	in("iptables", "-A", "OUTPUT", "-d", p.IPB+"/32", "-p", "icmp", "-j", "ACCEPT")
	in("iptables-legacy", "-A", "INPUT", "-s", p.IPB+"/32", "-j", "ACCEPT")
	in("nft", "add", "table", "inet", table)
	in("nft", "add chain inet "+table+" out { type filter hook output priority 10 ; policy accept ; }")
	in("nft", "add rule inet "+table+" out ip daddr "+p.IPB+" counter comment \"a\x1b[31mb $(id)\"")

	tm := newFormsTmux(t, 200, 50, buildBinary(t)+" --no-color --filter "+p.A)
	tm.waitFor("NAMESPACES  1/")
	tm.keys("8")
	tm.waitFor("table ip filter  (iptables-nft")
	tm.waitFor("table ip filter  (iptables-legacy, from iptables-legacy-save -c)")
	tm.waitFor("table inet " + table + "  (nftables)")
	screen := tm.waitFor("chain x$(id)")
	if c, bad := rawControl(screen); bad {
		t.Fatalf("raw control byte %#x on screen:\n%s", c, screen)
	}
	if !strings.Contains(screen, `comment "a\x1b[31mb $(id)"`) {
		t.Fatalf("the hostile comment is not shown escaped:\n%s", screen)
	}

	out, err := exec.Command("ip", "netns", "exec", p.A, "ping", "-c", "3", "-i", "0.2", "-W", "1", p.IPB).CombinedOutput()
	if err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	// Each rule the pings met moves to the tools' own count, marked for
	// the reading that saw it move.
	for _, rule := range []struct{ text, count string }{
		{"-d " + p.IPB + "/32 -p icmp -j ACCEPT", iptablesCount(t, p.A, "iptables", "OUTPUT")},
		{"-s " + p.IPB + "/32 -j ACCEPT", iptablesCount(t, p.A, "iptables-legacy", "INPUT")},
		{"ip daddr " + p.IPB + " counter", nftCount(t, p.A, table)},
	} {
		if rule.count != "3" {
			t.Fatalf("the tools count %s packets for %q, want 3", rule.count, rule.text)
		}
		tm.waitCounter(rule.text, rule.count+"↑")
	}
	tm.keys("q")
}

// iptablesCount is the packets tool (iptables or iptables-legacy) counts
// for the first rule of chain in namespace ns, as iptables -vnL -x says.
func iptablesCount(t *testing.T, ns, tool, chain string) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", ns, tool, "-vnL", chain, "-x").Output()
	if err != nil {
		t.Fatalf("%s -vnL %s: %v", tool, chain, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("%s -vnL %s has no rule:\n%s", tool, chain, out)
	}
	return strings.Fields(lines[2])[0]
}

// nftCount is the packets of the counter in table's chain out, as nft
// list ruleset says.
func nftCount(t *testing.T, ns, table string) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", ns, "nft", "list", "table", "inet", table).Output()
	if err != nil {
		t.Fatalf("nft list table: %v", err)
	}
	m := regexp.MustCompile(`counter packets (\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no counter in:\n%s", out)
	}
	return string(m[1])
}

// waitCounter waits for the Firewall tab's row holding rule to show
// packets in its first column.
func (s *formsTmux) waitCounter(rule, packets string) {
	s.t.Helper()
	row := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(packets) + `\s+\d+\S*\s+.*` + regexp.QuoteMeta(rule))
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := s.screen()
		for _, line := range strings.Split(screen, "\n") {
			if _, detail, ok := strings.Cut(line, "│"); ok && row.MatchString(detail) {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("never saw %s packets on the rule %q:\n%s", packets, rule, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
