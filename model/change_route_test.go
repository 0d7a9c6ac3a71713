package model

import (
	"net/netip"
	"testing"
)

func TestRouteCmds(t *testing.T) {
	checkCmds(t, []cmdCase{
		{RouteSpec{Ns: "blue", Dst: "default", Gateway: "10.0.1.254"}.AddCmds(), "ip -n blue route add default via 10.0.1.254"},
		{RouteSpec{Dst: "10.9.0.0/16", Dev: "veth0", Table: 16, Metric: 5}.DeleteCmds(), "ip route del 10.9.0.0/16 dev veth0 table 16 metric 5"},
	})
}

func TestRouteValidate(t *testing.T) {
	checkValidate(t, []validateCase{
		{RouteSpec{Dst: "default", Gateway: "10.0.1.254"}, ""},
		{RouteSpec{Dst: "default", Gateway: "fd00::1"}, ""},
		{RouteSpec{Dst: "default"}, "gateway"},
		{RouteSpec{Dst: "10.0.2.0/24", Dev: "veth0", Table: 16, Metric: 100}, ""},
		{RouteSpec{Dst: "10.0.2.1/24", Dev: "veth0"}, "destination"},
		{RouteSpec{Dst: "10.0.2.0/24", Gateway: "fd00::1"}, "gateway"},
		{RouteSpec{Dst: "fd00::/64", Gateway: "10.0.0.1"}, "gateway"},
		{RouteSpec{Dst: "10.0.2.0/24", Gateway: "0.0.0.0"}, "gateway"},
		{RouteSpec{Dst: "", Dev: "veth0"}, "destination"},
		{RouteSpec{Dst: "default", Dev: "a:b"}, "device"},
	})
}

func TestParseTableMetric(t *testing.T) {
	for s, want := range map[string]uint32{"": 0, "main": 0, "local": 255, "16": 16, "4294967295": 4294967295} {
		if got, err := ParseTable("table", s); err != nil || got != want {
			t.Errorf("ParseTable(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"0", "-1", "4294967296", "x"} {
		if _, err := ParseTable("table", s); err == nil {
			t.Errorf("ParseTable(%q) accepted", s)
		}
	}
	if _, err := ParseMetric("metric", "4294967296"); err == nil {
		t.Error("metric 2^32 accepted")
	}
	if m, err := ParseMetric("metric", "0"); err != nil || m != 0 {
		t.Error("metric 0 refused")
	}
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

func FuzzValidateRoute(f *testing.F) {
	f.Add("default", "10.0.0.1", "eth0")
	f.Add("10.0.0.0/8", "", "eth0")
	f.Add("fd00::/8", "10.0.0.1", "")
	f.Fuzz(func(t *testing.T, dst, gw, dev string) {
		s := RouteSpec{Dst: dst, Gateway: gw, Dev: dev}
		if s.Validate() != nil {
			return
		}
		if gw == "" && dev == "" {
			t.Fatalf("accepted a route with neither gateway nor device: %#v", s)
		}
		if dst != "default" {
			p, err := netip.ParsePrefix(dst)
			if err != nil || p.Masked() != p {
				t.Fatalf("accepted destination %q", dst)
			}
			if gw != "" {
				if a := netip.MustParseAddr(gw); a.Is4() != p.Addr().Is4() {
					t.Fatalf("accepted a gateway of the other family: %#v", s)
				}
			}
		}
	})
}

func FuzzValidateTable(f *testing.F) {
	for _, s := range []string{"", "main", "16", "0", "99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseTable("t", s); err == nil && n == 0 && s != "" && s != "main" {
			t.Fatalf("%q read as table 0", s)
		}
		_, _ = ParseMetric("m", s)
	})
}
