package model

import (
	"strings"
	"testing"
)

func TestCmdStrings(t *testing.T) {
	cases := []struct {
		cmds []Cmd
		want string
	}{
		{NetnsSpec{"x"}.AddCmds(), "ip netns add x"},
		{NetnsSpec{"x$(id)`id`"}.DeleteCmds(), "ip netns del 'x$(id)`id`'"},
		{VethSpec{Name: "veth0", PeerName: "veth1"}.Cmds(), "ip link add name veth0 type veth peer name veth1"},
		{VethSpec{Ns: "blue", Name: "veth0", PeerNs: "red", PeerName: "veth1"}.Cmds(), "ip -n blue link add name veth0 type veth peer name veth1 netns red"},
		{VethSpec{Name: "veth0", PeerNs: "blue", PeerName: "veth1"}.Cmds(), "ip link add name veth0 type veth peer name veth1 netns blue"},
		// Only the peer in the host: the ends swap, the pair is the same.
		{VethSpec{Ns: "blue", Name: "veth1", PeerName: "veth0"}.Cmds(), "ip link add name veth0 type veth peer name veth1 netns blue"},
		{VethSpec{Ns: "blue", Name: "a", PeerNs: "blue", PeerName: "b"}.Cmds(), "ip -n blue link add name a type veth peer name b"},
		{BridgeSpec{Ns: "blue", Name: "br0"}.Cmds(), "ip -n blue link add name br0 type bridge"},
		{LinkStateSpec{Ns: "blue", Name: "veth1", Up: true}.Cmds(), "ip -n blue link set dev veth1 up"},
		{LinkStateSpec{Name: "up", Up: false}.Cmds(), "ip link set dev up down"},
		{MasterSpec{Link: "veth0", Bridge: "br0"}.Cmds(), "ip link set dev veth0 master br0"},
		{LinkRef{Ns: "blue", Name: "veth0"}.NoMasterCmds(), "ip -n blue link set dev veth0 nomaster"},
		{LinkRef{Name: "veth0"}.DeleteCmds(), "ip link del dev veth0"},
		{AddrSpec{Ns: "blue", Dev: "veth1", CIDR: "10.0.1.1/24"}.AddCmds(), "ip -n blue addr add 10.0.1.1/24 dev veth1"},
		{AddrSpec{Dev: "veth1", CIDR: "fd00::1/64"}.DeleteCmds(), "ip addr del fd00::1/64 dev veth1"},
		{RouteSpec{Ns: "blue", Dst: "default", Gateway: "10.0.1.254"}.AddCmds(), "ip -n blue route add default via 10.0.1.254"},
		{RouteSpec{Dst: "10.9.0.0/16", Dev: "veth0", Table: 16, Metric: 5}.DeleteCmds(), "ip route del 10.9.0.0/16 dev veth0 table 16 metric 5"},
		{MoveSpec{Name: "veth1", ToNs: "blue"}.Cmds(), "ip link set dev veth1 netns blue"},
		{MoveSpec{Ns: "blue", Name: "veth1"}.Cmds(), "ip -n blue link set dev veth1 netns 1"},
		{RenameSpec{Ns: "blue", Name: "veth1", NewName: "eth0"}.Cmds(), "ip -n blue link set dev veth1 name eth0"},
		{ForwardingSpec{Ns: "r", On: true}.Cmds(), "ip netns exec r sysctl -w net.ipv4.ip_forward=1"},
		{ForwardingSpec{}.Cmds(), "sysctl -w net.ipv4.ip_forward=0"},
		{[]Cmd{{Argv: []string{"ip", "link", "set", "dev", "e\x1b[2J", "up"}}}, `ip link set dev $'e\x1b[2J' up`},
	}
	for _, c := range cases {
		var got []string
		for _, cmd := range c.cmds {
			got = append(got, cmd.String())
		}
		if g := strings.Join(got, "; "); g != c.want {
			t.Errorf("got  %s\nwant %s", g, c.want)
		}
	}
}

