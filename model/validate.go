package model

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// FieldError says which field of a form holds a value the kernel would
// refuse, and why, before anything is sent to it.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// IfNameMax is the longest interface name the kernel takes (IFNAMSIZ-1).
const IfNameMax = 15

// NetnsNameMax is the longest file name, and so namespace name.
const NetnsNameMax = 255

// CheckIfName checks an interface name as the kernel's dev_valid_name
// does: 1–15 bytes, not "." or "..", no '/', ':' or white space.
func CheckIfName(field, name string) *FieldError {
	switch {
	case name == "":
		return fieldErr(field, "an interface name is needed")
	case len(name) > IfNameMax:
		return fieldErr(field, "%q is %d bytes; an interface name has at most %d", Visible(name), len(name), IfNameMax)
	case name == "." || name == "..":
		return fieldErr(field, "%q is not a valid interface name", name)
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '/', ':':
			return fieldErr(field, "an interface name cannot contain %q", string(c))
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return fieldErr(field, "an interface name cannot contain white space")
		case 0:
			return fieldErr(field, "an interface name cannot contain a NUL byte")
		}
	}
	return nil
}

// CheckNetnsName checks a namespace name as `ip netns add` does: a file
// name under the netns directory (no '/', not "." or "..", at most 255
// bytes, no NUL).
func CheckNetnsName(field, name string) *FieldError {
	switch {
	case name == "":
		return fieldErr(field, "a namespace name is needed")
	case len(name) > NetnsNameMax:
		return fieldErr(field, "the name is %d bytes; a namespace name has at most %d", len(name), NetnsNameMax)
	case name == "." || name == "..":
		return fieldErr(field, "%q is not a valid namespace name", name)
	case strings.ContainsRune(name, '/'):
		return fieldErr(field, "a namespace name cannot contain '/'")
	case strings.IndexByte(name, 0) >= 0:
		return fieldErr(field, "a namespace name cannot contain a NUL byte")
	}
	return nil
}

// checkNs checks a namespace field where "" means the host and a path
// (anything with a '/') a namespace file.
func checkNs(field, ns string) *FieldError {
	switch {
	case ns == "":
		return nil
	case IsNsPath(ns):
		if !strings.HasPrefix(ns, "/") || strings.IndexByte(ns, 0) >= 0 || len(ns) > 4095 {
			return fieldErr(field, "%q is neither a namespace name nor the absolute path of a namespace file", Visible(ns))
		}
		return nil
	}
	return CheckNetnsName(field, ns)
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

// ParseDst reads a route destination: "default" (returned as the zero
// prefix) or a network prefix whose host bits are zero.
func ParseDst(field, s string) (netip.Prefix, *FieldError) {
	if s == "default" {
		return netip.Prefix{}, nil
	}
	p, ferr := ParseCIDR(field, s)
	if ferr != nil {
		if s == "" {
			ferr.Msg = "a destination is needed: default or a prefix such as 10.0.2.0/24"
		}
		return p, ferr
	}
	if p.Masked() != p {
		return p, fieldErr(field, "%s has host bits set: the network is %s", Visible(s), p.Masked())
	}
	return p, nil
}

// ParseGateway reads a gateway address, of the given family (4 or 6, 0
// for either).
func ParseGateway(field, s string, family int) (netip.Addr, *FieldError) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || a.Is4In6() {
		return a, fieldErr(field, "%q is not an IP address", Visible(s))
	}
	if family == 4 && !a.Is4() {
		return a, fieldErr(field, "%s is IPv6 but the destination is IPv4", s)
	}
	if family == 6 && !a.Is6() {
		return a, fieldErr(field, "%s is IPv4 but the destination is IPv6", s)
	}
	if a.IsUnspecified() || a.IsMulticast() {
		return a, fieldErr(field, "%s cannot be a gateway", s)
	}
	return a, nil
}

// ParseTable reads a routing table: a number 1–4294967295 or main, local,
// default; "" is the main table (returned as 0).
func ParseTable(field, s string) (uint32, *FieldError) {
	switch s {
	case "", "main":
		return 0, nil
	case "local":
		return 255, nil
	case "default":
		return 253, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		return 0, fieldErr(field, "%q is not a table: give a number from 1 to 4294967295, or main", Visible(s))
	}
	return uint32(n), nil
}

// ParseMetric reads a route metric, 0–4294967295; "" is none.
func ParseMetric(field, s string) (uint32, *FieldError) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fieldErr(field, "%q is not a metric: give a number from 0 to 4294967295", Visible(s))
	}
	return uint32(n), nil
}

func family(p netip.Prefix) int {
	if p.Addr().Is6() {
		return 6
	}
	return 4
}

// firstErr returns the first non-nil FieldError as an error, or nil: a
// nil *FieldError must not become a non-nil error.
func firstErr(errs ...*FieldError) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Validate checks the name.
func (s NetnsSpec) Validate() error { return firstErr(CheckNetnsName("name", s.Name)) }

