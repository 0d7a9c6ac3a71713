package nsops

import (
	"bytes"
	"fmt"
	"net"
	"syscall"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// The netlink library's types drop fields that ip -j shows (a link's qdisc,
// an address's lifetimes, a route's IPv6 preference), and lazyns promises
// ip's fields. So the messages are parsed here, close to iproute2's own
// printers, with the library's attribute splitter.

var native = nl.NativeEndian()

// ndaProtocol is NDA_PROTOCOL from <linux/neighbour.h> (Linux 5.1), which
// x/sys does not name.
const ndaProtocol = 12

func attrString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func attrU32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return native.Uint32(b)
}

func cloneIP(b []byte) net.IP {
	ip := make(net.IP, len(b))
	copy(ip, b)
	return ip
}

func cloneMAC(b []byte) net.HardwareAddr {
	if len(b) == 0 {
		return nil
	}
	m := make(net.HardwareAddr, len(b))
	copy(m, b)
	return m
}

func parseAttrs(b []byte, hdrLen int) ([]syscall.NetlinkRouteAttr, error) {
	if len(b) < hdrLen {
		return nil, fmt.Errorf("short netlink message (%d bytes)", len(b))
	}
	return routeAttrs(b[nlmsgAlign(hdrLen):])
}

// routeAttrs splits b into its attributes like nl.ParseRouteAttr, but
// counts them first and allocates once: a link carries about forty, and
// growing the slice by appends was a tenth of the CPU of reading 1000
// namespaces (make bench).
func routeAttrs(b []byte) ([]syscall.NetlinkRouteAttr, error) {
	n := 0
	for rest := b; len(rest) >= unix.SizeofRtAttr; n++ {
		l := int(native.Uint16(rest[0:2]))
		if l < unix.SizeofRtAttr || l > len(rest) {
			return nil, unix.EINVAL
		}
		rest = rest[min(nlmsgAlign(l), len(rest)):]
	}
	attrs := make([]syscall.NetlinkRouteAttr, n)
	for i := range attrs {
		l := int(native.Uint16(b[0:2]))
		attrs[i] = syscall.NetlinkRouteAttr{
			Attr:  syscall.RtAttr{Len: uint16(l), Type: native.Uint16(b[2:4])},
			Value: b[unix.SizeofRtAttr:l],
		}
		b = b[min(nlmsgAlign(l), len(b)):]
	}
	return attrs, nil
}

func parseLink(m []byte) (model.Link, error) {
	l := model.Link{NetNsID: model.NoNsID}
	attrs, err := parseAttrs(m, unix.SizeofIfInfomsg)
	if err != nil {
		return l, err
	}
	l.HWType = native.Uint16(m[2:4])
	l.Index = int(int32(native.Uint32(m[4:8])))
	l.Flags = native.Uint32(m[8:12])
	for _, a := range attrs {
		v := a.Value
		// IFLA_PROP_LIST comes marked NLA_F_NESTED; the others do not.
		switch a.Attr.Type &^ unix.NLA_F_NESTED {
		case unix.IFLA_IFNAME:
			l.Name = attrString(v)
		case unix.IFLA_ADDRESS:
			l.MAC = cloneMAC(v)
		case unix.IFLA_BROADCAST:
			l.Broadcast = cloneMAC(v)
		case unix.IFLA_MTU:
			l.MTU = int(attrU32(v))
		case unix.IFLA_LINK:
			l.ParentIndex = int(int32(attrU32(v)))
			l.HasParent = true
		case unix.IFLA_QDISC:
			l.Qdisc = attrString(v)
		case unix.IFLA_MASTER:
			l.MasterIndex = int(attrU32(v))
		case unix.IFLA_TXQLEN:
			l.TxQLen = int(attrU32(v))
		case unix.IFLA_OPERSTATE:
			if len(v) > 0 {
				l.OperState = v[0]
			}
		case unix.IFLA_LINKMODE:
			if len(v) > 0 {
				l.LinkMode = v[0]
			}
		case unix.IFLA_GROUP:
			l.Group = attrU32(v)
		case unix.IFLA_IFALIAS:
			l.Alias = attrString(v)
		case unix.IFLA_LINK_NETNSID:
			l.NetNsID = int(int32(attrU32(v)))
		case unix.IFLA_PERM_ADDRESS:
			l.PermAddr = cloneMAC(v)
		case unix.IFLA_PROTO_DOWN:
			l.ProtoDown = len(v) > 0 && v[0] != 0
		case unix.IFLA_STATS64:
			l.Stats = parseStats64(v)
		case unix.IFLA_PROP_LIST:
			props, err := routeAttrs(v)
			if err != nil {
				return l, err
			}
			for _, p := range props {
				if p.Attr.Type == unix.IFLA_ALT_IFNAME {
					l.AltNames = append(l.AltNames, attrString(p.Value))
				}
			}
		case unix.IFLA_LINKINFO:
			info, err := routeAttrs(v)
			if err != nil {
				return l, err
			}
			for _, i := range info {
				switch i.Attr.Type {
				case unix.IFLA_INFO_KIND:
					l.Kind = attrString(i.Value)
				case unix.IFLA_INFO_SLAVE_KIND:
					l.SlaveKind = attrString(i.Value)
				}
			}
		}
	}
	return l, nil
}

