package nstest

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// IPPair is two namespaces holding what lazyns's ip -j output must get
// right, and has got wrong before: both ends of a down veth pair (M-DOWN),
// queue lengths of 0 (left out, as for docker's veths and bridges) and not,
// a veth moved to the other namespace, IPv4 and IPv6 addresses, routes in
// table 42 and main, rules of both families and of every kind ip prints
// differently, and permanent neighbours.
type IPPair struct{ A, B string }

// BuildIPPair makes the pair; everything goes when the test ends.
func BuildIPPair(t testing.TB) IPPair {
	t.Helper()
	RequireRoot(t)
	p := IPPair{A: Netns(t), B: Netns(t)}
	a := func(args ...string) { IP(t, append([]string{"-n", p.A}, args...)...) }
	b := func(args ...string) { IP(t, append([]string{"-n", p.B}, args...)...) }

	a("link", "set", "lo", "up")
	// Both ends in A and down: ip marks each M-DOWN, its parent being down.
	a("link", "add", "d0", "type", "veth", "peer", "name", "d1")
	a("link", "set", "d0", "txqueuelen", "0")
	a("link", "set", "d1", "txqueuelen", "500")
	a("link", "add", "br0", "type", "bridge") // no queue, like docker0
	a("link", "set", "br0", "up")

	// A veth made in A whose other end is then moved to B.
	a("link", "add", "m0", "type", "veth", "peer", "name", "m1")
	a("link", "set", "m1", "netns", p.B)
	a("link", "set", "m0", "alias", "uplink")
	a("link", "property", "add", "dev", "m0", "altname", Name("alt"))
	a("addr", "add", "10.42.1.1/24", "dev", "m0")
	a("addr", "add", "fd42:1::1/64", "dev", "m0", "nodad")
	a("addr", "add", "10.42.9.1/32", "peer", "10.42.9.2", "dev", "m0", "metric", "7")
	a("link", "set", "m0", "up")
	b("addr", "add", "10.42.1.2/24", "dev", "m1")
	b("addr", "add", "fd42:1::2/64", "dev", "m1", "nodad")
	b("link", "set", "m1", "up")

	a("route", "add", "default", "via", "10.42.1.2")
	a("-6", "route", "add", "default", "via", "fd42:1::2", "dev", "m0")
	a("route", "add", "10.99.0.0/16", "via", "10.42.1.2", "table", "42")
	a("route", "add", "10.96.0.0/16", "via", "10.42.1.2", "mtu", "1400", "table", "42")
	a("route", "add", "blackhole", "10.98.0.0/16", "table", "42")
	a("route", "add", "10.97.0.0/16", "table", "42", "nexthop", "via", "10.42.1.2", "weight", "1",
		"nexthop", "via", "10.42.1.3", "weight", "2")
	a("-6", "route", "add", "fd99::/64", "via", "fd42:1::2", "dev", "m0", "table", "42")
	b("route", "add", "default", "via", "10.42.1.1")

	a("rule", "add", "from", "10.42.0.0/16", "table", "42", "pref", "100")
	a("-6", "rule", "add", "from", "fd42::/32", "table", "42", "pref", "100")
	a("rule", "add", "uidrange", "1000-2000", "table", "42", "pref", "200")
	a("rule", "add", "ipproto", "tcp", "dport", "80", "table", "42", "pref", "300")
	a("rule", "add", "sport", "1000-2000", "table", "42", "pref", "310")
	a("rule", "add", "pref", "400", "nop")
	a("rule", "add", "iif", Name("gone"), "table", "42", "pref", "500") // a device that is not there
	a("rule", "add", "pref", "600", "goto", "32766")
	a("rule", "add", "fwmark", "0x10/0xff", "table", "42", "pref", "700")
	a("-6", "rule", "add", "to", "fd99::/64", "table", "42", "pref", "800")

	a("neigh", "add", "10.42.1.9", "lladdr", "02:00:00:00:42:09", "dev", "m0")
	a("-6", "neigh", "add", "fd42:1::9", "lladdr", "02:00:00:00:42:09", "dev", "m0")
	b("neigh", "add", "10.42.1.8", "lladdr", "02:00:00:00:42:08", "dev", "m1", "nud", "permanent")

	p.Settle(t)
	return p
}

// Settle waits until no address in either namespace is tentative (IPv6
// duplicate address detection runs for a second or so after a link comes
// up), so two readers see the same state.
func (p IPPair) Settle(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, ns := range []string{p.A, p.B} {
		for time.Now().Before(deadline) {
			out, _ := exec.Command("ip", "-n", ns, "addr").Output()
			if !strings.Contains(string(out), "tentative") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// IPListing is one `ip -j` listing: the arguments of `lazyns ip` that
// print it, and those of ip.
type IPListing struct{ Lazyns, IP []string }

// IPListings are the listings lazyns ip repeats, with and without a family.
var IPListings = []IPListing{
	{[]string{"addr"}, []string{"addr"}},
	{[]string{"-4", "addr"}, []string{"-4", "addr"}},
	{[]string{"-6", "addr"}, []string{"-6", "addr"}},
	{[]string{"link"}, []string{"link"}},
	{[]string{"route"}, []string{"route", "show", "table", "all"}},
	{[]string{"-6", "route"}, []string{"-6", "route", "show", "table", "all"}},
	{[]string{"rule"}, []string{"rule"}},
	{[]string{"-6", "rule"}, []string{"-6", "rule"}},
	{[]string{"neigh"}, []string{"neigh"}},
	{[]string{"-4", "neigh"}, []string{"-4", "neigh"}},
	{[]string{"-s", "addr"}, []string{"-s", "addr"}},
	{[]string{"-s", "-4", "addr"}, []string{"-s", "-4", "addr"}},
	{[]string{"-s", "link"}, []string{"-s", "link"}},
}

// IPJSONOf is what `ip -n ns -j ARGS...` prints on stdout.
func IPJSONOf(t testing.TB, ns string, args ...string) string {
	t.Helper()
	args = append([]string{"-n", ns, "-j"}, args...)
	out, err := exec.Command("ip", args...).Output()
	if err != nil {
		t.Fatalf("ip %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}
