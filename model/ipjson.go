package model

import (
	"net"
	"strconv"
)

// JSON renders namespaces as the array `lazyns show --json` prints: one
// object per namespace whose links, routes, rules and neighbours use the
// field names and value forms of `ip -j`, so a jq filter written for
// iproute2 works unchanged.
func JSON(nss []*Namespace, names *Names) ([]byte, error) {
	w := &jsonWriter{b: make([]byte, 0, 2048*len(nss)+2)}
	w.beginArray("")
	for _, ns := range nss {
		w.namespace(ns, names)
	}
	w.endArray()
	return append(w.b, '\n'), nil
}

// NamespaceJSON is one namespace's object, for writing many in parallel
// and joining them with JoinJSON.
func NamespaceJSON(ns *Namespace, names *Names) []byte {
	w := &jsonWriter{b: make([]byte, 0, 2048)}
	w.namespace(ns, names)
	return w.b
}

// JoinJSON makes the array JSON prints from objects NamespaceJSON wrote.
func JoinJSON(objects [][]byte) []byte {
	n := 2
	for _, o := range objects {
		n += len(o) + 1
	}
	b := make([]byte, 0, n+1)
	b = append(b, '[')
	for i, o := range objects {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, o...)
	}
	return append(b, ']', '\n')
}

func (w *jsonWriter) namespace(ns *Namespace, names *Names) {
	w.beginObject("")
	w.str("name", ns.DisplayName())
	w.bool("named", ns.Named())
	w.str("path", ns.Path)
	w.uint("inode", ns.Key.Ino)
	w.ints("pids", ns.Pids())
	if ns.Host {
		w.bool("host", true)
	}
	if ns.Stale {
		w.bool("stale", true)
	}
	if ns.Empty() {
		w.bool("empty", true)
	}
	if ns.Container != "" {
		w.str("container", ns.Container)
	}
	if len(ns.Mounts) > 0 {
		w.strs("mounts", ns.Mounts)
	}
	if ns.Err != "" {
		w.str("error", ns.Err)
	}
	w.beginArray("links")
	for i := range ns.Links {
		w.link(ns, &ns.Links[i])
	}
	w.endArray()
	w.beginArray("routes")
	for i := range ns.Routes {
		w.route(&ns.Routes[i], names)
	}
	w.endArray()
	w.beginArray("rules")
	for i := range ns.Rules {
		w.rule(&ns.Rules[i], names)
	}
	w.endArray()
	w.beginArray("neighbours")
	for i := range ns.Neighbours {
		w.neighbour(&ns.Neighbours[i])
	}
	w.endArray()
	w.netfilter(ns)
	w.endObject()
}

// GroupName is ip's name for an interface group.
func GroupName(g uint32) string {
	if g == 0 {
		return "default"
	}
	return strconv.FormatUint(uint64(g), 10)
}

func (w *jsonWriter) link(ns *Namespace, l *Link) {
	w.beginObject("")
	w.int("ifindex", int64(l.Index))
	if l.HasParent {
		switch {
		case l.ParentIndex == 0:
			w.null("link")
		case l.NetNsID != NoNsID:
			w.int("link_index", int64(l.ParentIndex))
		default:
			name := "if" + strconv.Itoa(l.ParentIndex)
			if p := ns.Link(l.ParentIndex); p != nil {
				name = p.Name
			}
			w.str("link", name)
		}
	}
	w.str("ifname", l.Name)
	w.strs("flags", FlagNames(l.Flags))
	w.int("mtu", int64(l.MTU))
	if l.Qdisc != "" {
		w.str("qdisc", l.Qdisc)
	}
	if m := ns.Master(l); m != nil {
		w.str("master", m.Name)
	} else if l.MasterIndex != 0 {
		w.str("master", "if"+strconv.Itoa(l.MasterIndex))
	}
	w.str("operstate", OperStateName(l.OperState))
	if l.LinkMode == 1 {
		w.str("linkmode", "DORMANT")
	} else {
		w.str("linkmode", "DEFAULT")
	}
	w.str("group", GroupName(l.Group))
	w.int("txqlen", int64(l.TxQLen))
	w.str("link_type", HWTypeName(l.HWType))
	if l.MAC != nil {
		w.str("address", l.MAC.String())
	}
	if l.Flags&IFF_POINTOPOINT != 0 {
		w.bool("link_pointtopoint", true)
	} else if l.Broadcast != nil {
		w.str("broadcast", l.Broadcast.String())
	}
	if l.NetNsID != NoNsID {
		w.int("link_netnsid", int64(l.NetNsID))
	}
	if l.Alias != "" {
		w.str("ifalias", l.Alias)
	}
	if l.Kind != "" || l.SlaveKind != "" {
		w.beginObject("linkinfo")
		if l.Kind != "" {
			w.str("info_kind", l.Kind)
		}
		if l.SlaveKind != "" {
			w.str("info_slave_kind", l.SlaveKind)
		}
		w.endObject()
	}
	w.beginArray("addr_info")
	for i := range l.Addrs {
		w.addr(&l.Addrs[i])
	}
	w.endArray()
	if l.Peer != nil {
		w.beginObject("peer")
		w.str("netns", l.Peer.NsName)
		w.str("ifname", l.Peer.Name)
		w.int("ifindex", int64(l.Peer.Index))
		w.endObject()
	}
	w.endObject()
}

