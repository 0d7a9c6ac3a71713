package model

import (
	"bytes"
	"strings"
	"testing"
)

func ipArray(t *testing.T, list IPList, family int, nss ...*Namespace) string {
	t.Helper()
	var b bytes.Buffer
	a := NewIPArray(&b, list, family, DefaultNames())
	for _, ns := range nss {
		if err := a.Add(ns); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestIPArrayForms(t *testing.T) {
	ns := fidelityNs()
	if got := ipArray(t, IPRule, 0); got != "[]\n" {
		t.Errorf("no namespace: %q, want ip's empty array", got)
	}
	// ip rule lists IPv4 unless told -6.
	rules := ipArray(t, IPRule, 0, ns, ns)
	if want := `[{"netns":"blue","priority":0,"src":"all","table":"local"},{"netns":"blue","priority":0,"src":"all","table":"local"}]` + "\n"; rules != want {
		t.Errorf("ip rule:\n got %s\nwant %s", rules, want)
	}
	if got := ipArray(t, IPRule, AF_INET6, ns); strings.Count(got, `"netns"`) != 2 {
		t.Errorf("ip -6 rule: %s", got)
	}
	// ip link: no addresses; ip addr: no linkmode; neither has lazyns's extras.
	link := ipArray(t, IPLink, 0, ns)
	addr := ipArray(t, IPAddr, 0, ns)
	for _, c := range []struct {
		what, out   string
		has, hasNot []string
	}{
		{"link", link, []string{`"linkmode"`}, []string{`"addr_info"`, `"linkinfo"`, `"peer"`}},
		{"addr", addr, []string{`"addr_info"`, `"link_type"`}, []string{`"linkmode"`, `"linkinfo"`, `"peer"`}},
	} {
		for _, s := range c.has {
			if !strings.Contains(c.out, s) {
				t.Errorf("ip %s lacks %s: %s", c.what, s, c.out)
			}
		}
		for _, s := range c.hasNot {
			if strings.Contains(c.out, s) {
				t.Errorf("ip %s has %s: %s", c.what, s, c.out)
			}
		}
	}
	// ip -6 addr: only links with an IPv6 address, in the IPv6 link
	// message's few keys.
	v6 := ipArray(t, IPAddr, AF_INET6, ns)
	want := `[{"netns":"blue","ifindex":2,"link":"d1","ifname":"d0","flags":["BROADCAST","M-DOWN"],"mtu":0,"operstate":"UNKNOWN",` +
		`"addr_info":[{"family":"inet6","local":"fd00::1","prefixlen":64,"scope":"global","dynamic":true}]}]` + "\n"
	if v6 != want {
		t.Errorf("ip -6 addr:\n got %s\nwant %s", v6, want)
	}
}
