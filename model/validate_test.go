package model

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

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

func TestSpecValidate(t *testing.T) {
	cases := []struct {
		spec  interface{ Validate() error }
		field string // "" = valid
	}{
		{NetnsSpec{"blue"}, ""},
		{NetnsSpec{"a/b"}, "name"},
		{VethSpec{Name: "veth0", PeerNs: "blue", PeerName: "veth0"}, ""},
		{VethSpec{Name: "veth0", PeerName: "veth0"}, "peer name"},
		{VethSpec{Name: "veth0", PeerNs: "..", PeerName: "v"}, "peer namespace"},
		{VethSpec{Name: "toolongname12345", PeerName: "v"}, "name"},
		{BridgeSpec{Name: "br 0"}, "name"},
		{MasterSpec{Link: "a", Bridge: "a"}, "bridge"},
		{MasterSpec{Link: "a", Bridge: "br0"}, ""},
		{LinkStateSpec{Ns: "blue", Name: "lo", Up: true}, ""},
		{LinkRef{Name: ""}, "link"},
		{AddrSpec{Dev: "veth0", CIDR: "10.0.1.1/24"}, ""},
		{AddrSpec{Dev: "veth0", CIDR: "fd00::1/64"}, ""},
		{AddrSpec{Dev: "veth0", CIDR: "10.0.1.1"}, "address"},
		{AddrSpec{Dev: "veth0", CIDR: "10.0.1.1/33"}, "address"},
		{AddrSpec{Dev: "veth0", CIDR: "::ffff:10.0.0.1/120"}, "address"},
		{AddrSpec{Dev: "veth0", CIDR: "fe80::1%eth0/64"}, "address"},
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
		{MoveSpec{Name: "veth1", ToNs: "blue"}, ""},
		{MoveSpec{Ns: "blue", Name: "veth1", ToNs: "blue"}, "to namespace"},
		{RenameSpec{Name: "veth1", NewName: "veth1"}, "new name"},
		{RenameSpec{Name: "veth1", NewName: "eth0"}, ""},
		{ForwardingSpec{Ns: "r", On: true}, ""},
		{VethIntoSpec{Name: "v0", PeerNs: "blue", PeerName: "eth0", Bridge: "br0", Addr: "10.0.0.1/24", PeerAddr: "10.0.0.2/24"}, ""},
		{VethIntoSpec{Name: "v0", PeerNs: "blue", PeerName: "eth0", PeerAddr: "10.0.0.2"}, "peer address"},
		{VethIntoSpec{Name: "v0", PeerNs: "blue", PeerName: "eth0", Bridge: "b/r"}, "bridge"},
	}
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

func FuzzValidateCIDR(f *testing.F) {
	for _, s := range []string{"10.0.1.1/24", "fd00::1/64", "10.0.1.1", "1.2.3.4/33", "::ffff:1.2.3.4/128"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseCIDR("a", s)
		if err != nil {
			return
		}
		if _, perr := netip.ParsePrefix(s); perr != nil || !p.IsValid() || p.Addr().Zone() != "" {
			t.Fatalf("accepted %q as %v", s, p)
		}
	})
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