func (w *jsonWriter) addr(a *Addr) {
	w.beginObject("")
	w.str("family", FamilyName(a.Family))
	w.str("local", ipString(a.Local))
	if a.Peer != nil {
		w.str("address", a.Peer.String())
	}
	w.int("prefixlen", int64(a.PrefixLen))
	if a.Broadcast != nil {
		w.str("broadcast", a.Broadcast.String())
	}
	if a.Anycast != nil {
		w.str("anycast", a.Anycast.String())
	}
	w.str("scope", ScopeName(a.Scope))
	for _, f := range AddrFlagNames(a.Family, a.Flags) {
		w.bool(f, true)
	}
	if a.Label != "" {
		w.str("label", a.Label)
	}
	if a.HasCacheInfo {
		w.uint("valid_life_time", uint64(a.ValidLft))
		w.uint("preferred_life_time", uint64(a.PreferredLft))
	}
	if a.HasMetric {
		w.uint("metric", uint64(a.Metric))
	}
	w.endObject()
}

func ipString(ip net.IP) string {
	if ip == nil {
		return ""
	}
	return ip.String()
}

func (w *jsonWriter) route(r *Route, names *Names) {
	w.beginObject("")
	if r.Type != RTN_UNICAST {
		w.str("type", RouteTypeName(r.Type))
	}
	w.str("dst", r.DstString())
	if r.Src != nil {
		if r.SrcLen == hostLen(r.Family) {
			w.str("from", r.Src.String())
		} else {
			w.str("from", r.Src.String()+"/"+strconv.Itoa(r.SrcLen))
		}
	}
	if r.Tos != 0 {
		w.str("tos", "0x"+strconv.FormatUint(uint64(r.Tos), 16))
	}
	if r.Gateway != nil {
		w.str("gateway", r.Gateway.String())
	}
	if r.Via != nil {
		w.beginObject("via")
		w.str("family", FamilyName(FamilyOf(r.Via)))
		w.str("host", r.Via.String())
		w.endObject()
	}
	if r.Dev != "" {
		w.str("dev", r.Dev)
	}
	if r.Table != TableMain {
		w.str("table", names.Table(r.Table))
	}
	if r.Protocol != 3 { // boot: ip leaves it out
		w.str("protocol", names.Proto(r.Protocol))
	}
	if r.Scope != 0 {
		w.str("scope", ScopeName(r.Scope))
	}
	if r.HasMetric {
		w.uint("metric", uint64(r.Metric))
	}
	if r.PrefSrc != nil {
		w.str("prefsrc", r.PrefSrc.String())
	}
	w.strs("flags", RouteFlagNames(r.Flags))
	if r.HasPref {
		w.str("pref", PrefName(r.Pref))
	}
	if r.MTU != 0 {
		w.beginArray("metrics")
		w.beginObject("")
		w.uint("mtu", uint64(r.MTU))
		w.endObject()
		w.endArray()
	}
	if len(r.NextHops) > 0 {
		w.beginArray("nexthops")
		for _, nh := range r.NextHops {
			w.beginObject("")
			if nh.Gateway != nil {
				w.str("gateway", nh.Gateway.String())
			}
			if nh.Dev != "" {
				w.str("dev", nh.Dev)
			}
			w.int("weight", int64(nh.Weight))
			w.strs("flags", RouteFlagNames(uint32(nh.Flags)))
			w.endObject()
		}
		w.endArray()
	}
	w.endObject()
}

