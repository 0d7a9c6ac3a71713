package model

import (
	"errors"
	"strings"
	"testing"
)

func TestVethCmds(t *testing.T) {
	checkCmds(t, []cmdCase{
		{VethSpec{Name: "veth0", PeerName: "veth1"}.Cmds(), "ip link add name veth0 type veth peer name veth1"},
		{VethSpec{Ns: "blue", Name: "veth0", PeerNs: "red", PeerName: "veth1"}.Cmds(), "ip -n blue link add name veth0 type veth peer name veth1 netns red"},
		{VethSpec{Name: "veth0", PeerNs: "blue", PeerName: "veth1"}.Cmds(), "ip link add name veth0 type veth peer name veth1 netns blue"},
		// Only the peer in the host: the ends swap, the pair is the same.
		{VethSpec{Ns: "blue", Name: "veth1", PeerName: "veth0"}.Cmds(), "ip link add name veth0 type veth peer name veth1 netns blue"},
		{VethSpec{Ns: "blue", Name: "a", PeerNs: "blue", PeerName: "b"}.Cmds(), "ip -n blue link add name a type veth peer name b"},
	})
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

func TestVethValidate(t *testing.T) {
	checkValidate(t, []validateCase{
		{VethSpec{Name: "veth0", PeerNs: "blue", PeerName: "veth0"}, ""},
		{VethSpec{Name: "veth0", PeerName: "veth0"}, "peer name"},
		{VethSpec{Name: "veth0", PeerNs: "..", PeerName: "v"}, "peer namespace"},
		{VethSpec{Name: "toolongname12345", PeerName: "v"}, "name"},
		{VethIntoSpec{Name: "v0", PeerNs: "blue", PeerName: "eth0", Bridge: "br0", Addr: "10.0.0.1/24", PeerAddr: "10.0.0.2/24"}, ""},
		{VethIntoSpec{Name: "v0", PeerNs: "blue", PeerName: "eth0", PeerAddr: "10.0.0.2"}, "peer address"},
		{VethIntoSpec{Name: "v0", PeerNs: "blue", PeerName: "eth0", Bridge: "b/r"}, "bridge"},
	})
}

func TestCheckVethInto(t *testing.T) {
	snap := formSnapshot()
	ok := VethIntoSpec{Name: "veth0", Bridge: "br0", PeerNs: "blue", PeerName: "eth0"}
	if err := CheckVethInto(snap, ok); err != nil {
		t.Fatal(err)
	}
	for field, spec := range map[string]VethIntoSpec{
		"name":           {Name: "eth0", PeerNs: "blue", PeerName: "eth0"},
		"peer name":      {Name: "veth0", PeerNs: "blue", PeerName: "lo"},
		"peer namespace": {Name: "veth0", PeerNs: "red", PeerName: "eth0"},
		"bridge":         {Name: "veth0", Bridge: "eth0", PeerNs: "blue", PeerName: "eth0"},
	} {
		var fe *FieldError
		if err := CheckVethInto(snap, spec); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
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
