package model

import "testing"

func TestBridgeCmds(t *testing.T) {
	checkCmds(t, []cmdCase{
		{BridgeSpec{Ns: "blue", Name: "br0"}.Cmds(), "ip -n blue link add name br0 type bridge"},
		{MasterSpec{Link: "veth0", Bridge: "br0"}.Cmds(), "ip link set dev veth0 master br0"},
		{LinkRef{Ns: "blue", Name: "veth0"}.NoMasterCmds(), "ip -n blue link set dev veth0 nomaster"},
	})
}

func TestBridgeValidate(t *testing.T) {
	checkValidate(t, []validateCase{
		{BridgeSpec{Name: "br 0"}, "name"},
		{MasterSpec{Link: "a", Bridge: "a"}, "bridge"},
		{MasterSpec{Link: "a", Bridge: "br0"}, ""},
	})
}

func TestBridges(t *testing.T) {
	if got := Bridges(formSnapshot(), ""); len(got) != 1 || got[0] != "br0" {
		t.Errorf("Bridges = %v", got)
	}
}
