package model

import (
	"strings"
	"testing"
)

func TestLinkCmds(t *testing.T) {
	checkCmds(t, []cmdCase{
		{LinkStateSpec{Ns: "blue", Name: "veth1", Up: true}.Cmds(), "ip -n blue link set dev veth1 up"},
		{LinkStateSpec{Name: "up", Up: false}.Cmds(), "ip link set dev up down"},
		{LinkRef{Name: "veth0"}.DeleteCmds(), "ip link del dev veth0"},
		{MoveSpec{Name: "veth1", ToNs: "blue"}.Cmds(), "ip link set dev veth1 netns blue"},
		{MoveSpec{Ns: "blue", Name: "veth1"}.Cmds(), "ip -n blue link set dev veth1 netns 1"},
		{RenameSpec{Ns: "blue", Name: "veth1", NewName: "eth0"}.Cmds(), "ip -n blue link set dev veth1 name eth0"},
	})
}

func TestLinkValidate(t *testing.T) {
	checkValidate(t, []validateCase{
		{LinkStateSpec{Ns: "blue", Name: "lo", Up: true}, ""},
		{LinkRef{Name: ""}, "link"},
		{MoveSpec{Name: "veth1", ToNs: "blue"}, ""},
		{MoveSpec{Ns: "blue", Name: "veth1", ToNs: "blue"}, "to namespace"},
		{RenameSpec{Name: "veth1", NewName: "veth1"}, "new name"},
		{RenameSpec{Name: "veth1", NewName: "eth0"}, ""},
	})
}

func TestCheckIfName(t *testing.T) {
	good := []string{"veth0", "a", "123456789012345", "e\x1b[31m", "x$(id)", "-x", "up", "ünï"}
	bad := []string{"", "1234567890123456", ".", "..", "a/b", "a:b", "a b", "a\tb", "a\nb", "a\x00b"}
	for _, n := range good {
		if err := CheckIfName("name", n); err != nil {
			t.Errorf("%q rejected: %v", n, err)
		}
	}
	for _, n := range bad {
		if err := CheckIfName("name", n); err == nil {
			t.Errorf("%q accepted", n)
		} else if err.Field != "name" || err.Msg == "" {
			t.Errorf("%q: bad error %#v", n, err)
		}
	}
}

func TestDeleteLinkEffects(t *testing.T) {
	_, blue := effectsNamespaces()
	if got := strings.Join(DeleteLinkEffects(&blue, &blue.Links[1]), "\n"); !strings.Contains(got, "peer veth0 in host") || !strings.Contains(got, "10.0.1.1/24") {
		t.Errorf("delete eth0: %s", got)
	}
	if got := strings.Join(DeleteLinkEffects(&blue, &blue.Links[2]), "\n"); !strings.Contains(got, "1 ports are detached: p1") {
		t.Errorf("delete br0: %s", got)
	}
}

func TestFreeLinkName(t *testing.T) {
	host, blue := effectsNamespaces()
	snap := &Snapshot{Namespaces: []Namespace{host, blue}}
	snap.Namespaces[0].Links = []Link{{Name: "veth0"}, {Name: "veth2"}}
	if got := FreeLinkName(snap, "veth"); got != "veth1" {
		t.Errorf("FreeLinkName = %s, want veth1", got)
	}
	if got := FreeLinkName(snap, "veth", "veth1"); got != "veth3" {
		t.Errorf("FreeLinkName with veth1 taken = %s, want veth3", got)
	}
}

// The fuzz targets check that validation never panics and that whatever
// it accepts is what the kernel takes.

func FuzzValidateIfName(f *testing.F) {
	for _, s := range []string{"veth0", "", "a/b", "a:b", "a b", "123456789012345", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckIfName("n", s) != nil {
			return
		}
		if len(s) < 1 || len(s) > 15 || s == "." || s == ".." || strings.ContainsAny(s, "/: \t\n\v\f\r\x00") {
			t.Fatalf("accepted %q", s)
		}
		if got := (LinkRef{Name: s}).DeleteCmds()[0].Argv[4]; got != s {
			t.Fatalf("argv changed %q to %q", s, got)
		}
	})
}