// parseStats64 reads struct rtnl_link_stats64. An older kernel sends
// fewer counters (the struct grew at the end): the missing ones are 0, as
// iproute2 reads them.
func parseStats64(v []byte) *model.LinkStats {
	s := &model.LinkStats{}
	fields := [...]*uint64{
		&s.RxPackets, &s.TxPackets, &s.RxBytes, &s.TxBytes, &s.RxErrors, &s.TxErrors,
		&s.RxDropped, &s.TxDropped, &s.Multicast, &s.Collisions,
		&s.RxLengthErrors, &s.RxOverErrors, &s.RxCRCErrors, &s.RxFrameErrors, &s.RxFIFOErrors, &s.RxMissedErrors,
		&s.TxAbortedErrors, &s.TxCarrierErrors, &s.TxFIFOErrors, &s.TxHeartbeatErrors, &s.TxWindowErrors,
		&s.RxCompressed, &s.TxCompressed, &s.RxNoHandler, &s.RxOtherhostDropped,
	}
	for i, f := range fields {
		if len(v) < 8*(i+1) {
			break
		}
		*f = native.Uint64(v[8*i:])
	}
	return s
}

// parseAddr returns the address and the index of its link.
func parseAddr(m []byte) (model.Addr, int, error) {
	var a model.Addr
	attrs, err := parseAttrs(m, unix.SizeofIfAddrmsg)
	if err != nil {
		return a, 0, err
	}
	a.Family = int(m[0])
	a.PrefixLen = int(m[1])
	a.Flags = uint32(m[2])
	a.Scope = m[3]
	index := int(native.Uint32(m[4:8]))
	var address net.IP
	for _, at := range attrs {
		v := at.Value
		switch at.Attr.Type {
		case unix.IFA_ADDRESS:
			address = cloneIP(v)
		case unix.IFA_LOCAL:
			a.Local = cloneIP(v)
		case unix.IFA_LABEL:
			a.Label = attrString(v)
		case unix.IFA_BROADCAST:
			a.Broadcast = cloneIP(v)
		case unix.IFA_ANYCAST:
			a.Anycast = cloneIP(v)
		case unix.IFA_CACHEINFO:
			if len(v) >= 8 {
				a.PreferredLft = native.Uint32(v[0:4])
				a.ValidLft = native.Uint32(v[4:8])
				a.HasCacheInfo = true
			}
		case unix.IFA_FLAGS:
			a.Flags = attrU32(v)
		case unix.IFA_RT_PRIORITY:
			a.Metric = attrU32(v)
			a.HasMetric = true
		}
	}
	switch {
	case a.Local == nil:
		a.Local = address
	case address != nil && !address.Equal(a.Local):
		a.Peer = address
	}
	return a, index, nil
}

func parseRoute(m []byte, devName func(int) string) (model.Route, error) {
	var r model.Route
	attrs, err := parseAttrs(m, unix.SizeofRtMsg)
	if err != nil {
		return r, err
	}
	r.Family = int(m[0])
	r.DstLen = int(m[1])
	r.SrcLen = int(m[2])
	r.Tos = m[3]
	r.Table = uint32(m[4])
	r.Protocol = m[5]
	r.Scope = m[6]
	r.Type = m[7]
	r.Flags = native.Uint32(m[8:12])
	for _, a := range attrs {
		v := a.Value
		switch a.Attr.Type {
		case unix.RTA_DST:
			r.Dst = cloneIP(v)
		case unix.RTA_SRC:
			r.Src = cloneIP(v)
		case unix.RTA_OIF:
			r.DevIndex = int(attrU32(v))
		case unix.RTA_GATEWAY:
			r.Gateway = cloneIP(v)
		case unix.RTA_VIA:
			if len(v) > 2 {
				r.Via = cloneIP(v[2:])
			}
		case unix.RTA_PRIORITY:
			r.Metric = attrU32(v)
			r.HasMetric = true
		case unix.RTA_PREFSRC:
			r.PrefSrc = cloneIP(v)
		case unix.RTA_TABLE:
			r.Table = attrU32(v)
		case unix.RTA_PREF:
			if len(v) > 0 {
				r.Pref = v[0]
				r.HasPref = true
			}
		case unix.RTA_CACHEINFO:
			if len(v) >= 12 {
				r.Expires = int(int32(native.Uint32(v[8:12]))) / 100
			}
		case unix.RTA_METRICS:
			metrics, err := routeAttrs(v)
			if err != nil {
				return r, err
			}
			for _, mt := range metrics {
				if mt.Attr.Type == unix.RTAX_MTU {
					r.MTU = attrU32(mt.Value)
				}
			}
		case unix.RTA_MULTIPATH:
			hops, err := parseNextHops(v, devName)
			if err != nil {
				return r, err
			}
			r.NextHops = hops
		}
	}
	if r.DevIndex != 0 {
		r.Dev = devName(r.DevIndex)
	}
	return r, nil
}

