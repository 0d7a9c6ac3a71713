package nsops

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// A lab is built one unit at a time (a router with its DHCP namespace),
// units in parallel. Each unit talks to the kernel through one netlink
// socket per namespace it touches, opened once — for a namespace the unit
// makes, by the very thread that made it, while still inside — and knows
// the links it made by the index the kernel echoed when making them
// (NLM_F_ECHO), so no step opens a socket or looks a link up by name
// again. Every link change takes the kernel's one lock for link changes
// (RTNL), so the fewer requests, the less the units wait for each other:
// a plugged port is one request (made on its bridge, up, its peer born in
// the namespace) where the UI's changes take four.

// nsLink names a link a lab knows: its namespace ("" = the host) and name.
type nsLink struct{ ns, name string }

// labLinks are the indexes of the links a lab made or looked up, shared
// by its units (the bridges are made in the setup and used by all).
type labLinks struct {
	mu sync.Mutex
	m  map[nsLink]int
}

func (l *labLinks) set(ns, name string, index int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[nsLink]int{}
	}
	l.m[nsLink{ns, name}] = index
}

func (l *labLinks) get(ns, name string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.m[nsLink{ns, name}]
	return i, ok
}

// unitBuild does the ops of one unit (or of the setup).
type unitBuild struct {
	b  *labBuild
	ns map[string]*unitNs
}

// unitNs is a namespace as a unit holds it: its file (to give a veth's
// peer to it, and to keep it while the unit works) and one socket in it.
type unitNs struct {
	held *heldNs
	conn *conn
}

func (b *labBuild) unit() *unitBuild { return &unitBuild{b: b, ns: map[string]*unitNs{}} }

// close lets go of every socket and file the unit opened: a socket left
// open in a namespace would keep it alive after lab down.
func (u *unitBuild) close() {
	for _, n := range u.ns {
		n.conn.Close()
		n.held.close()
	}
}

// in is namespace ns as the unit holds it, opened the first time.
func (u *unitBuild) in(ns string) (*unitNs, error) {
	if n, ok := u.ns[ns]; ok {
		return n, nil
	}
	h, err := u.b.sys.holdNamed(ns)
	if err != nil {
		return nil, err
	}
	c, err := dialIn(h)
	if err != nil {
		h.close()
		return nil, fmt.Errorf("open netlink in %s: %w", model.NsLabel(ns), err)
	}
	n := &unitNs{held: h, conn: c}
	u.ns[ns] = n
	return n, nil
}

// index is the ifindex of link name in ns: one the lab made or looked up
// already, or asked of the kernel now (one request, no dump).
func (u *unitBuild) index(ns, name, what string) (int, error) {
	if i, ok := u.b.links.get(ns, name); ok {
		return i, nil
	}
	n, err := u.in(ns)
	if err != nil {
		return 0, err
	}
	index := 0
	err = n.conn.request(unix.RTM_GETLINK, 0, []nl.NetlinkRequestData{
		nl.NewIfInfomsg(unix.AF_UNSPEC),
		nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)),
		nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats)),
	}, unix.RTM_NEWLINK, func(m []byte) { index = ifinfoIndex(m) })
	if errors.Is(err, unix.ENODEV) || err == nil && index == 0 {
		return 0, fmt.Errorf("no %s %s in %s", what, model.Visible(name), model.NsLabel(ns))
	}
	if err != nil {
		return 0, fmt.Errorf("look up %s in %s: %w", model.Visible(name), model.NsLabel(ns), err)
	}
	u.b.links.set(ns, name, index)
	return index, nil
}

// ifinfoIndex is the ifindex in a link message (struct ifinfomsg).
func ifinfoIndex(m []byte) int {
	if len(m) < unix.SizeofIfInfomsg {
		return 0
	}
	return int(int32(nl.NativeEndian().Uint32(m[4:8])))
}

