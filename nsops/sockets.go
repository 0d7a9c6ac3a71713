package nsops

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sort"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/discover"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// sockDiagByFamily is SOCK_DIAG_BY_FAMILY from <linux/sock_diag.h>.
const sockDiagByFamily = 20

// TCP states from <net/tcp_states.h>: a listening TCP socket, and the state
// a bound but unconnected UDP socket is in (what ss calls UNCONN).
const (
	tcpListen = 10
	tcpClose  = 7
)

// Sockets lists the listening TCP and bound UDP sockets (IPv4 and IPv6)
// inside ns, with the processes holding them, as `ss -lntup` run inside it
// would. The sockets come from sock_diag on a socket opened inside the
// namespace; their holders from the /proc/PID/fd links of its processes.
func (s *System) Sockets(ctx context.Context, ns *model.Namespace) ([]model.Socket, error) {
	n, err := s.hold(ns)
	if isGone(err) {
		return nil, goneErr(ns)
	}
	if err != nil {
		return nil, fmt.Errorf("open namespace %s: %w", model.Visible(ns.DisplayName()), openFailure(err))
	}
	defer n.close()
	// The kernel answers about the sockets of the namespace the asking
	// socket is in.
	c, err := dialProtoIn(n, unix.NETLINK_SOCK_DIAG, "sock_diag")
	if err != nil {
		return nil, fmt.Errorf("sockets of %s: %w", model.Visible(ns.DisplayName()), err)
	}
	defer c.Close()
	var socks []model.Socket
	for _, q := range []struct {
		family, proto uint8
		state         uint8
	}{
		{unix.AF_INET, unix.IPPROTO_TCP, tcpListen}, {unix.AF_INET6, unix.IPPROTO_TCP, tcpListen},
		{unix.AF_INET, unix.IPPROTO_UDP, tcpClose}, {unix.AF_INET6, unix.IPPROTO_UDP, tcpClose},
	} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := len(socks)
		req := &inetDiagReq{family: q.family, protocol: q.proto, states: 1 << q.state}
		var perr error
		err := c.dump(sockDiagByFamily, []nl.NetlinkRequestData{req}, sockDiagByFamily,
			func() { socks = socks[:start]; perr = nil },
			func(m []byte) {
				sk, err := parseInetDiag(m, q.proto)
				if err != nil {
					perr = err
					return
				}
				socks = append(socks, sk)
			})
		if err := firstErr(err, perr); err != nil {
			return nil, fmt.Errorf("sockets of %s: %w", model.Visible(ns.DisplayName()), err)
		}
	}
	if err := attachHolders(ctx, ns.Key, socks); err != nil {
		return nil, err
	}
	sort.SliceStable(socks, func(i, j int) bool {
		a, b := &socks[i], &socks[j]
		if a.Proto != b.Proto {
			return a.Proto < b.Proto
		}
		return a.Port < b.Port
	})
	return socks, nil
}

// attachHolders fills each socket's Procs from the descriptors of the
// processes in the namespace, and, for sockets none of them holds (passed
// to a process elsewhere, or held by one that started since), of all
// processes. Sockets with inode 0 belong to the kernel (a vxlan's port).
func attachHolders(ctx context.Context, key model.NsKey, socks []model.Socket) error {
	byIno := make(map[uint64][]int, len(socks))
	for i := range socks {
		if socks[i].Inode != 0 {
			byIno[socks[i].Inode] = append(byIno[socks[i].Inode], i)
		}
	}
	if len(byIno) == 0 {
		return nil
	}
	inside, err := pidsIn(key)
	if err != nil {
		return fmt.Errorf("processes: %w", err)
	}
	r := discover.NewProcReader("/")
	scan := func(pids []int) {
		for _, pid := range pids {
			if ctx.Err() != nil {
				return
			}
			comm := ""
			r.Sockets(pid, func(ino uint64) {
				for _, i := range byIno[ino] {
					sk := &socks[i]
					if n := len(sk.Procs); n > 0 && sk.Procs[n-1].Pid == pid {
						continue
					}
					if comm == "" {
						comm = r.Comm(pid)
					}
					sk.Procs = append(sk.Procs, model.Proc{Pid: pid, Comm: comm})
				}
			})
		}
	}
	scan(inside)
	for i := range socks {
		if socks[i].Inode != 0 && len(socks[i].Procs) == 0 {
			all, err := listPids()
			if err != nil {
				return fmt.Errorf("processes: %w", err)
			}
			scan(others(all, inside))
			break
		}
	}
	return ctx.Err()
}

// others is all without the (sorted) pids of inside.
func others(all, inside []int) []int {
	out := make([]int, 0, len(all))
	j := 0
	for _, pid := range all {
		for j < len(inside) && inside[j] < pid {
			j++
		}
		if j < len(inside) && inside[j] == pid {
			continue
		}
		out = append(out, pid)
	}
	return out
}

// inetDiagReq is struct inet_diag_req_v2 with an empty socket id: every
// socket of one family and protocol in the given states.
type inetDiagReq struct {
	family, protocol uint8
	states           uint32
}

const sizeofInetDiagReqV2 = 56

func (r *inetDiagReq) Len() int { return sizeofInetDiagReqV2 }

func (r *inetDiagReq) Serialize() []byte {
	b := make([]byte, sizeofInetDiagReqV2)
	b[0], b[1] = r.family, r.protocol
	nl.NativeEndian().PutUint32(b[4:8], r.states)
	return b
}

// sizeofInetDiagMsg is struct inet_diag_msg: family, state, timer, retrans,
// the socket id (ports big-endian, addresses, interface, cookie), then
// expires, queues, uid and inode.
const sizeofInetDiagMsg = 72

func parseInetDiag(m []byte, proto uint8) (model.Socket, error) {
	if len(m) < sizeofInetDiagMsg {
		return model.Socket{}, fmt.Errorf("short sock_diag message (%d bytes)", len(m))
	}
	sk := model.Socket{
		Port:  binary.BigEndian.Uint16(m[4:6]),
		Inode: uint64(nl.NativeEndian().Uint32(m[68:72])),
	}
	v6 := m[0] == unix.AF_INET6
	if v6 {
		sk.Local = net.IP(append([]byte(nil), m[8:24]...))
	} else {
		sk.Local = net.IP(append([]byte(nil), m[8:12]...))
	}
	switch {
	case proto == unix.IPPROTO_TCP && m[1] == tcpListen:
		sk.State = "LISTEN"
	case proto == unix.IPPROTO_UDP && m[1] == tcpClose:
		sk.State = "UNCONN"
	default:
		sk.State = fmt.Sprintf("state %d", m[1])
	}
	sk.Proto = "tcp"
	if proto == unix.IPPROTO_UDP {
		sk.Proto = "udp"
	}
	if v6 {
		sk.Proto += "6"
	}
	return sk, nil
}
