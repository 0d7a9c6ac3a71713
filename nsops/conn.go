package nsops

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// dumpRetries bounds how often a dump interrupted by a concurrent change is
// read again before lazyns gives up on that namespace.
const dumpRetries = 8

// errDumpInconsistent is returned when every retry of a dump came back
// interrupted: what was read may be missing objects, so it is not used.
var errDumpInconsistent = errors.New("the kernel kept changing during the read; try again")

// conn is one rtnetlink socket bound to one namespace. The socket stays in
// the namespace it was created in, so any goroutine may use it afterwards.
type conn struct {
	sock    *nl.NetlinkSocket
	handles map[int]*nl.SocketHandle
}

// dialHere opens an rtnetlink socket in the calling thread's namespace.
// Every pool thread is in the host namespace (InNamespace guarantees it),
// so this reads the host without the CAP_SYS_ADMIN that setns would take.
func dialHere() (*conn, error) {
	sock, err := nl.GetNetlinkSocketAt(netns.None(), netns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	return newConn(sock), nil
}

// dialNamespace opens an rtnetlink socket inside the namespace open at nsFd.
func dialNamespace(nsFd int) (*conn, error) {
	var sock *nl.NetlinkSocket
	err := InNamespace(nsFd, func() error {
		var err error
		// netns.None() keeps netlink from switching namespaces itself: the
		// thread is already where the socket must live.
		sock, err = nl.GetNetlinkSocketAt(netns.None(), netns.None(), unix.NETLINK_ROUTE)
		return err
	})
	if err != nil {
		return nil, err
	}
	return newConn(sock), nil
}

func newConn(sock *nl.NetlinkSocket) *conn {
	return &conn{sock: sock, handles: map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: sock}}}
}

func (c *conn) Close() {
	if c != nil && c.sock != nil {
		c.sock.Close()
		c.sock = nil
	}
}

// dump runs a netlink dump and calls fn for every message of type resType.
// An interrupted dump is read again from the start, after reset() undoes
// what fn collected, so a caller never sees a half-consistent list.
func (c *conn) dump(msgType int, data []nl.NetlinkRequestData, resType uint16, reset func(), fn func(msg []byte)) error {
	for try := 0; try < dumpRetries; try++ {
		req := nl.NewNetlinkRequest(msgType, unix.NLM_F_DUMP)
		req.Sockets = c.handles
		for _, d := range data {
			req.AddData(d)
		}
		err := req.ExecuteIter(unix.NETLINK_ROUTE, resType, func(msg []byte) bool {
			fn(msg)
			return true
		})
		if errors.Is(err, nl.ErrDumpInterrupted) {
			reset()
			continue
		}
		return err
	}
	return errDumpInconsistent
}

// nsIDOf asks the namespace this conn lives in which id it gives the
// namespace open at fd; -1 when it has given it none.
func (c *conn) nsIDOf(fd int) (int, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETNSID, unix.NLM_F_REQUEST)
	req.Sockets = c.handles
	req.AddData(nl.NewRtGenMsg())
	req.AddData(nl.NewRtAttr(unix.NETNSA_FD, nl.Uint32Attr(uint32(fd))))
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWNSID)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		attrs, err := nl.ParseRouteAttr(m[nlmsgAlign(unix.SizeofRtGenmsg):])
		if err != nil {
			return 0, err
		}
		for _, a := range attrs {
			if a.Attr.Type == unix.NETNSA_NSID {
				return int(int32(nl.NativeEndian().Uint32(a.Value))), nil
			}
		}
	}
	return 0, fmt.Errorf("the kernel sent no namespace id")
}

// nlmsgAlign rounds a netlink header or attribute length up to 4 bytes.
func nlmsgAlign(n int) int { return (n + 3) &^ 3 }
