package nsops

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// ruleset is what nft lists in ns ("" when nothing).
func ruleset(t *testing.T, ns string) string {
	t.Helper()
	return strings.TrimSpace(inNs(t, ns, "nft", "list", "ruleset"))
}

// masqGateway is a System to change through and a namespace with a link
// eth0 to masquerade out of.
func masqGateway(t *testing.T) (*System, string) {
	t.Helper()
	s := changeSystem(t)
	nstest.RequireTool(t, "nft")
	gw := nstest.Netns(t)
	nstest.IP(t, "-n", gw, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p")
	return s, gw
}

func cmdLines(cmds []model.Cmd) string {
	var lines []string
	for _, c := range cmds {
		lines = append(lines, c.String())
	}
	return strings.Join(lines, "\n")
}

// The masquerade change: made as the echoed nft commands say, seen by the
// Firewall view's reader as lazyns's own, refused when already there,
// removed by handle, and the table with its last rule.
func TestMasqueradeAddDelete(t *testing.T) {
	s, gw := masqGateway(t)
	spec := model.MasqueradeSpec{Ns: gw, Src: "10.0.1.0/24", Out: "eth0"}
	cmds, err := s.AddMasquerade(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cmdLines(cmds), cmdLines(spec.AddCmds()); got != want {
		t.Errorf("echoed:\n%s\nwant:\n%s", got, want)
	}
	want := "table ip lazyns {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n" +
		"\t\tip saddr 10.0.1.0/24 oifname \"eth0\" counter packets 0 bytes 0 masquerade\n\t}\n}"
	if got := ruleset(t, gw); got != want {
		t.Errorf("nft list ruleset:\n%s\nwant:\n%s", got, want)
	}
	_, err = s.AddMasquerade(spec)
	wantErr(t, err, "10.0.1.0/24 is already masqueraded out of eth0 in "+gw)

	// The Firewall view reads it back as lazyns's masquerade, and trace
	// can evaluate it.
	n := readNamed(t, s, gw)[gw]
	found := model.Masquerades(gw, n.Netfilter.Firewall)
	if len(found) != 1 || !found[0].Spec.Same(spec) || len(found[0].Rule.Unsure) != 0 {
		t.Fatalf("read back: %+v (tables %+v)", found, n.Netfilter.Firewall.Tables)
	}

	// A second one, IPv6: its own table.
	v6 := model.MasqueradeSpec{Ns: gw, Src: "fd00:1::/64", Out: "eth0"}
	if _, err := s.AddMasquerade(v6); err != nil {
		t.Fatal(err)
	}
	cmds, err = s.DeleteMasquerade(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := cmdLines(cmds); got != cmdLines(spec.DeleteCmds(found[0].Handle, true)) {
		t.Errorf("delete echoed %q", got)
	}
	if got := ruleset(t, gw); strings.Contains(got, "table ip lazyns") || !strings.Contains(got, "table ip6 lazyns") {
		t.Errorf("after delete:\n%s", got)
	}
	_, err = s.DeleteMasquerade(spec)
	wantErr(t, err, "no masquerade of 10.0.1.0/24 out of eth0 in "+gw)
	if _, err := s.DeleteMasquerade(v6); err != nil {
		t.Fatal(err)
	}
	if got := ruleset(t, gw); got != "" {
		t.Errorf("left:\n%s", got)
	}
}

// Two masquerades in one table: deleting one takes only its rule, by the
// handle the echo names, and the nft command echoed does the same.
func TestMasqueradeDeleteOneOfTwo(t *testing.T) {
	s, gw := masqGateway(t)
	one := model.MasqueradeSpec{Ns: gw, Src: "10.0.1.0/24", Out: "eth0"}
	two := model.MasqueradeSpec{Ns: gw, Src: "10.0.2.0/24", Out: "eth0"}
	for _, m := range []model.MasqueradeSpec{one, two} {
		if _, err := s.AddMasquerade(m); err != nil {
			t.Fatal(err)
		}
	}
	cmds, err := s.DeleteMasquerade(one)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 1 || !strings.HasPrefix(cmds[0].String(), "ip netns exec "+gw+" nft delete rule ip lazyns postrouting handle ") {
		t.Fatalf("echoed %q", cmdLines(cmds))
	}
	got := ruleset(t, gw)
	if strings.Contains(got, "10.0.1.0/24") || !strings.Contains(got, "10.0.2.0/24") {
		t.Errorf("after deleting one:\n%s", got)
	}
}

// Refused before the kernel: read-only, the host unless chosen, a link
// that is not there. A failure halfway leaves nothing: the link vanishing
// between the form's check and the change, or the kernel refusing the
// transaction.
func TestMasqueradeRefusedAndAllOrNothing(t *testing.T) {
	s, gw := masqGateway(t)
	spec := model.MasqueradeSpec{Ns: gw, Src: "10.0.1.0/24", Out: "eth0"}

	s.ReadOnly = true
	if _, err := s.AddMasquerade(spec); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only: %v", err)
	}
	s.ReadOnly = false
	if _, err := s.AddMasquerade(model.MasqueradeSpec{Src: "10.0.1.0/24", Out: "eth0"}); err == nil || !strings.Contains(err.Error(), "choose the host explicitly") {
		t.Errorf("the host, not chosen: %v", err)
	}
	_, err := s.AddMasquerade(model.MasqueradeSpec{Ns: gw, Src: "10.0.1.0/24", Out: "eth9"})
	wantErr(t, err, "no link eth9 in "+gw)

	failAt(t, "masquerade: link", func() error {
		nstest.IP(t, "-n", gw, "link", "del", "eth0")
		return nil
	})
	_, err = s.AddMasquerade(spec)
	wantErr(t, err, "no link eth0 in "+gw)
	if got := ruleset(t, gw); got != "" {
		t.Errorf("left after the link vanished:\n%s", got)
	}
	nstest.IP(t, "-n", gw, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p")
	failAt(t, "masquerade: rule", nil)
	_, err = s.AddMasquerade(spec)
	wantErr(t, err, "injected failure at masquerade: rule")
	if got := ruleset(t, gw); got != "" {
		t.Errorf("left after a failure:\n%s", got)
	}
	stepHook = nil
	// A chain of another kind in lazyns's table: the kernel refuses the
	// whole transaction, and the rule is not half made.
	inNs(t, gw, "nft", "add table ip lazyns; add chain ip lazyns postrouting { type filter hook input priority 0; }")
	before := ruleset(t, gw)
	if _, err := s.AddMasquerade(spec); err == nil {
		t.Fatal("added into a chain of another hook")
	}
	if got := ruleset(t, gw); got != before {
		t.Errorf("changed by a refused transaction:\n%s\nwas:\n%s", got, before)
	}
}

// IPv6 forwarding is the namespace's own, as sysctl reads it inside.
func TestSetForwardingIPv6(t *testing.T) {
	s := changeSystem(t)
	ns := nstest.Netns(t)
	for _, on := range []bool{true, false} {
		spec := model.ForwardingSpec{Ns: ns, On: on, IPv6: true}
		cmds, err := s.SetForwarding(spec)
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{true: "1", false: "0"}[on]
		if got := strings.TrimSpace(inNs(t, ns, "cat", "/proc/sys/net/ipv6/conf/all/forwarding")); got != want {
			t.Errorf("forwarding %s, want %s", got, want)
		}
		if cmdLines(cmds) != "ip netns exec "+ns+" sysctl -w net.ipv6.conf.all.forwarding="+want {
			t.Errorf("echoed %q", cmdLines(cmds))
		}
	}
}

// The tutorial's NAT step built with the change keys' specs — forwarding,
// masquerade, default routes, and a policy rule (added, deleted, added
// again) — then everything deleted, and the history script replayed with
// bash: the same kernel state and firewall, and the ping works again.
func TestNatHistoryReplay(t *testing.T) {
	s := changeSystem(t)
	nstest.RequireTool(t, "nft")
	nstest.RequireTool(t, "ping")
	nstest.RequireTool(t, "bash")
	nstest.RequireTool(t, "sysctl")
	inside, gw, outside := nstest.Name("in"), nstest.Name("gw"), nstest.Name("out")
	nss := []string{inside, gw, outside}
	for _, ns := range nss {
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	}
	var h model.History
	do := recorder(t, &h)
	for _, ns := range nss {
		do(s.AddNetns(model.NetnsSpec{Name: ns}))
	}
	do(s.AddVeth(model.VethSpec{Ns: gw, Name: "veth0", PeerNs: inside, PeerName: "eth0"}))
	do(s.AddVeth(model.VethSpec{Ns: gw, Name: "eth0", PeerNs: outside, PeerName: "eth0"}))
	for _, a := range []model.AddrSpec{
		{Ns: gw, Dev: "veth0", CIDR: "10.0.1.1/24"}, {Ns: inside, Dev: "eth0", CIDR: "10.0.1.2/24"},
		{Ns: gw, Dev: "eth0", CIDR: "192.0.2.2/24"}, {Ns: outside, Dev: "eth0", CIDR: "192.0.2.1/24"},
	} {
		do(s.AddAddr(a))
	}
	for _, l := range []model.LinkStateSpec{{Ns: gw, Name: "veth0", Up: true}, {Ns: gw, Name: "eth0", Up: true}, {Ns: inside, Name: "eth0", Up: true}, {Ns: outside, Name: "eth0", Up: true}} {
		do(s.SetLinkState(l))
	}
	do(s.AddRoute(model.RouteSpec{Ns: inside, Dst: "default", Gateway: "10.0.1.1"}))
	// The gateway's way out is in table 100, which a rule picks for the
	// inside's subnet, as in a policy-routed router.
	do(s.AddRoute(model.RouteSpec{Ns: gw, Dst: "default", Gateway: "192.0.2.1", Table: 100}))
	rule := model.RuleSpec{Ns: gw, From: "10.0.1.0/24", Table: 100, Pref: 1000}
	do(s.AddRule(rule))
	do(s.DeleteRule(rule))
	do(s.AddRule(rule))
	do(s.SetForwarding(model.ForwardingSpec{Ns: gw, On: true}))
	do(s.SetForwarding(model.ForwardingSpec{Ns: gw, On: true, IPv6: true}))
	do(s.AddMasquerade(model.MasqueradeSpec{Ns: gw, Src: "10.0.1.0/24", Out: "eth0"}))

	ping := func() {
		t.Helper()
		if out, err := exec.Command("ip", "netns", "exec", inside, "ping", "-c1", "-W2", "192.0.2.1").CombinedOutput(); err != nil {
			t.Fatalf("ping through the gateway: %v\n%s", err, out)
		}
	}
	ping()
	state := func() string {
		st := kernelState(t, nss)
		if nsExists(gw) {
			st += "gw ruleset\n" + ruleset(t, gw) + "\ngw forwarding " + strings.TrimSpace(inNs(t, gw, "sysctl", "-n", "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"))
		}
		return st
	}
	built := stable(t, state)
	// The masquerade's counter moved with the ping; a fresh one has 0.
	built = zeroCounters(built)
	entries := len(h.Entries())
	for _, ns := range nss {
		do(s.DeleteNetns(model.NetnsSpec{Name: ns}))
	}
	settle(t, "netns "+inside+"\n  absent\nnetns "+gw+"\n  absent\nnetns "+outside+"\n  absent\nhost\n", state)

	var replay model.History
	for _, e := range h.Entries()[:entries] {
		replay.Record(e.Cmds...)
	}
	script := filepath.Join(t.TempDir(), "lazyns-history.sh")
	if err := os.WriteFile(script, []byte(replay.Script()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", script).CombinedOutput(); err != nil {
		t.Fatalf("the history script failed: %v\n%s\n%s", err, out, replay.Script())
	}
	settle(t, built, state)
	ping()
	for _, want := range []string{"sysctl -w net.ipv4.ip_forward=1", "nft add rule ip lazyns postrouting", "rule del from 10.0.1.0/24 table 100 pref 1000"} {
		if !strings.Contains(replay.Script(), want) {
			t.Errorf("the script lacks %q:\n%s", want, replay.Script())
		}
	}
}

func nsExists(name string) bool {
	_, err := os.Stat(filepath.Join(DefaultNetnsDir, name))
	return err == nil
}

// zeroCounters writes nft's counters as a fresh rule has them.
func zeroCounters(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "counter packets "); i >= 0 {
			rest := line[i:]
			j := strings.Index(rest, " masquerade")
			if j >= 0 {
				line = line[:i] + "counter packets 0 bytes 0" + rest[j:]
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// The nat lab: after a ping from the inside, the gateway's connection
// tracking table holds the masqueraded entry — as lazyns reads it, and as
// conntrack -L lists it.
func TestNatLabConntrack(t *testing.T) {
	s := changeSystem(t)
	nstest.RequireTool(t, "nft")
	nstest.RequireTool(t, "ping")
	dir := t.TempDir()
	prefix := labPrefix()
	plan := labPlanFor(t, "nat", model.LabOptions{Prefix: prefix})
	if _, err := s.LabUp(context.Background(), plan, prefix, dir, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.LabDown("nat", dir) })
	inside, gw := prefix+"-nat-inside", prefix+"-nat-gw"
	if out, err := exec.Command("ip", "netns", "exec", inside, "ping", "-c1", "-W2", "198.51.100.1").CombinedOutput(); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	n := readNamed(t, s, gw)[gw]
	var entry *model.ConnEntry
	for i := range n.Netfilter.Conntrack.Entries {
		e := &n.Netfilter.Conntrack.Entries[i]
		if e.Orig.Dst.String() == "198.51.100.1" {
			entry = e
		}
	}
	if entry == nil {
		t.Fatalf("no entry for the ping in %+v (errs %q)", n.Netfilter.Conntrack, n.Netfilter.Errs)
	}
	if entry.Orig.Src.String() != "10.0.1.2" || entry.Reply.Dst.String() != "192.0.2.2" || !entry.SNAT() {
		t.Errorf("entry %+v: want 10.0.1.2 → 198.51.100.1 answered to 192.0.2.2, snat", entry)
	}
	if _, err := exec.LookPath("conntrack"); err == nil {
		out := inNs(t, gw, "conntrack", "-L", "-p", "icmp")
		if !strings.Contains(out, "src=10.0.1.2 dst=198.51.100.1") || !strings.Contains(out, "src=198.51.100.1 dst=192.0.2.2") {
			t.Errorf("conntrack -L:\n%s", out)
		}
	}
	// And the trace from the inside says the same, through lazyns's rule.
	sys := s
	snap, err := sys.Snapshot(context.Background(), ReadOptions{Full: func(ns *model.Namespace) bool { return strings.HasPrefix(ns.Name, prefix+"-nat-") }})
	if err != nil {
		t.Fatal(err)
	}
	tracer := sys.NewTracer(snap)
	defer tracer.Close()
	var from model.NsKey
	for _, ns := range snap.Namespaces {
		if ns.Name == inside {
			from = ns.Key
		}
	}
	tr, err := tracer.Trace(from, []byte{198, 51, 100, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Answered() != trace.Delivered || len(tr.Hops) != 3 || tr.Hops[2].Src.String() != "192.0.2.2" || len(tr.Hops[1].NAT) != 1 {
		t.Errorf("trace:\n%s", drawnTrace(tr))
	}
}