// apply makes one op and records what it made that lives outside a lab
// namespace (or is one).
func (u *unitBuild) apply(op model.LabOp) error {
	switch {
	case op.Netns != nil:
		return u.netns(*op.Netns)
	case op.Bridge != nil:
		return u.bridge(*op.Bridge)
	case op.Port != nil:
		return u.veth(op.Port.VethSpec, op.Port.Bridge)
	case op.Veth != nil:
		return u.veth(*op.Veth, "")
	case op.Master != nil:
		return u.master(*op.Master)
	case op.State != nil:
		return u.state(*op.State)
	case op.Addr != nil:
		return u.addr(*op.Addr)
	case op.Route != nil:
		return u.route(*op.Route)
	case op.Rule != nil:
		return u.rule(*op.Rule)
	case op.Fwd != nil:
		n, err := u.in(op.Fwd.Ns)
		if err != nil {
			return err
		}
		if _, err := writeSysctlIn(n.held, op.Fwd.Sysctl(), sysctlBit(op.Fwd.On)); err != nil {
			return fmt.Errorf("set forwarding in %s: %w", model.NsLabel(op.Fwd.Ns), err)
		}
		return nil
	case op.Masq != nil:
		// One rule in one namespace: the nat lab's, made as the UI makes it.
		_, err := u.b.sys.AddMasquerade(*op.Masq)
		return err
	}
	return errors.New("an empty step")
}

// netns makes a namespace and, on the thread that made it, still inside,
// the unit's socket and file for it.
func (u *unitBuild) netns(spec model.NetnsSpec) error {
	n := &unitNs{}
	err := u.b.sys.addNetns(spec, func() error {
		fd, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open the new namespace: %w", err)
		}
		n.held = &heldNs{NsHandle: netns.NsHandle(fd)}
		n.conn, err = dialHere(unix.NETLINK_ROUTE, "rtnetlink")
		return err
	})
	if err != nil {
		n.conn.Close()
		n.held.close()
		return err
	}
	u.ns[spec.Name] = n
	var st unix.Stat_t
	if err := unix.Fstat(n.held.fd(), &st); err != nil {
		return fmt.Errorf("stat namespace %s: %w", model.Visible(spec.Name), err)
	}
	u.b.state.AddNamespace(spec.Name, st.Ino)
	return nil
}

