package e2e

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// The NAT step of the tutorial built with keys on a real terminal: a
// client, a gateway and an outside namespace joined by two veths;
// forwarding on in the gateway (F), the client's subnet masqueraded out
// of the gateway's outside link (S), a default route in the client (r).
// The outside has no route back to the client's subnet, so only the
// masquerade brings the replies home. Ping across; the Connections tab
// shows the masqueraded entry; the history written as a script; all
// three namespaces deleted with keys; the script run with bash; ping
// across again.
func TestKeysBuildTheNATStep(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tool := range []string{"tmux", "ping", "nft"} {
		nstest.RequireTool(t, tool)
	}
	client, gw, outside := nstest.Name("c"), nstest.Name("g"), nstest.Name("o")
	toClient, toOutside := nstest.Name("v"), nstest.Name("v")
	t.Cleanup(func() {
		for _, ns := range []string{client, gw, outside} {
			_ = exec.Command("ip", "netns", "del", ns).Run()
		}
	})
	script := filepath.Join(t.TempDir(), "nat.sh")
	tm := newFormsTmux(t, 200, 60, buildBinary(t)+" --no-color")
	tm.waitFor("NAMESPACES")
	waitAllRead(tm.tmuxServer)

	tm.newNetns(client, gw, outside)
	// The gateway's two veths, each with an address at both ends.
	for _, v := range []struct{ name, addr, peerNs, peerAddr string }{
		{toClient, "10.0.1.1/24", client, "10.0.1.2/24"},
		{toOutside, "192.0.2.1/24", outside, "192.0.2.2/24"},
	} {
		tm.keys("v")
		tm.waitFor("New veth pair")
		tm.keys("C-u")
		tm.text(v.name)
		tm.keys("Tab")
		tm.choose("namespace", gw)
		tm.keys("Tab", "Tab")
		tm.text(v.addr)
		tm.keys("Tab", "C-u")
		tm.text("eth0")
		tm.keys("Tab")
		tm.choose("peer namespace", v.peerNs)
		tm.keys("Tab")
		tm.text(v.peerAddr)
		tm.keys("Enter")
		tm.waitDone("ip -n " + gw + " link add name " + v.name + " type veth peer name eth0 netns " + v.peerNs)
	}

	// Forwarding on in the gateway: whatever it started with (a new
	// namespace may inherit the host's), the form is told on.
	tm.filterTo(gw)
	tm.keys("F")
	tm.waitFor("Forwarding in " + gw)
	tm.choose("IPv4 forwarding", "on")
	tm.keys("Enter")
	tm.waitDone("ip netns exec " + gw + " sysctl -w net.ipv4.ip_forward=1")

	// The client's subnet masqueraded out of the link to the outside.
	tm.keys("S")
	tm.waitFor("Masquerade in " + gw)
	tm.keys("C-u")
	tm.text("10.0.1.0/24")
	tm.keys("Tab")
	tm.choose("out", toOutside)
	tm.keys("Enter")
	tm.waitDone("ip netns exec " + gw + " nft add table ip lazyns")

	// The client's default route through the gateway.
	tm.filterTo(client)
	tm.keys("r")
	tm.waitFor("Add a route in " + client)
	tm.text("default")
	tm.keys("Tab")
	tm.text("10.0.1.1")
	tm.keys("Enter")
	tm.waitDone("ip -n " + client + " route add default via 10.0.1.1")

	pingAcross(t, client, "192.0.2.2")

	// The gateway's Connections tab: the ping, its source translated to
	// the gateway's outside address.
	tm.filterTo(gw)
	tm.keys("9")
	tm.waitLine("icmp", "10.0.1.2 → 192.0.2.2", "snat 192.0.2.1")

	// The history, as a script: 3 namespaces, 2 veths, forwarding, the
	// masquerade and the route.
	tm.keys("H")
	tm.waitFor("HISTORY  8 changes")
	tm.keys("w")
	tm.waitFor("Write the history")
	tm.keys("C-u")
	tm.text(script)
	tm.keys("Enter")
	tm.waitFor("wrote 8 changes to " + script)
	tm.keys("Escape")
	tm.waitFor("NAMESPACES")
	waitAllRead(tm.tmuxServer)

	// Everything deleted with keys: each namespace takes its veths, its
	// forwarding and its firewall along.
	for _, ns := range []string{client, gw, outside} {
		tm.filterTo(ns)
		tm.keys("D")
		tm.waitFor("Delete namespace " + ns + "?")
		tm.keys("y")
		tm.waitDone("ip netns del " + ns)
	}
	tm.keys("Escape")

	// The script builds it all again, and the ping crosses the NAT.
	replay(t, script, client, gw, outside)
	pingAcross(t, client, "192.0.2.2")
	tm.keys("q")
}

// filterTo filters the list to namespace ns (its unique name) and
// leaves the filter kept, ns selected, the list focused.
func (s *formsTmux) filterTo(ns string) {
	s.t.Helper()
	s.keys("Escape")
	s.waitGone("filter: ")
	// esc and the next key in one read would be alt+key.
	time.Sleep(100 * time.Millisecond)
	s.keys("/")
	s.text(ns)
	s.keys("Enter")
	s.waitFor("filter: " + ns)
}
