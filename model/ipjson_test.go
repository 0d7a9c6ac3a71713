package model

import (
	"encoding/json"
	"net"
	"slices"
	"testing"
)

// fidelityNs holds the cases ip prints in ways easy to get wrong: a down
// veth pair in one namespace (both ends M-DOWN), a veth whose parent is in
// another namespace (never M-DOWN, whatever link here has that index), a
// parent index nothing here has (no M-DOWN), queue lengths of 0 and not,
// and default rules of both families.
func fidelityNs() *Namespace {
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	return &Namespace{
		Name: "blue",
		Links: []Link{
			{Index: 1, Name: "lo", Flags: IFF_LOOPBACK | IFF_UP, TxQLen: 1000, NetNsID: NoNsID},
			{Index: 2, Name: "d0", Kind: "veth", Flags: IFF_BROADCAST, ParentIndex: 3, HasParent: true, NetNsID: NoNsID, TxQLen: 0, MAC: mac,
				Addrs: []Addr{{Family: AF_INET6, Local: net.ParseIP("fd00::1"), PrefixLen: 64}}},
			{Index: 3, Name: "d1", Kind: "veth", Flags: IFF_BROADCAST, ParentIndex: 2, HasParent: true, NetNsID: NoNsID, TxQLen: 500, MAC: mac},
			{Index: 4, Name: "v0", Kind: "veth", Flags: IFF_BROADCAST | IFF_UP, ParentIndex: 3, HasParent: true, NetNsID: 0, TxQLen: 1000, MAC: mac,
				Addrs: []Addr{{Family: AF_INET, Local: net.ParseIP("10.0.0.1").To4(), PrefixLen: 24}}},
			{Index: 5, Name: "vl", Kind: "vlan", Flags: IFF_BROADCAST, ParentIndex: 9, HasParent: true, NetNsID: NoNsID, TxQLen: 1000, MAC: mac},
		},
		Rules: []Rule{
			{Family: AF_INET, Priority: 0, Table: TableLocal, Action: FR_ACT_TO_TBL, SuppressPrefixlen: -1, SuppressIfgroup: -1},
			{Family: AF_INET6, Priority: 0, Table: TableLocal, Action: FR_ACT_TO_TBL, SuppressPrefixlen: -1, SuppressIfgroup: -1},
			{Family: AF_INET6, Priority: 5, Action: FR_ACT_NOP, SuppressPrefixlen: -1, SuppressIfgroup: -1,
				HasUID: true, UIDStart: 1, UIDEnd: 2, HasIPProto: true, IPProto: 6, HasDport: true, DportStart: 80, DportEnd: 80},
		},
	}
}

func showLinks(t *testing.T, ns *Namespace) map[string]map[string]any {
	t.Helper()
	b, err := JSON([]*Namespace{ns}, DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	var got []struct{ Links, Rules []map[string]any }
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	links := map[string]map[string]any{}
	for _, l := range got[0].Links {
		links[l["ifname"].(string)] = l
	}
	links["rules"] = map[string]any{"list": got[0].Rules}
	return links
}

func TestJSONFlagsMDown(t *testing.T) {
	links := showLinks(t, fidelityNs())
	for name, want := range map[string]bool{"lo": false, "d0": true, "d1": true, "v0": false, "vl": false} {
		flags, _ := links[name]["flags"].([]any)
		if got := slices.Contains(flags, any("M-DOWN")); got != want {
			t.Errorf("%s: flags %v, M-DOWN %v, want %v", name, flags, got, want)
		}
	}
	if links["vl"]["link"] != "if9" || links["v0"]["link_index"] != float64(3) {
		t.Errorf("parents: vl %v, v0 %v", links["vl"]["link"], links["v0"]["link_index"])
	}
}

func TestJSONTxqlenLeftOutWhenZero(t *testing.T) {
	links := showLinks(t, fidelityNs())
	if q, ok := links["d0"]["txqlen"]; ok {
		t.Errorf("d0 has txqlen %v; ip leaves a queue length of 0 out", q)
	}
	if links["d1"]["txqlen"] != float64(500) {
		t.Errorf("d1 txqlen %v, want 500", links["d1"]["txqlen"])
	}
}

func TestJSONRulesSayTheirFamily(t *testing.T) {
	rules := showLinks(t, fidelityNs())["rules"]["list"].([]map[string]any)
	var families []any
	for _, r := range rules {
		families = append(families, r["family"])
	}
	if !slices.Equal(families, []any{"inet", "inet6", "inet6"}) {
		t.Errorf("rule families %v", families)
	}
	// As ip -j rule: the uid range flat, the protocol named, nop a key.
	nop := rules[2]
	for k, want := range map[string]any{"uid_start": float64(1), "uid_end": float64(2), "ipproto": "ipproto-6", "dport": float64(80), "nop": nil} {
		if v, ok := nop[k]; !ok || v != want {
			t.Errorf("rule %v: %s = %v, want %v", nop, k, v, want)
		}
	}
}