// newLink asks ns's socket to make a link and says which index it got.
// For a veth, the echo also says its peer's index in the peer's
// namespace (IFLA_LINK), recorded as peer's: no lookup by name, which
// takes the lock every link change waits for, is needed for it.
func (u *unitBuild) newLink(ns, name string, peer *nsLink, data []nl.NetlinkRequestData) (int, error) {
	n, err := u.in(ns)
	if err != nil {
		return 0, err
	}
	index, peerIndex := 0, 0
	err = n.conn.change(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, data, func(m []byte) {
		if l, perr := parseLink(m); perr == nil && l.Name == name {
			index = l.Index
			// The kernel leaves IFLA_LINK out when it equals the link's own index.
			peerIndex = l.Index
			if l.HasParent && l.ParentIndex != 0 {
				peerIndex = l.ParentIndex
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if index == 0 {
		// A kernel older than 6.2 does not echo a new link: ask.
		return u.index(ns, name, "link")
	}
	u.b.links.set(ns, name, index)
	if peer != nil {
		u.b.links.set(peer.ns, peer.name, peerIndex)
	}
	return index, nil
}

func (u *unitBuild) bridge(spec model.BridgeSpec) error {
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated("bridge"))
	index, err := u.newLink(spec.Ns, spec.Name, nil, []nl.NetlinkRequestData{
		nl.NewIfInfomsg(unix.AF_UNSPEC),
		nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(spec.Name)),
		info,
	})
	if err != nil {
		return bridgeAddErr(err, spec)
	}
	if spec.Ns == "" {
		u.b.state.AddHostLink(spec.Name, index)
	}
	return nil
}

// veth makes a pair, its peer born in its namespace; with a bridge, the
// near end is born a port of it and up, and both ends get one queue each
// way (model.PortSpec says why).
func (u *unitBuild) veth(spec model.VethSpec, bridge string) error {
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	data := []nl.NetlinkRequestData{msg, nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(spec.Name))}
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated("veth"))
	peer := info.AddRtAttr(nl.IFLA_INFO_DATA, nil).AddRtAttr(nl.VETH_INFO_PEER, nil)
	nl.NewIfInfomsgChild(peer, unix.AF_UNSPEC)
	peer.AddRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(spec.PeerName))
	if bridge != "" {
		br, err := u.index(spec.Ns, bridge, "bridge")
		if err != nil {
			return err
		}
		msg.Flags, msg.Change = unix.IFF_UP, unix.IFF_UP
		one := nl.Uint32Attr(1)
		data = append(data, nl.NewRtAttr(unix.IFLA_MASTER, nl.Uint32Attr(uint32(br))),
			nl.NewRtAttr(unix.IFLA_NUM_TX_QUEUES, one), nl.NewRtAttr(unix.IFLA_NUM_RX_QUEUES, one))
		peer.AddRtAttr(unix.IFLA_NUM_TX_QUEUES, one)
		peer.AddRtAttr(unix.IFLA_NUM_RX_QUEUES, one)
	}
	if spec.PeerNs != spec.Ns {
		p, err := u.in(spec.PeerNs)
		if err != nil {
			return err
		}
		peer.AddRtAttr(unix.IFLA_NET_NS_FD, nl.Uint32Attr(uint32(p.held.fd())))
	}
	data = append(data, info)
	index, err := u.newLink(spec.Ns, spec.Name, &nsLink{spec.PeerNs, spec.PeerName}, data)
	if err != nil {
		return u.b.sys.vethAddErr(err, spec)
	}
	if spec.Ns == "" {
		u.b.state.AddHostLink(spec.Name, index)
	}
	if spec.PeerNs == "" {
		peerIndex, err := u.index("", spec.PeerName, "link")
		if err != nil {
			return err
		}
		u.b.state.AddHostLink(spec.PeerName, peerIndex)
	}
	return nil
}

// setLink changes a link the unit can name by index.
func (u *unitBuild) setLink(ns, name string, msg *nl.IfInfomsg, data ...nl.NetlinkRequestData) error {
	index, err := u.index(ns, name, "link")
	if err != nil {
		return err
	}
	n, err := u.in(ns)
	if err != nil {
		return err
	}
	msg.Index = int32(index)
	return n.conn.change(unix.RTM_NEWLINK, 0, append([]nl.NetlinkRequestData{msg}, data...), nil)
}

func (u *unitBuild) master(spec model.MasterSpec) error {
	br, err := u.index(spec.Ns, spec.Bridge, "bridge")
	if err != nil {
		return err
	}
	err = u.setLink(spec.Ns, spec.Link, nl.NewIfInfomsg(unix.AF_UNSPEC), nl.NewRtAttr(unix.IFLA_MASTER, nl.Uint32Attr(uint32(br))))
	if err != nil && !errors.As(err, new(wordsError)) {
		return kernelErr(err, "attach "+model.Visible(spec.Link)+" to bridge "+model.Visible(spec.Bridge), spec.Ns)
	}
	return err
}

func (u *unitBuild) state(spec model.LinkStateSpec) error {
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Change = unix.IFF_UP
	what := "set " + model.Visible(spec.Name) + " down"
	if spec.Up {
		msg.Flags = unix.IFF_UP
		what = "set " + model.Visible(spec.Name) + " up"
	}
	err := u.setLink(spec.Ns, spec.Name, msg)
	if err != nil && !errors.As(err, new(wordsError)) {
		return kernelErr(err, what, spec.Ns)
	}
	return err
}

// ipBytes is a validated address's family and bytes.
func ipBytes(a netip.Addr) (family int, b []byte) {
	if a.Is4() {
		return unix.AF_INET, a.AsSlice()
	}
	return unix.AF_INET6, a.AsSlice()
}

