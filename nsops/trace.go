package nsops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Tracer asks the kernels of a snapshot's namespaces what a trace needs:
// route lookups exactly as `ip route get` makes them (RTM_GETROUTE, policy
// rules and every table included) and the forwarding switches. It only
// reads: nothing it does sends a packet or changes a setting, so it is
// allowed read-only. One socket per namespace is opened on first use and
// kept until Close. A Tracer is used by one goroutine at a time.
type Tracer struct {
	ctx   context.Context
	sys   *System
	snap  *model.Snapshot
	open  map[model.NsKey]*tracerNs
	state map[model.NsKey]trace.NsState
}

type tracerNs struct {
	ns   *heldNs
	conn *conn
}

// NewTracer prepares to trace over snap, a snapshot this System read.
func (s *System) NewTracer(snap *model.Snapshot) *Tracer {
	return &Tracer{sys: s, snap: snap, open: map[model.NsKey]*tracerNs{}, state: map[model.NsKey]trace.NsState{}}
}

// Close releases every socket and namespace file the tracer opened.
func (t *Tracer) Close() {
	for k, o := range t.open {
		o.conn.Close()
		o.ns.close()
		delete(t.open, k)
	}
}

// Trace follows a ping from the namespace from to dst; src may be nil.
func (t *Tracer) Trace(from model.NsKey, dst, src net.IP) (*trace.Trace, error) {
	return t.TraceProbe(from, dst, src, trace.Probe{})
}

func (t *Tracer) ns(k model.NsKey) (*model.Namespace, *tracerNs, error) {
	ns := t.snap.Find(k)
	if ns == nil {
		return nil, nil, fmt.Errorf("namespace %s is gone", k)
	}
	if o, ok := t.open[k]; ok {
		return ns, o, nil
	}
	n, err := t.sys.hold(ns)
	if isGone(err) {
		// Deleted since the snapshot: say so, not which file was missing.
		return nil, nil, goneErr(ns)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", model.Visible(ns.DisplayName()), openFailure(err))
	}
	c, err := dialIn(n)
	if err != nil {
		n.close()
		return nil, nil, fmt.Errorf("open a socket in %s: %w", model.Visible(ns.DisplayName()), openFailure(err))
	}
	o := &tracerNs{ns: n, conn: c}
	t.open[k] = o
	return ns, o, nil
}

// Lookup asks the kernel of namespace k for the route q, as
// `ip route get DST [from SRC] [iif IIF]` does, and then for the table
// entry that matched (`ip route get fibmatch`). A refusal is an answer
// (RouteResult.Fail), not an error.
func (t *Tracer) Lookup(k model.NsKey, q trace.RouteQuery) (trace.RouteResult, error) {
	ns, o, err := t.ns(k)
	if err != nil {
		return trace.RouteResult{}, err
	}
	iif := 0
	if q.Iif != "" {
		l := ns.LinkByName(q.Iif)
		if l == nil {
			return trace.RouteResult{}, fmt.Errorf("no device %s in %s", model.Visible(q.Iif), model.Visible(ns.DisplayName()))
		}
		iif = l.Index
	}
	devName := func(i int) string {
		if l := ns.Link(i); l != nil {
			return l.Name
		}
		return "if" + strconv.Itoa(i)
	}
	answer, err := routeGet(o.conn, q, iif, unix.RTM_F_LOOKUP_TABLE, devName)
	if err != nil {
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return trace.RouteResult{Fail: routeFail(errno), Detail: errno.Error()}, nil
		}
		return trace.RouteResult{}, fmt.Errorf("ask %s for a route to %s: %w", model.Visible(ns.DisplayName()), q.Dst, err)
	}
	res := trace.RouteResult{Type: answer.Type, Table: answer.Table, OutIndex: answer.DevIndex, Out: answer.Dev,
		Gateway: answer.Gateway, PrefSrc: answer.PrefSrc}
	if match, err := routeGet(o.conn, q, iif, unix.RTM_F_LOOKUP_TABLE|unix.RTM_F_FIB_MATCH, devName); err == nil {
		res.Match = &match
	}
	return res, nil
}

// routeGet sends one RTM_GETROUTE and parses the answer.
func routeGet(c *conn, q trace.RouteQuery, iif int, flags uint32, devName func(int) string) (model.Route, error) {
	family, dst := unix.AF_INET, q.Dst.To4()
	if dst == nil {
		family, dst = unix.AF_INET6, q.Dst.To16()
	}
	msg := &nl.RtMsg{RtMsg: unix.RtMsg{Family: uint8(family), Dst_len: uint8(len(dst) * 8), Flags: flags}}
	data := []nl.NetlinkRequestData{msg, nl.NewRtAttr(unix.RTA_DST, dst)}
	if q.Src != nil {
		src := q.Src.To4()
		if family == unix.AF_INET6 {
			src = q.Src.To16()
		}
		if src == nil {
			return model.Route{}, fmt.Errorf("source %s and destination %s are of different families", q.Src, q.Dst)
		}
		msg.Src_len = uint8(len(src) * 8)
		data = append(data, nl.NewRtAttr(unix.RTA_SRC, src))
	}
	if iif != 0 {
		data = append(data, nl.NewRtAttr(unix.RTA_IIF, nl.Uint32Attr(uint32(iif))))
	}
	var r model.Route
	var perr error
	got := false
	err := c.request(unix.RTM_GETROUTE, 0, data, unix.RTM_NEWROUTE, func(m []byte) {
		r, perr = parseRoute(m, devName)
		got = true
	})
	if err = firstErr(err, perr); err != nil {
		return r, err
	}
	if !got {
		return r, fmt.Errorf("the kernel sent no route")
	}
	return r, nil
}

