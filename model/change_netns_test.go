package model

import (
	"strings"
	"testing"
)

func TestNetnsCmds(t *testing.T) {
	checkCmds(t, []cmdCase{
		{NetnsSpec{"x"}.AddCmds(), "ip netns add x"},
		{NetnsSpec{"x$(id)`id`"}.DeleteCmds(), "ip netns del 'x$(id)`id`'"},
		{ForwardingSpec{Ns: "r", On: true}.Cmds(), "ip netns exec r sysctl -w net.ipv4.ip_forward=1"},
		{ForwardingSpec{}.Cmds(), "sysctl -w net.ipv4.ip_forward=0"},
	})
}

func TestNetnsValidate(t *testing.T) {
	checkValidate(t, []validateCase{
		{NetnsSpec{"blue"}, ""},
		{NetnsSpec{"a/b"}, "name"},
		{ForwardingSpec{Ns: "r", On: true}, ""},
	})
}

func TestCheckNetnsName(t *testing.T) {
	good := []string{"blue", "a b", "x$(id)`id`", "host", "...", strings.Repeat("n", 255), "e\x1b"}
	bad := []string{"", ".", "..", "a/b", "/", strings.Repeat("n", 256), "a\x00"}
	for _, n := range good {
		if err := CheckNetnsName("ns", n); err != nil {
			t.Errorf("%q rejected: %v", n, err)
		}
	}
	for _, n := range bad {
		if err := CheckNetnsName("ns", n); err == nil {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestCheckNetnsFree(t *testing.T) {
	snap := formSnapshot()
	if e := CheckNetnsFree(snap, "name", "blue"); e == nil || e.Msg != "a namespace named blue already exists" {
		t.Errorf("taken: %v", e)
	}
	if e := CheckNetnsFree(snap, "name", "old"); e == nil {
		t.Error("stale name free")
	}
	if e := CheckNetnsFree(snap, "name", "red"); e != nil {
		t.Error(e)
	}
}

func TestDeleteNetnsEffects(t *testing.T) {
	_, blue := effectsNamespaces()
	got := strings.Join(DeleteNetnsEffects(&blue), "\n")
	if !strings.Contains(got, "peer veth0 in host vanishes too") || !strings.Contains(got, "1 addresses") {
		t.Errorf("delete blue: %s", got)
	}
	blue.Procs = []Proc{{Pid: 12, Comm: "dnsmasq"}, {Pid: 13}}
	if got := strings.Join(DeleteNetnsEffects(&blue), "\n"); !strings.Contains(got, "2 processes (12 dnsmasq, 13)") {
		t.Errorf("with processes: %s", got)
	}
}

func TestFreeNetnsName(t *testing.T) {
	host, blue := effectsNamespaces()
	snap := &Snapshot{Namespaces: []Namespace{host, blue}}
	if got := FreeNetnsName(snap, "blue"); got != "blue0" {
		t.Errorf("FreeNetnsName = %s", got)
	}
}

func FuzzValidateNetnsName(f *testing.F) {
	for _, s := range []string{"blue", "", "..", "a/b", "x$(id)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := NetnsSpec{s}.Validate()
		if err != nil {
			return
		}
		if s == "" || len(s) > 255 || s == "." || s == ".." || strings.ContainsAny(s, "/\x00") {
			t.Fatalf("accepted %q", s)
		}
	})
}