func TestVethIntoCmds(t *testing.T) {
	s := VethIntoSpec{Name: "veth0", Bridge: "br0", Addr: "10.0.1.254/24", PeerNs: "blue", PeerName: "eth0", PeerAddr: "10.0.1.1/24"}
	var got []string
	for _, c := range s.Cmds() {
		got = append(got, c.String())
	}
	want := []string{
		"ip link add name veth0 type veth peer name eth0 netns blue",
		"ip link set dev veth0 master br0",
		"ip addr add 10.0.1.254/24 dev veth0",
		"ip -n blue addr add 10.0.1.1/24 dev eth0",
		"ip link set dev veth0 up",
		"ip -n blue link set dev eth0 up",
		"ip -n blue link set dev lo up",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// lo comes up in each end's namespace, once, and never in the host's.
func TestVethIntoLoUp(t *testing.T) {
	for _, c := range []struct {
		ns, peer string
		want     []string
	}{
		{"red", "blue", []string{"ip -n red link set dev lo up", "ip -n blue link set dev lo up"}},
		{"", "blue", []string{"ip -n blue link set dev lo up"}},
		{"red", "", []string{"ip -n red link set dev lo up"}},
		{"red", "red", []string{"ip -n red link set dev lo up"}},
		{"", "", nil},
	} {
		var got []string
		for _, cmd := range (VethIntoSpec{Ns: c.ns, Name: "v0", PeerNs: c.peer, PeerName: "v1"}).Cmds() {
			if strings.Contains(cmd.String(), " lo ") {
				got = append(got, cmd.String())
			}
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("veth from %q to %q: lo commands %q, want %q", c.ns, c.peer, got, c.want)
		}
	}
}

func TestHistoryScript(t *testing.T) {
	var h History
	h.Record(NetnsSpec{"a b"}.AddCmds()...)
	h.Record() // nothing done, nothing recorded
	h.Record(LinkStateSpec{Ns: "a b", Name: "lo", Up: true}.Cmds()...)
	if h.Len() != 2 {
		t.Fatalf("Len = %d, want 2", h.Len())
	}
	s := h.Script()
	for _, want := range []string{"#!/bin/bash\n", "\nset -e\n", "\nip netns add 'a b'\n", "\nip -n 'a b' link set dev lo up\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "netns add") > strings.Index(s, "link set") {
		t.Errorf("commands out of order:\n%s", s)
	}
}

func TestEffects(t *testing.T) {
	host := Namespace{Key: NsKey{1, 1}, Host: true}
	blue := Namespace{Key: NsKey{1, 2}, Name: "blue", Links: []Link{
		{Index: 1, Name: "lo", Flags: IFF_LOOPBACK},
		{Index: 2, Name: "eth0", Kind: "veth", Peer: &PeerRef{Ns: host.Key, Index: 7, Name: "veth0", NsName: "host"},
			Addrs: []Addr{{Family: 2, Local: []byte{10, 0, 1, 1}, PrefixLen: 24}}},
		{Index: 3, Name: "br0", Kind: "bridge"},
		{Index: 4, Name: "p1", MasterIndex: 3},
	}}
	got := strings.Join(DeleteNetnsEffects(&blue), "\n")
	if !strings.Contains(got, "peer veth0 in host vanishes too") || !strings.Contains(got, "1 addresses") {
		t.Errorf("delete blue: %s", got)
	}
	blue.Procs = []Proc{{Pid: 12, Comm: "dnsmasq"}, {Pid: 13}}
	if got := strings.Join(DeleteNetnsEffects(&blue), "\n"); !strings.Contains(got, "2 processes (12 dnsmasq, 13)") {
		t.Errorf("with processes: %s", got)
	}
	if got := strings.Join(DeleteLinkEffects(&blue, &blue.Links[1]), "\n"); !strings.Contains(got, "peer veth0 in host") || !strings.Contains(got, "10.0.1.1/24") {
		t.Errorf("delete eth0: %s", got)
	}
	if got := strings.Join(DeleteLinkEffects(&blue, &blue.Links[2]), "\n"); !strings.Contains(got, "1 ports are detached: p1") {
		t.Errorf("delete br0: %s", got)
	}
	snap := &Snapshot{Namespaces: []Namespace{host, blue}}
	snap.Namespaces[0].Links = []Link{{Name: "veth0"}, {Name: "veth2"}}
	if got := FreeLinkName(snap, "veth"); got != "veth1" {
		t.Errorf("FreeLinkName = %s, want veth1", got)
	}
	if got := FreeLinkName(snap, "veth", "veth1"); got != "veth3" {
		t.Errorf("FreeLinkName with veth1 taken = %s, want veth3", got)
	}
	if got := FreeNetnsName(snap, "blue"); got != "blue0" {
		t.Errorf("FreeNetnsName = %s", got)
	}
}

func TestRuleSpec(t *testing.T) {
	if got := (RuleSpec{From: "10.0.1.0/24", Table: 16}).AddCmds()[0].String(); got != "ip rule add from 10.0.1.0/24 table 16" {
		t.Errorf("cmd %q", got)
	}
	for _, bad := range []RuleSpec{{From: "default", Table: 16}, {From: "10.0.1.1/24", Table: 16}, {From: "10.0.1.0/24"}} {
		if bad.Validate() == nil {
			t.Errorf("%#v accepted", bad)
		}
	}
}

func TestPathNamespaces(t *testing.T) {
	const p = "/proc/1234/ns/net"
	cases := []struct {
		cmds []Cmd
		want string
	}{
		{LinkStateSpec{Ns: p, Name: "eth0", Up: true}.Cmds(), "nsenter --net=/proc/1234/ns/net ip link set dev eth0 up"},
		{VethSpec{Name: "v0", PeerNs: p, PeerName: "eth1"}.Cmds(), "ip link add name v0 type veth peer name eth1 netns /proc/1234/ns/net"},
		{MoveSpec{Name: "v0", ToNs: p}.Cmds(), "ip link set dev v0 netns /proc/1234/ns/net"},
		{ForwardingSpec{Ns: p, On: true}.Cmds(), "nsenter --net=/proc/1234/ns/net sysctl -w net.ipv4.ip_forward=1"},
		{ForwardingSpec{Ns: "/run/docker/netns/a b", On: true}.Cmds(), "nsenter '--net=/run/docker/netns/a b' sysctl -w net.ipv4.ip_forward=1"},
	}
	for _, c := range cases {
		if got := cmdStrings(c.cmds); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
	if err := (LinkStateSpec{Ns: p, Name: "eth0"}).Validate(); err != nil {
		t.Error(err)
	}
	if err := (LinkStateSpec{Ns: "rel/path", Name: "eth0"}).Validate(); err == nil {
		t.Error("a relative path accepted")
	}
	if err := (NetnsSpec{p}).Validate(); err == nil {
		t.Error("a path accepted as a new namespace's name")
	}
	for n, want := range map[*Namespace]string{
		{Host: true, Path: "/proc/self/ns/net"}: "",
		{Name: "blue", Path: "/run/netns/blue"}: "blue",
		{Path: p}:                               p,
	} {
		if got := ChangeNs(n); got != want {
			t.Errorf("ChangeNs(%+v) = %q, want %q", n, got, want)
		}
	}
}

func cmdStrings(cmds []Cmd) string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.String())
	}
	return strings.Join(out, "; ")
}

func TestRouteSpecOf(t *testing.T) {
	r := Route{Family: AF_INET6, Type: RTN_UNICAST, Table: TableMain, Dev: "eth0", Metric: 1024, HasMetric: true}
	spec, err := RouteSpecOf("blue", &r)
	if err != nil {
		t.Fatal(err)
	}
	if got := cmdStrings(spec.DeleteCmds()); got != "ip -n blue route del ::/0 dev eth0 metric 1024" {
		t.Errorf("got %s", got)
	}
	r = Route{Family: 2, Type: RTN_UNICAST, Table: 16, Dst: []byte{10, 9, 0, 0}, DstLen: 16, Gateway: []byte{10, 0, 0, 1}}
	spec, _ = RouteSpecOf("", &r)
	if got := cmdStrings(spec.DeleteCmds()); got != "ip route del 10.9.0.0/16 via 10.0.0.1 table 16" {
		t.Errorf("got %s", got)
	}
	if _, err := RouteSpecOf("", &Route{Type: RTN_BLACKHOLE}); err == nil {
		t.Error("a blackhole route made a spec")
	}
}