// addr adds an address as `ip addr add` does: local and address the
// same, no broadcast.
func (u *unitBuild) addr(spec model.AddrSpec) error {
	index, err := u.index(spec.Ns, spec.Dev, "link")
	if err != nil {
		return err
	}
	n, err := u.in(spec.Ns)
	if err != nil {
		return err
	}
	p := netip.MustParsePrefix(spec.CIDR)
	family, ip := ipBytes(p.Addr())
	msg := nl.NewIfAddrmsg(family)
	msg.Index, msg.Prefixlen = uint32(index), uint8(p.Bits())
	err = n.conn.change(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, []nl.NetlinkRequestData{
		msg, nl.NewRtAttr(unix.IFA_LOCAL, ip), nl.NewRtAttr(unix.IFA_ADDRESS, ip),
	}, nil)
	if err != nil {
		if err = addrAddErr(err, spec); !errors.As(err, new(wordsError)) {
			return kernelErr(err, "add address "+spec.CIDR+" to "+model.Visible(spec.Dev), spec.Ns)
		}
	}
	return err
}

// route adds a route as `ip route add` does: protocol boot, scope link
// when there is no gateway.
func (u *unitBuild) route(spec model.RouteSpec) error {
	n, err := u.in(spec.Ns)
	if err != nil {
		return err
	}
	msg := nl.NewRtMsg() // main table, protocol boot, scope universe, unicast
	msg.Family = unix.AF_INET
	if spec.Family() == 6 {
		msg.Family = unix.AF_INET6
	}
	var data []nl.NetlinkRequestData
	if spec.Dst != "default" {
		p := netip.MustParsePrefix(spec.Dst)
		_, dst := ipBytes(p.Masked().Addr())
		msg.Dst_len = uint8(p.Bits())
		data = append(data, nl.NewRtAttr(unix.RTA_DST, dst))
	}
	if spec.Gateway != "" {
		_, gw := ipBytes(netip.MustParseAddr(spec.Gateway))
		data = append(data, nl.NewRtAttr(unix.RTA_GATEWAY, gw))
	} else {
		msg.Scope = unix.RT_SCOPE_LINK
	}
	if spec.Dev != "" {
		index, err := u.index(spec.Ns, spec.Dev, "link")
		if err != nil {
			return err
		}
		data = append(data, nl.NewRtAttr(unix.RTA_OIF, nl.Uint32Attr(uint32(index))))
	}
	if spec.Table != 0 {
		msg.Table = unix.RT_TABLE_UNSPEC
		if spec.Table < 256 {
			msg.Table = uint8(spec.Table)
		}
		data = append(data, nl.NewRtAttr(unix.RTA_TABLE, nl.Uint32Attr(spec.Table)))
	}
	if spec.Metric != 0 {
		data = append(data, nl.NewRtAttr(unix.RTA_PRIORITY, nl.Uint32Attr(spec.Metric)))
	}
	err = n.conn.change(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, append([]nl.NetlinkRequestData{msg}, data...), nil)
	return routeAddErr(err, spec, nil)
}

// rule adds a policy rule as `ip rule add from PREFIX table T pref P`.
func (u *unitBuild) rule(spec model.RuleSpec) error {
	n, err := u.in(spec.Ns)
	if err != nil {
		return err
	}
	p := netip.MustParsePrefix(spec.From)
	family, src := ipBytes(p.Masked().Addr())
	msg := nl.NewRtMsg()
	msg.Family, msg.Src_len = uint8(family), uint8(p.Bits())
	msg.Table = unix.RT_TABLE_UNSPEC
	data := []nl.NetlinkRequestData{msg, nl.NewRtAttr(unix.RTA_SRC, src)}
	if spec.Table < 256 {
		msg.Table = uint8(spec.Table)
	} else {
		data = append(data, nl.NewRtAttr(nl.FRA_TABLE, nl.Uint32Attr(spec.Table)))
	}
	if spec.Pref != 0 {
		data = append(data, nl.NewRtAttr(nl.FRA_PRIORITY, nl.Uint32Attr(spec.Pref)))
	}
	err = n.conn.change(unix.RTM_NEWRULE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, data, nil)
	return ruleAddErr(err, spec)
}