// routeFail names the kernel's refusals (fib_props in net/ipv4/fib_semantics.c).
func routeFail(e syscall.Errno) trace.RouteFail {
	switch e {
	case unix.ENETUNREACH:
		return trace.RouteNone
	case unix.EHOSTUNREACH:
		return trace.RouteUnreachable
	case unix.EINVAL:
		return trace.RouteBlackhole
	case unix.EACCES:
		return trace.RouteProhibit
	case unix.EXDEV:
		return trace.RouteRPFilter
	}
	return trace.RouteOther
}

// State reads whether namespace k forwards IPv4 and IPv6 and the STP state
// of its bridge ports.
func (t *Tracer) State(k model.NsKey) (trace.NsState, error) {
	if st, ok := t.state[k]; ok {
		return st, nil
	}
	ns, o, err := t.ns(k)
	if err != nil {
		return trace.NsState{}, err
	}
	var st trace.NsState
	// /proc/sys/net shows the namespace of the thread that opens the file,
	// so the files are opened from a thread inside it.
	read := func() error {
		var err error
		if st.Forward4, err = sysctlOn("/proc/sys/net/ipv4/ip_forward"); err != nil {
			return err
		}
		// Without IPv6 the file is absent, and nothing forwards it.
		st.Forward6, _ = sysctlOn("/proc/sys/net/ipv6/conf/all/forwarding")
		st.RPFilter, err = readRPFilters()
		if hasBridge(ns) {
			// Absent without br_netfilter: the bridges keep to themselves.
			st.BridgeNF4, _ = sysctlOn("/proc/sys/net/bridge/bridge-nf-call-iptables")
			st.BridgeNF6, _ = sysctlOn("/proc/sys/net/bridge/bridge-nf-call-ip6tables")
		}
		return err
	}
	if err := o.ns.do(read); err != nil {
		return st, fmt.Errorf("read the forwarding switches of %s: %w", model.Visible(ns.DisplayName()), err)
	}
	if hasBridge(ns) {
		if st.PortState, err = readPortStates(o.conn); err != nil {
			return st, fmt.Errorf("read the bridge ports of %s: %w", model.Visible(ns.DisplayName()), err)
		}
	}
	t.state[k] = st
	return st, nil
}

func sysctlOn(path string) (bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(b)) != "0", nil
}

// readRPFilters reads net.ipv4.conf.*.rp_filter of the namespace the
// calling thread is in, by device name ("all" and "default" included).
func readRPFilters() (map[string]int, error) {
	const dir = "/proc/sys/net/ipv4/conf"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(entries))
	for _, e := range entries {
		b, err := os.ReadFile(dir + "/" + e.Name() + "/rp_filter")
		if err != nil {
			continue // the device went away meanwhile
		}
		if v, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			out[e.Name()] = v
		}
	}
	return out, nil
}

func hasBridge(ns *model.Namespace) bool {
	for i := range ns.Links {
		if ns.Links[i].Kind == "bridge" {
			return true
		}
	}
	return false
}

// readPortStates dumps the bridge ports (an AF_BRIDGE link dump, as
// `bridge link` makes) and returns each port's STP state by ifindex.
func readPortStates(c *conn) (map[int]uint8, error) {
	states := map[int]uint8{}
	var perr error
	err := c.dump(unix.RTM_GETLINK, []nl.NetlinkRequestData{nl.NewIfInfomsg(unix.AF_BRIDGE)}, unix.RTM_NEWLINK,
		func() { clear(states); perr = nil },
		func(m []byte) {
			attrs, err := parseAttrs(m, unix.SizeofIfInfomsg)
			if err != nil {
				perr = err
				return
			}
			index := int(int32(native.Uint32(m[4:8])))
			for _, a := range attrs {
				if a.Attr.Type&^unix.NLA_F_NESTED != unix.IFLA_PROTINFO {
					continue
				}
				info, err := nl.ParseRouteAttr(a.Value)
				if err != nil {
					perr = err
					return
				}
				for _, i := range info {
					if i.Attr.Type == unix.IFLA_BRPORT_STATE && len(i.Value) > 0 {
						states[index] = i.Value[0]
					}
				}
			}
		})
	return states, firstErr(err, perr)
}
