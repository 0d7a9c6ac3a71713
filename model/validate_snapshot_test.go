package model

import (
	"errors"
	"testing"
)

func TestChecksAgainstSnapshot(t *testing.T) {
	snap := &Snapshot{Namespaces: []Namespace{
		{Host: true, Links: []Link{{Name: "eth0"}, {Name: "br0", Kind: "bridge"}}},
		{Name: "blue", Links: []Link{{Name: "lo"}}},
		{Name: "old", Stale: true},
	}}
	if NsByName(snap, "") == nil || NsByName(snap, "blue") == nil || NsByName(snap, "old") != nil {
		t.Fatal("NsByName")
	}
	if e := CheckNetnsFree(snap, "name", "blue"); e == nil || e.Msg != "a namespace named blue already exists" {
		t.Errorf("taken: %v", e)
	}
	if e := CheckNetnsFree(snap, "name", "old"); e == nil {
		t.Error("stale name free")
	}
	if e := CheckNetnsFree(snap, "name", "red"); e != nil {
		t.Error(e)
	}
	if got := Bridges(snap, ""); len(got) != 1 || got[0] != "br0" {
		t.Errorf("Bridges = %v", got)
	}
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
