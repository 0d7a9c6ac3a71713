package nstest

import (
	"fmt"
	"testing"
)

// VethPair is two namespaces joined by a veth pair, each end up with an
// IPv4 address, for tests that send traffic: only what the test sends
// crosses it.
type VethPair struct {
	A, B     string // the namespaces
	IfA, IfB string // the ends
	IPA, IPB string // their addresses, without the prefix length
}

// NewVethPair makes the pair; everything goes when the test ends. IPv6 is
// off in both namespaces, so that no router solicitation, duplicate
// address detection or multicast report adds packets or counts of its
// own; lo is up. The addresses live only inside the two namespaces, so
// every pair can use the same ones.
func NewVethPair(t testing.TB) VethPair {
	t.Helper()
	RequireRoot(t)
	p := VethPair{A: Netns(t), B: Netns(t), IfA: Name("va"), IfB: Name("vb"), IPA: "10.213.0.1", IPB: "10.213.0.2"}
	for _, ns := range []string{p.A, p.B} {
		Sh(t, fmt.Sprintf("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1", ns))
		IP(t, "-n", ns, "link", "set", "lo", "up")
	}
	IP(t, "-n", p.A, "link", "add", p.IfA, "type", "veth", "peer", "name", p.IfB, "netns", p.B)
	IP(t, "-n", p.A, "addr", "add", p.IPA+"/24", "dev", p.IfA)
	IP(t, "-n", p.B, "addr", "add", p.IPB+"/24", "dev", p.IfB)
	IP(t, "-n", p.A, "link", "set", p.IfA, "up")
	IP(t, "-n", p.B, "link", "set", p.IfB, "up")
	return p
}
