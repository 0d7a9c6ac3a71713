package model

import (
	"fmt"
	"net/netip"
	"strconv"
)

// A route.

// RouteSpec is a route in Ns: to Dst ("default" or a prefix), via Gateway
// and/or out of Dev; Table 0 is the main table, Metric 0 none. The family
// follows the destination or the gateway: an IPv6 default route without a
// gateway is written ::/0.
type RouteSpec struct {
	Ns, Dst, Gateway, Dev string
	Table, Metric         uint32
}

func (s RouteSpec) args(verb string) []string {
	args := []string{"route", verb, s.Dst}
	if s.Gateway != "" {
		args = append(args, "via", s.Gateway)
	}
	if s.Dev != "" {
		args = append(args, "dev", s.Dev)
	}
	return withNumber(withNumber(args, "table", s.Table), "metric", s.Metric)
}

// AddCmds adds the route.
func (s RouteSpec) AddCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("add")...)} }

// DeleteCmds removes it.
func (s RouteSpec) DeleteCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("del")...)} }

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

func family(p netip.Prefix) int {
	if p.Addr().Is6() {
		return 6
	}
	return 4
}

// RouteSpecOf is the spec that deletes route r in namespace ns (as
// ChangeNs names it), so the UI can delete the route under the cursor, or
// an error saying why lazyns cannot (multipath and special routes are left
// to ip).
func RouteSpecOf(ns string, r *Route) (RouteSpec, error) {
	if len(r.NextHops) > 0 || r.Via != nil || (r.Type != RTN_UNICAST && r.Type != 0) {
		return RouteSpec{}, fmt.Errorf("a %s route: delete it with ip", RouteTypeName(r.Type))
	}
	spec := RouteSpec{Ns: ns, Dst: "default", Dev: r.Dev}
	if r.DstLen == 0 && r.Family == AF_INET6 {
		spec.Dst = "::/0" // "default" alone would be IPv4
	}
	if r.DstLen > 0 {
		spec.Dst = r.Dst.String() + "/" + strconv.Itoa(r.DstLen)
	}
	if r.Gateway != nil {
		spec.Gateway = r.Gateway.String()
	}
	if r.Table != TableMain {
		spec.Table = r.Table
	}
	if r.HasMetric {
		spec.Metric = r.Metric
	}
	return spec, nil
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
