package model

import (
	"net"
	"strconv"
)

// JSON renders namespaces as the array `lazyns show --json` prints: one
// object per namespace whose links, routes, rules and neighbours use the
// field names and value forms of `ip -j`, so a jq filter written for
// iproute2 works unchanged.
func JSON(nss []*Namespace, names *Names, full bool) ([]byte, error) {
	list := make([]obj, len(nss))
	for i, ns := range nss {
		list[i] = namespaceObj(ns, names, full)
	}
	b, err := appendValue(make([]byte, 0, 4096*len(nss)+2), list)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func namespaceObj(ns *Namespace, names *Names, full bool) obj {
	o := obj{}
	o.add("name", ns.DisplayName())
	o.add("named", ns.Named())
	o.add("path", ns.Path)
	o.add("inode", ns.Key.Ino)
	pids := ns.Pids()
	o.add("pids", pids)
	if ns.Host {
		o.add("host", true)
	}
	if ns.Stale {
		o.add("stale", true)
	}
	if ns.Empty() {
		o.add("empty", true)
	}
	if ns.Container != "" {
		o.add("container", ns.Container)
	}
	if len(ns.Mounts) > 0 {
		o.add("mounts", ns.Mounts)
	}
	if ns.Err != "" {
		o.add("error", ns.Err)
	}
	if !full {
		o.add("links", len(ns.Links))
		return o
	}
	links := make([]obj, len(ns.Links))
	for i := range ns.Links {
		links[i] = linkObj(ns, &ns.Links[i])
	}
	o.add("links", links)
	routes := make([]obj, len(ns.Routes))
	for i := range ns.Routes {
		routes[i] = RouteObj(&ns.Routes[i], names)
	}
	o.add("routes", routes)
	rules := make([]obj, len(ns.Rules))
	for i := range ns.Rules {
		rules[i] = ruleObj(&ns.Rules[i], names)
	}
	o.add("rules", rules)
	neigh := make([]obj, len(ns.Neighbours))
	for i := range ns.Neighbours {
		neigh[i] = neighObj(&ns.Neighbours[i])
	}
	o.add("neighbours", neigh)
	return o
}

// GroupName is ip's name for an interface group.
func GroupName(g uint32) string {
	if g == 0 {
		return "default"
	}
	return strconv.FormatUint(uint64(g), 10)
}

func linkObj(ns *Namespace, l *Link) obj {
	o := make(obj, 0, 20)
	o.add("ifindex", l.Index)
	if l.HasParent {
		switch {
		case l.ParentIndex == 0:
			o.add("link", null{})
		case l.NetNsID != NoNsID:
			o.add("link_index", l.ParentIndex)
		default:
			name := "if" + strconv.Itoa(l.ParentIndex)
			if p := ns.Link(l.ParentIndex); p != nil {
				name = p.Name
			}
			o.add("link", name)
		}
	}
	o.add("ifname", l.Name)
	o.add("flags", FlagNames(l.Flags))
	o.add("mtu", l.MTU)
	if l.Qdisc != "" {
		o.add("qdisc", l.Qdisc)
	}
	if m := ns.Master(l); m != nil {
		o.add("master", m.Name)
	} else if l.MasterIndex != 0 {
		o.add("master", "if"+strconv.Itoa(l.MasterIndex))
	}
	o.add("operstate", OperStateName(l.OperState))
	if l.LinkMode == 1 {
		o.add("linkmode", "DORMANT")
	} else {
		o.add("linkmode", "DEFAULT")
	}
	o.add("group", GroupName(l.Group))
	o.add("txqlen", l.TxQLen)
	o.add("link_type", HWTypeName(l.HWType))
	if l.MAC != nil {
		o.add("address", l.MAC.String())
	}
	if l.Flags&IFF_POINTOPOINT != 0 {
		o.add("link_pointtopoint", true)
	} else if l.Broadcast != nil {
		o.add("broadcast", l.Broadcast.String())
	}
	if l.NetNsID != NoNsID {
		o.add("link_netnsid", l.NetNsID)
	}
	if l.Alias != "" {
		o.add("ifalias", l.Alias)
	}
	if l.Kind != "" || l.SlaveKind != "" {
		info := obj{}
		if l.Kind != "" {
			info.add("info_kind", l.Kind)
		}
		if l.SlaveKind != "" {
			info.add("info_slave_kind", l.SlaveKind)
		}
		o.add("linkinfo", info)
	}
	addrs := make([]obj, len(l.Addrs))
	for i := range l.Addrs {
		addrs[i] = addrObj(&l.Addrs[i])
	}
	o.add("addr_info", addrs)
	if l.Peer != nil {
		p := obj{}
		p.add("netns", l.Peer.NsName)
		p.add("ifname", l.Peer.Name)
		p.add("ifindex", l.Peer.Index)
		o.add("peer", p)
	}
	return o
}

func addrObj(a *Addr) obj {
	o := make(obj, 0, 12)
	o.add("family", FamilyName(a.Family))
	o.add("local", a.Local.String())
	if a.Peer != nil {
		o.add("address", a.Peer.String())
	}
	o.add("prefixlen", a.PrefixLen)
	if a.Broadcast != nil {
		o.add("broadcast", a.Broadcast.String())
	}
	if a.Anycast != nil {
		o.add("anycast", a.Anycast.String())
	}
	o.add("scope", ScopeName(a.Scope))
	for _, f := range AddrFlagNames(a.Family, a.Flags) {
		o.add(f, true)
	}
	if a.Label != "" {
		o.add("label", a.Label)
	}
	if a.HasCacheInfo {
		o.add("valid_life_time", a.ValidLft)
		o.add("preferred_life_time", a.PreferredLft)
	}
	if a.HasMetric {
		o.add("metric", a.Metric)
	}
	return o
}

func ipString(ip net.IP) string {
	if ip == nil {
		return ""
	}
	return ip.String()
}

// RouteObj is one route in ip -j route form.
func RouteObj(r *Route, names *Names) obj {
	o := make(obj, 0, 14)
	if r.Type != RTN_UNICAST {
		o.add("type", RouteTypeName(r.Type))
	}
	o.add("dst", r.DstString())
	if r.Src != nil {
		if r.SrcLen == hostLen(r.Family) {
			o.add("from", r.Src.String())
		} else {
			o.add("from", r.Src.String()+"/"+strconv.Itoa(r.SrcLen))
		}
	}
	if r.Tos != 0 {
		o.add("tos", "0x"+strconv.FormatUint(uint64(r.Tos), 16))
	}
	if r.Gateway != nil {
		o.add("gateway", r.Gateway.String())
	}
	if r.Via != nil {
		v := obj{}
		v.add("family", FamilyName(familyOf(r.Via)))
		v.add("host", r.Via.String())
		o.add("via", v)
	}
	if r.Dev != "" {
		o.add("dev", r.Dev)
	}
	if r.Table != TableMain {
		o.add("table", names.Table(r.Table))
	}
	if r.Protocol != 3 { // boot: ip leaves it out
		o.add("protocol", names.Proto(r.Protocol))
	}
	if r.Scope != 0 {
		o.add("scope", ScopeName(r.Scope))
	}
	if r.HasMetric {
		o.add("metric", r.Metric)
	}
	if r.PrefSrc != nil {
		o.add("prefsrc", r.PrefSrc.String())
	}
	o.add("flags", RouteFlagNames(r.Flags))
	if r.HasPref {
		o.add("pref", PrefName(r.Pref))
	}
	if r.MTU != 0 {
		m := obj{}
		m.add("mtu", r.MTU)
		o.add("metrics", []obj{m})
	}
	if len(r.NextHops) > 0 {
		hops := make([]obj, len(r.NextHops))
		for i, nh := range r.NextHops {
			h := obj{}
			if nh.Gateway != nil {
				h.add("gateway", nh.Gateway.String())
			}
			if nh.Dev != "" {
				h.add("dev", nh.Dev)
			}
			h.add("weight", nh.Weight)
			h.add("flags", RouteFlagNames(uint32(nh.Flags)))
			hops[i] = h
		}
		o.add("nexthops", hops)
	}
	return o
}

func familyOf(ip net.IP) int {
	if ip.To4() != nil {
		return AF_INET
	}
	return AF_INET6
}

func ruleObj(r *Rule, names *Names) obj {
	o := make(obj, 0, 10)
	o.add("priority", r.Priority)
	if r.Invert {
		o.add("not", null{})
	}
	host := hostLen(r.Family)
	switch {
	case r.Src != nil:
		o.add("src", r.Src.String())
		if r.SrcLen != host {
			o.add("srclen", r.SrcLen)
		}
	case r.SrcLen != 0:
		o.add("src", "0")
		o.add("srclen", r.SrcLen)
	default:
		o.add("src", "all")
	}
	if r.Dst != nil {
		o.add("dst", r.Dst.String())
		if r.DstLen != host {
			o.add("dstlen", r.DstLen)
		}
	} else if r.DstLen != 0 {
		o.add("dst", "0")
		o.add("dstlen", r.DstLen)
	}
	if r.Tos != 0 {
		o.add("tos", "0x"+strconv.FormatUint(uint64(r.Tos), 16))
	}
	if r.HasMark || r.HasMask {
		o.add("fwmark", "0x"+strconv.FormatUint(uint64(r.Mark), 16))
		if r.HasMask && r.Mask != 0xffffffff {
			o.add("fwmask", "0x"+strconv.FormatUint(uint64(r.Mask), 16))
		}
	}
	if r.Iif != "" {
		o.add("iif", r.Iif)
	}
	if r.Oif != "" {
		o.add("oif", r.Oif)
	}
	if r.L3mdev {
		o.add("l3mdev", null{})
	}
	if r.HasUID {
		u := obj{}
		u.add("start", r.UIDStart)
		u.add("end", r.UIDEnd)
		o.add("uid_range", u)
	}
	if r.Table != 0 && r.Action == FR_ACT_TO_TBL {
		o.add("table", names.Table(r.Table))
	}
	if r.SuppressPrefixlen != -1 {
		o.add("suppress_prefixlen", int(r.SuppressPrefixlen))
	}
	if r.SuppressIfgroup != -1 {
		o.add("suppress_ifgroup", GroupName(uint32(r.SuppressIfgroup)))
	}
	switch r.Action {
	case FR_ACT_TO_TBL:
	case FR_ACT_GOTO:
		o.add("goto", int(r.Goto))
	case FR_ACT_NOP:
		o.add("action", "nop")
	default:
		o.add("action", RouteTypeName(r.Action))
	}
	if r.Protocol != 0 && r.Protocol != 2 {
		o.add("protocol", names.Proto(r.Protocol))
	}
	return o
}

func neighObj(n *Neighbour) obj {
	o := make(obj, 0, 6)
	o.add("dst", ipString(n.Dst))
	if n.Dev != "" {
		o.add("dev", n.Dev)
	}
	if n.LLAddr != nil {
		o.add("lladdr", n.LLAddr.String())
	}
	if n.Flags&0x80 != 0 { // NTF_ROUTER
		o.add("router", null{})
	}
	if n.Flags&0x08 != 0 { // NTF_PROXY
		o.add("proxy", null{})
	}
	if n.Flags&0x10 != 0 { // NTF_EXT_LEARNED
		o.add("extern_learn", null{})
	}
	o.add("state", NeighStateNames(n.State))
	return o
}
