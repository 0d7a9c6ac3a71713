package nsops

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// AddAddr adds an address to a link, exactly as `ip addr add` would: no
// broadcast address unless asked (the netlink library would compute one).
func (s *System) AddAddr(spec model.AddrSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	return result(spec.AddCmds(), s.addAddr(spec))
}

func (s *System) addAddr(spec model.AddrSpec) error {
	addr := toAddr(spec.CIDR)
	return s.onLink(spec.Ns, spec.Dev, "add address "+spec.CIDR+" to "+model.Visible(spec.Dev), func(h *netlink.Handle, l netlink.Link) error {
		return addrAddErr(h.AddrAdd(l, addr), spec)
	})
}

// addrAddErr says why an address could not be added, where it is more
// than the kernel's word for it.
func addrAddErr(err error, spec model.AddrSpec) error {
	if errors.Is(err, unix.EEXIST) {
		return said(err, "%s already has address %s in %s", model.Visible(spec.Dev), spec.CIDR, model.NsLabel(spec.Ns))
	}
	return err
}

// DeleteAddr removes an address from a link.
func (s *System) DeleteAddr(spec model.AddrSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	addr := toAddr(spec.CIDR)
	err := s.onLink(spec.Ns, spec.Dev, "delete address "+spec.CIDR+" from "+model.Visible(spec.Dev), func(h *netlink.Handle, l netlink.Link) error {
		err := h.AddrDel(l, addr)
		if errors.Is(err, unix.EADDRNOTAVAIL) {
			return said(err, "%s in %s has no address %s", model.Visible(spec.Dev), model.NsLabel(spec.Ns), spec.CIDR)
		}
		return err
	})
	return result(spec.DeleteCmds(), err)
}

// toAddr turns a validated CIDR into the library's address, keeping the
// host part (10.0.1.1/24, not 10.0.1.0/24).
func toAddr(cidr string) *netlink.Addr {
	p := netip.MustParsePrefix(cidr)
	a := &netlink.Addr{IPNet: &net.IPNet{
		IP:   net.IP(p.Addr().AsSlice()),
		Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen()),
	}}
	if p.Addr().Is4() {
		a.Broadcast = net.IPv4zero // the library's "none"
	}
	return a
}

// AddRoute adds a route as `ip route add` does: protocol boot, and scope
// link when there is no gateway.
func (s *System) AddRoute(spec model.RouteSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	return result(spec.AddCmds(), s.addRoute(spec))
}

func (s *System) addRoute(spec model.RouteSpec) error {
	return s.inNs(spec.Ns, func(h *netlink.Handle) error {
		r, err := toRoute(h, spec)
		if err != nil {
			return err
		}
		r.Protocol = unix.RTPROT_BOOT
		if r.Gw == nil {
			r.Scope = netlink.SCOPE_LINK
		}
		return routeAddErr(h.RouteAdd(r), spec, func() string { return downLinkWithSubnetOf(h, r.Gw) })
	})
}

// routeAddErr says why a route could not be added; downLink, if set,
// names a link that is down but holds the gateway's subnet.
func routeAddErr(err error, spec model.RouteSpec, downLink func() string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return said(err, "a route to %s already exists in %s%s", spec.Dst, model.NsLabel(spec.Ns), tableSuffix(spec.Table))
	case errors.Is(err, unix.ENETUNREACH):
		if downLink != nil {
			if dev := downLink(); dev != "" {
				return said(err, "gateway %s is on the subnet of %s, which is down in %s: bring %s up first", spec.Gateway, model.Visible(dev), model.NsLabel(spec.Ns), model.Visible(dev))
			}
		}
		return said(err, "gateway %s is not on any subnet of %s: add an address on its subnet first", spec.Gateway, model.NsLabel(spec.Ns))
	}
	return kernelErr(err, "add route to "+spec.Dst, spec.Ns)
}

// DeleteRoute removes the route that matches the spec.
func (s *System) DeleteRoute(spec model.RouteSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	err := s.inNs(spec.Ns, func(h *netlink.Handle) error {
		r, err := toRoute(h, spec)
		if err != nil {
			return err
		}
		r.Scope = netlink.SCOPE_NOWHERE // any scope, as ip route del
		err = h.RouteDel(r)
		if errors.Is(err, unix.ESRCH) {
			return said(err, "no route to %s in %s%s matches", spec.Dst, model.NsLabel(spec.Ns), tableSuffix(spec.Table))
		}
		if err != nil {
			return kernelErr(err, "delete route to "+spec.Dst, spec.Ns)
		}
		return nil
	})
	return result(spec.DeleteCmds(), err)
}

func tableSuffix(t uint32) string {
	if t == 0 {
		return ""
	}
	return fmt.Sprintf(" (table %d)", t)
}

// toRoute turns a validated spec into the library's route, looking the
// device up in the namespace.
func toRoute(h *netlink.Handle, spec model.RouteSpec) (*netlink.Route, error) {
	r := &netlink.Route{Table: int(spec.Table), Priority: int(spec.Metric)}
	fam := spec.Family()
	if spec.Dst == "default" {
		bits := 32
		if fam == 6 {
			bits = 128
		}
		// The library wants a destination; ::/0 or 0.0.0.0/0 is default.
		r.Dst = &net.IPNet{IP: make(net.IP, bits/8), Mask: net.CIDRMask(0, bits)}
	} else {
		p := netip.MustParsePrefix(spec.Dst)
		r.Dst = &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
	}
	if fam == 6 {
		r.Family = netlink.FAMILY_V6
	} else {
		r.Family = netlink.FAMILY_V4
	}
	if spec.Gateway != "" {
		r.Gw = net.IP(netip.MustParseAddr(spec.Gateway).AsSlice())
	}
	if spec.Dev != "" {
		l, err := findLink(h, spec.Ns, spec.Dev)
		if err != nil {
			return nil, err
		}
		r.LinkIndex = l.Attrs().Index
	}
	return r, nil
}

