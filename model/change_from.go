package model

import (
	"fmt"
	"strconv"
)

// Specs for what a snapshot shows, so the UI can delete the address or
// route under the cursor.

// AddrSpecOf is the spec of address a on link l in namespace ns (as
// ChangeNs names it).
func AddrSpecOf(ns string, l *Link, a *Addr) AddrSpec {
	return AddrSpec{Ns: ns, Dev: l.Name, CIDR: a.CIDR()}
}

// RouteSpecOf is the spec that deletes route r in namespace ns, or an
// error saying why lazyns cannot (multipath and special routes are left to
// ip).
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