// Validate checks both ends' names and namespaces.
func (s VethSpec) Validate() error {
	if err := firstErr(CheckIfName("name", s.Name), checkNs("namespace", s.Ns),
		CheckIfName("peer name", s.PeerName), checkNs("peer namespace", s.PeerNs)); err != nil {
		return err
	}
	if s.Ns == s.PeerNs && s.Name == s.PeerName {
		return fieldErr("peer name", "both ends are named %q in %s: give the peer another name", Visible(s.Name), NsLabel(s.Ns))
	}
	return nil
}

// Validate checks the bridge's name and namespace.
func (s BridgeSpec) Validate() error {
	return firstErr(checkNs("namespace", s.Ns), CheckIfName("name", s.Name))
}

// Validate checks the link's name and namespace.
func (r LinkRef) Validate() error {
	return firstErr(checkNs("namespace", r.Ns), CheckIfName("link", r.Name))
}

// Validate checks the link and bridge names.
func (s MasterSpec) Validate() error {
	if err := firstErr(checkNs("namespace", s.Ns), CheckIfName("link", s.Link), CheckIfName("bridge", s.Bridge)); err != nil {
		return err
	}
	if s.Link == s.Bridge {
		return fieldErr("bridge", "a bridge cannot be its own port")
	}
	return nil
}

// Validate checks the link's name and namespace.
func (s LinkStateSpec) Validate() error { return LinkRef{s.Ns, s.Name}.Validate() }

// Validate checks the device and the address.
func (s AddrSpec) Validate() error {
	_, ferr := ParseCIDR("address", s.CIDR)
	return firstErr(checkNs("namespace", s.Ns), CheckIfName("device", s.Dev), ferr)
}

// Validate checks the destination, gateway (of the destination's family),
// device, and that there is a gateway or a device.
func (s RouteSpec) Validate() error {
	if err := checkNs("namespace", s.Ns); err != nil {
		return err
	}
	dst, ferr := ParseDst("destination", s.Dst)
	if ferr != nil {
		return ferr
	}
	if s.Gateway == "" && s.Dev == "" {
		return fieldErr("gateway", "give a gateway, a device, or both")
	}
	if s.Gateway != "" {
		fam := 0
		if dst.IsValid() {
			fam = family(dst)
		}
		if _, ferr := ParseGateway("gateway", s.Gateway, fam); ferr != nil {
			return ferr
		}
	}
	if s.Dev != "" {
		return firstErr(CheckIfName("device", s.Dev))
	}
	return nil
}

// Family is 4 or 6: the destination's, or for default the gateway's.
func (s RouteSpec) Family() int {
	if p, err := netip.ParsePrefix(s.Dst); err == nil {
		return family(p)
	}
	if a, err := netip.ParseAddr(s.Gateway); err == nil && a.Is6() {
		return 6
	}
	return 4
}

// Validate checks the link and both namespaces.
func (s MoveSpec) Validate() error {
	if err := firstErr(checkNs("namespace", s.Ns), CheckIfName("link", s.Name), checkNs("to namespace", s.ToNs)); err != nil {
		return err
	}
	if s.Ns == s.ToNs {
		return fieldErr("to namespace", "%s is already in %s", Visible(s.Name), NsLabel(s.Ns))
	}
	return nil
}

// Validate checks both names.
func (s RenameSpec) Validate() error {
	if err := firstErr(checkNs("namespace", s.Ns), CheckIfName("link", s.Name), CheckIfName("new name", s.NewName)); err != nil {
		return err
	}
	if s.Name == s.NewName {
		return fieldErr("new name", "the link is already called %s", Visible(s.Name))
	}
	return nil
}

// Validate checks the namespace.
func (s ForwardingSpec) Validate() error { return firstErr(checkNs("namespace", s.Ns)) }

// Validate checks the pair, the bridge and both addresses.
func (s VethIntoSpec) Validate() error {
	if err := s.Veth().Validate(); err != nil {
		return err
	}
	if s.Bridge != "" {
		if err := firstErr(CheckIfName("bridge", s.Bridge)); err != nil {
			return err
		}
	}
	if s.Addr != "" {
		if _, ferr := ParseCIDR("address", s.Addr); ferr != nil {
			return ferr
		}
	}
	if s.PeerAddr != "" {
		if _, ferr := ParseCIDR("peer address", s.PeerAddr); ferr != nil {
			return ferr
		}
	}
	return nil
}

// Validate checks the source prefix and the table.
func (s RuleSpec) Validate() error {
	if err := checkNs("namespace", s.Ns); err != nil {
		return err
	}
	if _, ferr := ParseDst("from", s.From); ferr != nil {
		return ferr
	}
	if s.From == "default" {
		return fieldErr("from", "give a prefix, such as 10.0.1.0/24")
	}
	if s.Table == 0 {
		return fieldErr("table", "a rule needs a table to look up")
	}
	return nil
}
