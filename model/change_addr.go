package model

import (
	"net/netip"
	"strings"
)

// An address on a link.

// AddrSpec is an address (CIDR, such as 10.0.1.1/24) on link Dev in Ns.
type AddrSpec struct{ Ns, Dev, CIDR string }

// AddCmds adds the address.
func (s AddrSpec) AddCmds() []Cmd { return []Cmd{ipIn(s.Ns, "addr", "add", s.CIDR, "dev", s.Dev)} }

// DeleteCmds removes it.
func (s AddrSpec) DeleteCmds() []Cmd { return []Cmd{ipIn(s.Ns, "addr", "del", s.CIDR, "dev", s.Dev)} }

// Validate checks the device and the address.
func (s AddrSpec) Validate() error {
	_, ferr := ParseCIDR("address", s.CIDR)
	return firstErr(checkNs("namespace", s.Ns), CheckIfName("device", s.Dev), ferr)
}

// AddrSpecOf is the spec of address a on link l in namespace ns (as
// ChangeNs names it), so the UI can delete the address under the cursor.
func AddrSpecOf(ns string, l *Link, a *Addr) AddrSpec {
	return AddrSpec{Ns: ns, Dev: l.Name, CIDR: a.CIDR()}
}

// ParseCIDR reads an interface address with its prefix length, such as
// 10.0.1.1/24 or fd00::1/64.
func ParseCIDR(field, s string) (netip.Prefix, *FieldError) {
	if s == "" {
		return netip.Prefix{}, fieldErr(field, "an address is needed, such as 10.0.1.1/24")
	}
	if !strings.Contains(s, "/") {
		return netip.Prefix{}, fieldErr(field, "%q has no prefix length: write it as %s/24 (or /32 for one address)", Visible(s), Visible(s))
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Zone() != "" {
		return netip.Prefix{}, fieldErr(field, "%q is not an address with a prefix length, such as 10.0.1.1/24", Visible(s))
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, fieldErr(field, "%q: write an IPv4 address as 10.0.1.1/24, not IPv4-mapped", Visible(s))
	}
	return p, nil
}