func parseNextHops(b []byte, devName func(int) string) ([]model.NextHop, error) {
	var hops []model.NextHop
	for len(b) >= unix.SizeofRtNexthop {
		length := int(native.Uint16(b[0:2]))
		if length < unix.SizeofRtNexthop || length > len(b) {
			return hops, fmt.Errorf("malformed multipath route")
		}
		nh := model.NextHop{
			Flags:    b[2],
			Weight:   int(b[3]) + 1,
			DevIndex: int(int32(native.Uint32(b[4:8]))),
		}
		attrs, err := routeAttrs(b[unix.SizeofRtNexthop:length])
		if err != nil {
			return hops, err
		}
		for _, a := range attrs {
			if a.Attr.Type == unix.RTA_GATEWAY {
				nh.Gateway = cloneIP(a.Value)
			}
		}
		if nh.DevIndex != 0 {
			nh.Dev = devName(nh.DevIndex)
		}
		hops = append(hops, nh)
		b = b[nlmsgAlign(length):]
	}
	return hops, nil
}

func parseRule(m []byte) (model.Rule, error) {
	r := model.Rule{SuppressPrefixlen: -1, SuppressIfgroup: -1}
	attrs, err := parseAttrs(m, 12) // struct fib_rule_hdr
	if err != nil {
		return r, err
	}
	r.Family = int(m[0])
	r.DstLen = int(m[1])
	r.SrcLen = int(m[2])
	r.Tos = m[3]
	r.Table = uint32(m[4])
	r.Action = m[7]
	flags := native.Uint32(m[8:12])
	r.Invert = flags&unix.FIB_RULE_INVERT != 0
	r.IifDetached = flags&unix.FIB_RULE_IIF_DETACHED != 0
	r.OifDetached = flags&unix.FIB_RULE_OIF_DETACHED != 0
	r.Unresolved = flags&unix.FIB_RULE_UNRESOLVED != 0
	for _, a := range attrs {
		v := a.Value
		switch a.Attr.Type {
		case unix.FRA_DST:
			r.Dst = cloneIP(v)
		case unix.FRA_SRC:
			r.Src = cloneIP(v)
		case unix.FRA_IIFNAME:
			r.Iif = attrString(v)
		case unix.FRA_OIFNAME:
			r.Oif = attrString(v)
		case unix.FRA_GOTO:
			r.Goto, r.HasGoto = attrU32(v), true
		case unix.FRA_PRIORITY:
			r.Priority = attrU32(v)
		case unix.FRA_FWMARK:
			r.Mark, r.HasMark = attrU32(v), true
		case unix.FRA_FWMASK:
			r.Mask, r.HasMask = attrU32(v), true
		case unix.FRA_TABLE:
			r.Table = attrU32(v)
		case unix.FRA_SUPPRESS_PREFIXLEN:
			r.SuppressPrefixlen = int32(attrU32(v))
		case unix.FRA_SUPPRESS_IFGROUP:
			r.SuppressIfgroup = int32(attrU32(v))
		case unix.FRA_L3MDEV:
			r.L3mdev = len(v) > 0 && v[0] != 0
		case unix.FRA_PROTOCOL:
			if len(v) > 0 {
				r.Protocol = v[0]
			}
		case unix.FRA_IP_PROTO:
			if len(v) > 0 {
				r.IPProto, r.HasIPProto = v[0], true
			}
		case unix.FRA_UID_RANGE:
			if len(v) >= 8 {
				r.UIDStart, r.UIDEnd, r.HasUID = native.Uint32(v[0:4]), native.Uint32(v[4:8]), true
			}
		case unix.FRA_SPORT_RANGE:
			if len(v) >= 4 {
				r.SportStart, r.SportEnd, r.HasSport = native.Uint16(v[0:2]), native.Uint16(v[2:4]), true
			}
		case unix.FRA_DPORT_RANGE:
			if len(v) >= 4 {
				r.DportStart, r.DportEnd, r.HasDport = native.Uint16(v[0:2]), native.Uint16(v[2:4]), true
			}
		}
	}
	return r, nil
}

func parseNeigh(m []byte, devName func(int) string) (model.Neighbour, error) {
	var n model.Neighbour
	attrs, err := parseAttrs(m, unix.SizeofNdMsg)
	if err != nil {
		return n, err
	}
	n.Family = int(m[0])
	n.DevIndex = int(int32(native.Uint32(m[4:8])))
	n.State = native.Uint16(m[8:10])
	n.Flags = m[10]
	for _, a := range attrs {
		switch a.Attr.Type {
		case unix.NDA_DST:
			n.Dst = cloneIP(a.Value)
		case unix.NDA_LLADDR:
			n.LLAddr = cloneMAC(a.Value)
		case ndaProtocol:
			if len(a.Value) > 0 {
				n.Protocol = a.Value[0]
			}
		}
	}
	if n.DevIndex != 0 {
		n.Dev = devName(n.DevIndex)
	}
	return n, nil
}
