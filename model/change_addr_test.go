package model

import (
	"net/netip"
	"testing"
)

func TestAddrCmds(t *testing.T) {
	checkCmds(t, []cmdCase{
		{AddrSpec{Ns: "blue", Dev: "veth1", CIDR: "10.0.1.1/24"}.AddCmds(), "ip -n blue addr add 10.0.1.1/24 dev veth1"},
		{AddrSpec{Dev: "veth1", CIDR: "fd00::1/64"}.DeleteCmds(), "ip addr del fd00::1/64 dev veth1"},
	})
}

func TestAddrValidate(t *testing.T) {
	checkValidate(t, []validateCase{
		{AddrSpec{Dev: "veth0", CIDR: "10.0.1.1/24"}, ""},
		{AddrSpec{Dev: "veth0", CIDR: "fd00::1/64"}, ""},
		{AddrSpec{Dev: "veth0", CIDR: "10.0.1.1"}, "address"},
		{AddrSpec{Dev: "veth0", CIDR: "10.0.1.1/33"}, "address"},
		{AddrSpec{Dev: "veth0", CIDR: "::ffff:10.0.0.1/120"}, "address"},
		{AddrSpec{Dev: "veth0", CIDR: "fe80::1%eth0/64"}, "address"},
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
