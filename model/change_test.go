package model

import (
	"errors"
	"strings"
	"testing"
)

// What the tests of every kind of change share: each spec's commands as
// text, its validation by the field that fails, and snapshots to check
// against.

type cmdCase struct {
	cmds []Cmd
	want string
}

func checkCmds(t *testing.T, cases []cmdCase) {
	t.Helper()
	for _, c := range cases {
		if got := cmdStrings(c.cmds); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
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

type validateCase struct {
	spec  interface{ Validate() error }
	field string // "" = valid
}

func checkValidate(t *testing.T, cases []validateCase) {
	t.Helper()
	for _, c := range cases {
		err := c.spec.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%#v: %v", c.spec, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%#v: got %v, want an error in %q", c.spec, err, c.field)
		}
	}
}

// formSnapshot is what a form's values are checked against: a host with a
// bridge, a namespace, and a stale name.
func formSnapshot() *Snapshot {
	return &Snapshot{Namespaces: []Namespace{
		{Host: true, Links: []Link{{Name: "eth0"}, {Name: "br0", Kind: "bridge"}}},
		{Name: "blue", Links: []Link{{Name: "lo"}}},
		{Name: "old", Stale: true},
	}}
}

// effectsNamespaces are a host and blue, which holds a veth to the host
// with an address, and a bridge with a port: what deletes take with them.
func effectsNamespaces() (host, blue Namespace) {
	host = Namespace{Key: NsKey{1, 1}, Host: true}
	blue = Namespace{Key: NsKey{1, 2}, Name: "blue", Links: []Link{
		{Index: 1, Name: "lo", Flags: IFF_LOOPBACK},
		{Index: 2, Name: "eth0", Kind: "veth", Peer: &PeerRef{Ns: host.Key, Index: 7, Name: "veth0", NsName: "host"},
			Addrs: []Addr{{Family: 2, Local: []byte{10, 0, 1, 1}, PrefixLen: 24}}},
		{Index: 3, Name: "br0", Kind: "bridge"},
		{Index: 4, Name: "p1", MasterIndex: 3},
	}}
	return host, blue
}

func TestCmdQuotesHostileArgs(t *testing.T) {
	checkCmds(t, []cmdCase{
		{[]Cmd{{Argv: []string{"ip", "link", "set", "dev", "e\x1b[2J", "up"}}}, `ip link set dev $'e\x1b[2J' up`},
	})
}

func TestPathNamespaces(t *testing.T) {
	const p = "/proc/1234/ns/net"
	checkCmds(t, []cmdCase{
		{LinkStateSpec{Ns: p, Name: "eth0", Up: true}.Cmds(), "nsenter --net=/proc/1234/ns/net ip link set dev eth0 up"},
		{VethSpec{Name: "v0", PeerNs: p, PeerName: "eth1"}.Cmds(), "ip link add name v0 type veth peer name eth1 netns /proc/1234/ns/net"},
		{MoveSpec{Name: "v0", ToNs: p}.Cmds(), "ip link set dev v0 netns /proc/1234/ns/net"},
		{ForwardingSpec{Ns: p, On: true}.Cmds(), "nsenter --net=/proc/1234/ns/net sysctl -w net.ipv4.ip_forward=1"},
		{ForwardingSpec{Ns: "/run/docker/netns/a b", On: true}.Cmds(), "nsenter '--net=/run/docker/netns/a b' sysctl -w net.ipv4.ip_forward=1"},
	})
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

// A change's name and the namespace it stands for are one identity, read
// either way: NamedNs undoes ChangeNs, and opens what a read would.
func TestNamedNsUndoesChangeNs(t *testing.T) {
	for _, name := range []string{"", "blue", "/proc/1234/ns/net", "/run/docker/netns/abc"} {
		ns := NamedNs(name, "/run/netns")
		if got := ChangeNs(ns); got != name {
			t.Errorf("ChangeNs(NamedNs(%q)) = %q", name, got)
		}
		if ns.Key != (NsKey{}) {
			t.Errorf("NamedNs(%q) claims to know its key: %v", name, ns.Key)
		}
	}
	if ns := NamedNs("blue", "/tmp/x"); ns.Path != "/tmp/x/blue" || !ns.Named() {
		t.Errorf("NamedNs(blue) = %+v, want the file under the netns directory", ns)
	}
	if ns := NamedNs("", "/run/netns"); !ns.Host || ns.Named() {
		t.Errorf(`NamedNs("") = %+v, want the host`, ns)
	}
}

func TestNsByName(t *testing.T) {
	snap := formSnapshot()
	if NsByName(snap, "") == nil || NsByName(snap, "blue") == nil || NsByName(snap, "old") != nil {
		t.Fatal("NsByName")
	}
}