// SetForwarding turns forwarding on or off as each spec says (IPv4 or
// IPv6, in its namespace), writing each sysctl from a thread inside the
// namespace (each has its own). Several specs (the F form turning both
// families) are all or nothing: if one cannot be set, those set before it
// are put back as they were.
func (s *System) SetForwarding(specs ...model.ForwardingSpec) ([]model.Cmd, error) {
	if len(specs) == 0 {
		return nil, errors.New("set forwarding: no setting given")
	}
	for _, spec := range specs {
		if err := s.begin(spec); err != nil {
			return nil, err
		}
	}
	var undo undoStack
	ok := false
	defer func() {
		if !ok {
			undo.run()
		}
	}()
	var cmds []model.Cmd
	for i, spec := range specs {
		if i > 0 {
			if err := beforeStep("forwarding " + spec.Sysctl()); err != nil {
				return nil, err
			}
		}
		was, err := s.writeSysctl(spec.Ns, spec.Sysctl(), sysctlBit(spec.On))
		if err != nil {
			return nil, fmt.Errorf("set forwarding in %s: %w", model.NsLabel(spec.Ns), err)
		}
		undo.push(func() { _, _ = s.writeSysctl(spec.Ns, spec.Sysctl(), was) })
		cmds = append(cmds, spec.Cmds()...)
	}
	ok = true
	return cmds, nil
}

// writeSysctl writes value to the sysctl key (net.ipv4.ip_forward) of
// namespace ns from a thread inside it, and returns what it held before.
func (s *System) writeSysctl(ns, key string, value []byte) (was []byte, err error) {
	n, err := s.holdNamed(ns)
	if err != nil {
		return nil, err
	}
	defer n.close()
	return writeSysctlIn(n, key, value)
}

// writeSysctlIn is writeSysctl in a namespace already held (a lab unit
// holds each of its namespaces once).
func writeSysctlIn(n *heldNs, key string, value []byte) (was []byte, err error) {
	// /proc/sys/net shows the namespace of the thread that opens it. The
	// file is opened once, read and written: the kernel looks each name of
	// the path up among every namespace's entries of that name, so with
	// thousands of namespaces an open costs more than the rest (a lab of
	// 300 routers spent a fifth of its time opening ip_forward).
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	err = n.do(func() error {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(key, "net.ipv6.") {
			return errors.New("IPv6 is disabled there (no net.ipv6 settings)")
		}
		if err != nil {
			return err
		}
		defer f.Close()
		buf := make([]byte, 256)
		k, err := f.ReadAt(buf, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		was = buf[:k]
		_, err = f.WriteAt(value, 0)
		return err
	})
	return was, err
}

func sysctlBit(on bool) []byte {
	if on {
		return []byte("1\n")
	}
	return []byte("0\n")
}

// AddRule adds a policy rule, as `ip rule add from PREFIX table T pref P`.
func (s *System) AddRule(spec model.RuleSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	return result(spec.AddCmds(), s.addRule(spec))
}

func (s *System) addRule(spec model.RuleSpec) error {
	return s.inNs(spec.Ns, func(h *netlink.Handle) error {
		return ruleAddErr(h.RuleAdd(toRule(spec)), spec)
	})
}

// ruleAddErr says why a rule could not be added.
func ruleAddErr(err error, spec model.RuleSpec) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return said(err, "the rule from %s to table %d already exists in %s", spec.From, spec.Table, model.NsLabel(spec.Ns))
	}
	return kernelErr(err, "add rule from "+spec.From, spec.Ns)
}

// DeleteRule removes the rule that matches the spec.
func (s *System) DeleteRule(spec model.RuleSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	err := s.inNs(spec.Ns, func(h *netlink.Handle) error {
		err := h.RuleDel(toRule(spec))
		if errors.Is(err, unix.ENOENT) {
			return said(err, "no rule from %s to table %d in %s", spec.From, spec.Table, model.NsLabel(spec.Ns))
		}
		if err != nil {
			return kernelErr(err, "delete rule from "+spec.From, spec.Ns)
		}
		return nil
	})
	return result(spec.DeleteCmds(), err)
}

func toRule(spec model.RuleSpec) *netlink.Rule {
	p := netip.MustParsePrefix(spec.From)
	r := netlink.NewRule()
	r.Src = &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
	r.Table = int(spec.Table)
	if spec.Pref != 0 {
		r.Priority = int(spec.Pref)
	}
	r.Family = netlink.FAMILY_V4
	if p.Addr().Is6() {
		r.Family = netlink.FAMILY_V6
	}
	return r
}

// downLinkWithSubnetOf names a link that is down but has an address whose
// subnet holds gw: the kernel then calls the gateway unreachable, and the
// fix is to bring the link up, not to add an address.
func downLinkWithSubnetOf(h *netlink.Handle, gw net.IP) string {
	if gw == nil {
		return ""
	}
	addrs, err := addrList(h, nil)
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if a.IPNet == nil || !a.IPNet.Contains(gw) {
			continue
		}
		l, err := h.LinkByIndex(a.LinkIndex)
		if err == nil && l.Attrs().Flags&net.FlagUp == 0 {
			return l.Attrs().Name
		}
	}
	return ""
}
