package model

import (
	"bytes"
	"io"
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

// NamespaceJSON is one namespace's object.
func NamespaceJSON(ns *Namespace, names *Names) []byte {
	return AppendNamespaceJSON(make([]byte, 0, 2048), ns, names)
}

// AppendNamespaceJSON appends one namespace's object to b: namespaces
// encoded in parallel, each into a buffer of its own, then written in
// order by a JSONArray.
func AppendNamespaceJSON(b []byte, ns *Namespace, names *Names) []byte {
	w := &jsonWriter{b: b}
	w.namespace(ns, names)
	return w.b
}

// JSONArray writes the array JSON prints, one namespace's object at a
// time as it comes, so the output starts at once and nothing holds the
// whole document.
type JSONArray struct {
	out   io.Writer
	begun bool
}

// NewJSONArray writes the array to out.
func NewJSONArray(out io.Writer) *JSONArray { return &JSONArray{out: out} }

// Add writes one object AppendNamespaceJSON made.
func (a *JSONArray) Add(object []byte) error {
	sep := []byte{','}
	if !a.begun {
		sep[0], a.begun = '[', true
	}
	if _, err := a.out.Write(sep); err != nil {
		return err
	}
	_, err := a.out.Write(object)
	return err
}

// Close ends the array; with nothing added it is "[]".
func (a *JSONArray) Close() error {
	end := "]\n"
	if !a.begun {
		end = "[]\n"
	}
	_, err := io.WriteString(a.out, end)
	return err
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
	if c := ns.Container; c != nil {
		w.beginObject("container")
		w.str("runtime", c.Runtime)
		w.str("id", c.ID)
		if c.Name != "" {
			w.str("name", c.Name)
		}
		if c.Pod != "" {
			w.str("pod", c.Pod)
		}
		w.endObject()
	}
	if len(ns.Mounts) > 0 {
		w.strs("mounts", ns.Mounts)
	}
	if ns.Err != nil {
		w.str("error", ns.Err.Error())
	}
	w.beginArray("links")
	for i := range ns.Links {
		w.beginObject("")
		w.linkFields(ns, &ns.Links[i], showLink)
		w.endObject()
	}
	w.endArray()
	w.beginArray("routes")
	for i := range ns.Routes {
		w.beginObject("")
		w.routeFields(&ns.Routes[i], names)
		w.endObject()
	}
	w.endArray()
	w.beginArray("rules")
	for i := range ns.Rules {
		// ip rule lists one family at a time and says neither; here both
		// share the list, so each says which it is.
		w.beginObject("")
		w.str("family", FamilyName(ns.Rules[i].Family))
		w.ruleFields(&ns.Rules[i], names)
		w.endObject()
	}
	w.endArray()
	w.beginArray("neighbours")
	for i := range ns.Neighbours {
		w.beginObject("")
		w.neighbourFields(&ns.Neighbours[i], names)
		w.endObject()
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

// linkForm says which listing of ip a link object follows.
type linkForm struct {
	addrs bool // addr_info, as ip addr
	link  bool // linkmode and ifalias, which only ip link prints
	// extras are lazyns's own keys: linkinfo (ip -d's info_kind) and peer.
	extras bool
	// stats writes the counters, where they were read, as ip -s does.
	stats bool
	// family, as ip -4/-6 addr, keeps only that family's addresses and
	// leaves out the link/ line's keys (link_type, address, broadcast);
	// for IPv6 ip reads other link messages (inet6LinkFields).
	family int
}

// showLink is show --json's link: everything ip addr and ip link print,
// and lazyns's extras.
var showLink = linkForm{addrs: true, link: true, extras: true, stats: true}

// linkFields writes a link's keys in the order ip prints them
// (print_linkinfo in iproute2's ip/ipaddress.c).
func (w *jsonWriter) linkFields(ns *Namespace, l *Link, f linkForm) {
	if f.family == AF_INET6 {
		w.inet6LinkFields(ns, l)
		return
	}
	w.linkHead(ns, l, l.HasParent, l.NetNsID == NoNsID)
	if l.Qdisc != "" {
		w.str("qdisc", l.Qdisc)
	}
	if m := ns.Master(l); m != nil {
		w.str("master", m.Name)
	} else if l.MasterIndex != 0 {
		w.str("master", "if"+strconv.Itoa(l.MasterIndex))
	}
	w.operState(l)
	if f.link {
		switch l.LinkMode {
		case 0:
			w.str("linkmode", "DEFAULT")
		case 1:
			w.str("linkmode", "DORMANT")
		default:
			w.int("linkmode_index", int64(l.LinkMode))
		}
	}
	w.str("group", GroupName(l.Group))
	// ip prints the queue length only when it is not 0 (print_queuelen):
	// docker's veths and docker0 have none.
	if l.TxQLen != 0 {
		w.int("txqlen", int64(l.TxQLen))
	}
	if f.family == 0 {
		w.str("link_type", HWTypeName(l.HWType))
		if l.MAC != nil {
			w.str("address", l.MAC.String())
		}
		if l.Broadcast != nil {
			if l.Flags&IFF_POINTOPOINT != 0 {
				w.bool("link_pointtopoint", true)
			}
			w.str("broadcast", l.Broadcast.String())
		}
		if l.PermAddr != nil && !bytes.Equal(l.PermAddr, l.MAC) {
			w.str("permaddr", l.PermAddr.String())
		}
	}
	if l.NetNsID != NoNsID {
		w.int("link_netnsid", int64(l.NetNsID))
	}
	if l.ProtoDown {
		w.bool("proto_down", true)
	}
	if f.link && l.Alias != "" {
		w.str("ifalias", l.Alias)
	}
	// ip link prints the counters here, ip addr after the addresses.
	if f.stats && !f.addrs && l.Stats != nil {
		w.statsFields(l.Stats)
	}
	if len(l.AltNames) > 0 {
		w.strs("altnames", l.AltNames)
	}
	if f.extras && (l.Kind != "" || l.SlaveKind != "") {
		w.beginObject("linkinfo")
		if l.Kind != "" {
			w.str("info_kind", l.Kind)
		}
		if l.SlaveKind != "" {
			w.str("info_slave_kind", l.SlaveKind)
		}
		w.endObject()
	}
	if f.addrs {
		w.addrInfo(l, f.family)
		if f.stats && l.Stats != nil {
			w.statsFields(l.Stats)
		}
	}
	if f.extras && l.Peer != nil {
		w.beginObject("peer")
		w.str("netns", l.Peer.NsName)
		w.str("ifname", l.Peer.Name)
		w.int("ifindex", int64(l.Peer.Index))
		w.endObject()
	}
}

// linkHead writes the keys every form of ip's link object starts with,
// up to the MTU. hasParent says whether the kernel sent IFLA_LINK, local
// whether ip looks that index up in this namespace (no IFLA_LINK_NETNSID
// came with it); there it adds M-DOWN when the parent is down, as for
// either end of a down veth pair. A parent ip cannot find is no M-DOWN.
func (w *jsonWriter) linkHead(ns *Namespace, l *Link, hasParent, local bool) {
	w.int("ifindex", int64(l.Index))
	parentDown := false
	if hasParent {
		switch {
		case l.ParentIndex == 0:
			w.null("link")
		case !local:
			w.int("link_index", int64(l.ParentIndex))
		default:
			name := "if" + strconv.Itoa(l.ParentIndex)
			if p := ns.Link(l.ParentIndex); p != nil {
				name, parentDown = p.Name, !p.Up()
			}
			w.str("link", name)
		}
	}
	w.str("ifname", l.Name)
	flags := FlagNames(l.Flags)
	if parentDown {
		flags = append(flags, "M-DOWN")
	}
	w.strs("flags", flags)
	w.int("mtu", int64(l.MTU))
}

// inet6LinkFields is a link as ip -6 addr prints it. ip then asks for the
// links of the IPv6 family, whose messages (inet6_fill_ifinfo in the
// kernel) carry no qdisc, master, group, queue length or peer namespace
// id, and IFLA_LINK only when it differs from the link's own index: ip
// looks the parent up in this namespace, whichever link has that index,
// and reads the queue length by ioctl.
func (w *jsonWriter) inet6LinkFields(ns *Namespace, l *Link) {
	local := l.NetNsID == NoNsID
	w.linkHead(ns, l, l.HasParent && (local || l.ParentIndex != l.Index), true)
	w.operState(l)
	if l.TxQLen != 0 {
		w.int("txqlen", int64(l.TxQLen))
	}
	w.addrInfo(l, AF_INET6)
}

func (w *jsonWriter) operState(l *Link) {
	if int(l.OperState) < len(operStates) {
		w.str("operstate", operStates[l.OperState])
	} else {
		w.uint("operstate_index", uint64(l.OperState))
	}
}

// addrInfo writes the link's addresses of the family (all when 0).
func (w *jsonWriter) addrInfo(l *Link, family int) {
	w.beginArray("addr_info")
	for i := range l.Addrs {
		if family == 0 || l.Addrs[i].Family == family {
			w.beginObject("")
			w.addrFields(&l.Addrs[i])
			w.endObject()
		}
	}
	w.endArray()
}

// addrFields writes an address's keys in ip's order (print_addrinfo).
func (w *jsonWriter) addrFields(a *Addr) {
	w.str("family", FamilyName(a.Family))
	w.str("local", ipString(a.Local))
	if a.Peer != nil {
		w.str("address", a.Peer.String())
	}
	w.int("prefixlen", int64(a.PrefixLen))
	if a.HasMetric {
		w.uint("metric", uint64(a.Metric))
	}
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
	if rest := a.Flags &^ addrFlagsKnown; rest != 0 {
		w.str("ifa_flags", hex2(rest))
	}
	if a.Label != "" {
		w.str("label", a.Label)
	}
	if a.HasCacheInfo {
		w.uint("valid_life_time", uint64(a.ValidLft))
		if a.Flags&IFA_F_DEPRECATED != 0 && a.PreferredLft != infinityLifeTime {
			w.int("preferred_life_time", int64(int32(a.PreferredLft)))
		} else {
			w.uint("preferred_life_time", uint64(a.PreferredLft))
		}
	}
}

// infinityLifeTime is an address lifetime of "forever".
const infinityLifeTime = 0xffffffff

// hex2 is printf's %02x.
func hex2(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

func ipString(ip net.IP) string {
	if ip == nil {
		return ""
	}
	return ip.String()
}

// routeFields writes a route's keys in ip's order (print_route in
// ip/iproute.c).
func (w *jsonWriter) routeFields(r *Route, names *Names) {
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
	if r.PrefSrc != nil {
		w.str("prefsrc", r.PrefSrc.String())
	}
	if r.HasMetric {
		w.uint("metric", uint64(r.Metric))
	}
	w.strs("flags", RouteFlagNames(r.Flags))
	if r.Expires != 0 {
		w.int("expires", int64(r.Expires))
	}
	if r.MTU != 0 {
		w.beginArray("metrics")
		w.beginObject("")
		w.uint("mtu", uint64(r.MTU))
		w.endObject()
		w.endArray()
	}
	if r.HasPref {
		w.str("pref", PrefName(r.Pref))
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
}

// FamilyOf is the AF_* of an address: AF_INET for IPv4, else AF_INET6.
func FamilyOf(ip net.IP) int {
	if ip.To4() != nil {
		return AF_INET
	}
	return AF_INET6
}

// ruleFields writes a rule's keys in ip's order (print_rule in
// ip/iprule.c).
func (w *jsonWriter) ruleFields(r *Rule, names *Names) {
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
		if r.IifDetached {
			w.null("iif_detached")
		}
	}
	if r.Oif != "" {
		w.str("oif", r.Oif)
		if r.OifDetached {
			w.null("oif_detached")
		}
	}
	if r.L3mdev {
		w.null("l3mdev")
	}
	if r.HasUID {
		w.uint("uid_start", uint64(r.UIDStart))
		w.uint("uid_end", uint64(r.UIDEnd))
	}
	if r.HasIPProto {
		w.str("ipproto", names.IPProto(r.IPProto))
	}
	w.portRange("sport", r.HasSport, r.SportStart, r.SportEnd)
	w.portRange("dport", r.HasDport, r.DportStart, r.DportEnd)
	if r.Table != 0 {
		w.str("table", names.Table(r.Table))
		if r.SuppressPrefixlen != -1 {
			w.int("suppress_prefixlen", int64(r.SuppressPrefixlen))
		}
		if r.SuppressIfgroup != -1 {
			w.str("suppress_ifgroup", GroupName(uint32(r.SuppressIfgroup)))
		}
	}
	switch r.Action {
	case FR_ACT_TO_TBL:
	case FR_ACT_GOTO:
		if r.HasGoto {
			w.uint("goto", uint64(r.Goto))
		} else {
			w.str("goto", "none")
		}
		if r.Unresolved {
			w.null("unresolved")
		}
	case FR_ACT_NOP:
		w.null("nop")
	default:
		w.str("action", RouteTypeName(r.Action))
	}
	if r.Protocol != 0 && r.Protocol != 2 { // ip leaves out kernel
		w.str("protocol", names.Proto(r.Protocol))
	}
}

// portRange writes a rule's port match as ip does: one port as "sport",
// a range as "sport_start" and "sport_end".
func (w *jsonWriter) portRange(key string, has bool, start, end uint16) {
	switch {
	case !has:
	case start == end:
		w.uint(key, uint64(start))
	default:
		w.uint(key+"_start", uint64(start))
		w.uint(key+"_end", uint64(end))
	}
}

// neighbourFields writes a neighbour's keys in ip's order (print_neigh in
// ip/ipneigh.c).
func (w *jsonWriter) neighbourFields(n *Neighbour, names *Names) {
	if n.Dst != nil {
		w.str("dst", n.Dst.String())
	}
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
	if n.Flags&0x20 != 0 { // NTF_OFFLOADED
		w.null("offload")
	}
	if n.State != 0 {
		w.strs("state", NeighStateNames(n.State))
	}
	if n.Protocol != 0 {
		w.str("protocol", names.Proto(n.Protocol))
	}
}