// FamilyOf is the AF_* of an address: AF_INET for IPv4, else AF_INET6.
func FamilyOf(ip net.IP) int {
	if ip.To4() != nil {
		return AF_INET
	}
	return AF_INET6
}

func (w *jsonWriter) rule(r *Rule, names *Names) {
	w.beginObject("")
	w.uint("priority", uint64(r.Priority))
	if r.Invert {
		w.null("not")
	}
	host := hostLen(r.Family)
	switch {
	case r.Src != nil:
		w.str("src", r.Src.String())
		if r.SrcLen != host {
			w.int("srclen", int64(r.SrcLen))
		}
	case r.SrcLen != 0:
		w.str("src", "0")
		w.int("srclen", int64(r.SrcLen))
	default:
		w.str("src", "all")
	}
	if r.Dst != nil {
		w.str("dst", r.Dst.String())
		if r.DstLen != host {
			w.int("dstlen", int64(r.DstLen))
		}
	} else if r.DstLen != 0 {
		w.str("dst", "0")
		w.int("dstlen", int64(r.DstLen))
	}
	if r.Tos != 0 {
		w.str("tos", "0x"+strconv.FormatUint(uint64(r.Tos), 16))
	}
	if r.HasMark || r.HasMask {
		w.str("fwmark", "0x"+strconv.FormatUint(uint64(r.Mark), 16))
		if r.HasMask && r.Mask != 0xffffffff {
			w.str("fwmask", "0x"+strconv.FormatUint(uint64(r.Mask), 16))
		}
	}
	if r.Iif != "" {
		w.str("iif", r.Iif)
	}
	if r.Oif != "" {
		w.str("oif", r.Oif)
	}
	if r.L3mdev {
		w.null("l3mdev")
	}
	if r.HasUID {
		w.beginObject("uid_range")
		w.uint("start", uint64(r.UIDStart))
		w.uint("end", uint64(r.UIDEnd))
		w.endObject()
	}
	if r.Table != 0 && r.Action == FR_ACT_TO_TBL {
		w.str("table", names.Table(r.Table))
	}
	if r.SuppressPrefixlen != -1 {
		w.int("suppress_prefixlen", int64(r.SuppressPrefixlen))
	}
	if r.SuppressIfgroup != -1 {
		w.str("suppress_ifgroup", GroupName(uint32(r.SuppressIfgroup)))
	}
	switch r.Action {
	case FR_ACT_TO_TBL:
	case FR_ACT_GOTO:
		w.int("goto", int64(r.Goto))
	case FR_ACT_NOP:
		w.str("action", "nop")
	default:
		w.str("action", RouteTypeName(r.Action))
	}
	if r.Protocol != 0 && r.Protocol != 2 {
		w.str("protocol", names.Proto(r.Protocol))
	}
	w.endObject()
}

func (w *jsonWriter) neighbour(n *Neighbour) {
	w.beginObject("")
	w.str("dst", ipString(n.Dst))
	if n.Dev != "" {
		w.str("dev", n.Dev)
	}
	if n.LLAddr != nil {
		w.str("lladdr", n.LLAddr.String())
	}
	if n.Flags&0x80 != 0 { // NTF_ROUTER
		w.null("router")
	}
	if n.Flags&0x08 != 0 { // NTF_PROXY
		w.null("proxy")
	}
	if n.Flags&0x10 != 0 { // NTF_EXT_LEARNED
		w.null("extern_learn")
	}
	w.strs("state", NeighStateNames(n.State))
	w.endObject()
}
