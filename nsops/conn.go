package nsops

import (
	"fmt"
	"sync"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// conn is one rtnetlink socket bound to one namespace. The socket stays in
// the namespace it was created in, so any goroutine may use it afterwards
// (one at a time: a conn is not shared between goroutines).
//
// It is a plain blocking socket rather than the netlink library's
// NetlinkSocket: that one registers every socket with the runtime poller
// and allocates a 64 KiB buffer for each read, which at a thousand
// namespaces and six dumps each cost more than the kernel's own work.
// Requests are still built with the library's types.
type conn struct {
	// mu makes each request and its answers one exchange: two goroutines
	// asking at once (resolveNsIDs asks several nsids of one namespace in
	// parallel) would otherwise each read, and drop, the other's answer,
	// and wait for it until SO_RCVTIMEO (10 s).
	mu  sync.Mutex
	fd  int
	seq uint32
}

// recvBufs are reused receive buffers; 64 KiB holds the largest batch the
// kernel sends in one dump step.
var recvBufs = sync.Pool{New: func() any { b := make([]byte, 64*1024); return &b }}

// dialIn opens an rtnetlink socket inside the namespace n holds. The
// host's is opened where the caller runs: every pool thread is in the
// host namespace (the doorway guarantees it), so lazyns reads the host
// without the CAP_SYS_ADMIN that setns would take.
func dialIn(n *heldNs) (*conn, error) { return dialProtoIn(n, unix.NETLINK_ROUTE, "rtnetlink") }

// dialProtoIn opens a netlink socket of protocol proto (sock_diag for
// sockets), named what in errors, inside the namespace n holds.
func dialProtoIn(n *heldNs, proto int, what string) (*conn, error) {
	var c *conn
	err := n.do(func() error {
		var err error
		c, err = dialHere(proto, what)
		return err
	})
	return c, err
}

// dialHere opens a netlink socket in the calling thread's namespace.
func dialHere(proto int, what string) (*conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, fmt.Errorf("open a %s socket: %w", what, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind a %s socket: %w", what, err)
	}
	// A dump never takes this long; the timeout only keeps a wedged
	// kernel from hanging lazyns for ever.
	tv := unix.Timeval{Sec: 10}
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	return &conn{fd: fd}, nil
}

func (c *conn) Close() {
	if c != nil && c.fd > 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
}

// send writes one request and returns its sequence number.
func (c *conn) send(msgType, flags int, data []nl.NetlinkRequestData) (uint32, error) {
	c.seq++
	n := unix.NLMSG_HDRLEN
	parts := make([][]byte, len(data))
	for i, d := range data {
		parts[i] = d.Serialize()
		n += nlmsgAlign(len(parts[i]))
	}
	b := make([]byte, n)
	nl.NativeEndian().PutUint32(b[0:4], uint32(n))
	nl.NativeEndian().PutUint16(b[4:6], uint16(msgType))
	nl.NativeEndian().PutUint16(b[6:8], uint16(flags|unix.NLM_F_REQUEST))
	nl.NativeEndian().PutUint32(b[8:12], c.seq)
	at := unix.NLMSG_HDRLEN
	for _, p := range parts {
		copy(b[at:], p)
		at += nlmsgAlign(len(p))
	}
	if err := unix.Sendto(c.fd, b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, err
	}
	return c.seq, nil
}

// receive reads the answers to request seq, calling fn with the payload of
// each message of type resType, until the kernel says it is done: at the
// end of a dump, after a single answer, or — untilAck — only at the
// acknowledgement. It reports whether the kernel flagged the dump as
// interrupted.
func (c *conn) receive(seq uint32, resType uint16, untilAck bool, fn func(msg []byte)) (interrupted bool, err error) {
	bufp := recvBufs.Get().(*[]byte)
	defer recvBufs.Put(bufp)
	buf := *bufp
	for {
		n, _, err := unix.Recvfrom(c.fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return interrupted, err
		}
		b := buf[:n]
		for len(b) >= unix.NLMSG_HDRLEN {
			length := int(nl.NativeEndian().Uint32(b[0:4]))
			if length < unix.NLMSG_HDRLEN || length > len(b) {
				return interrupted, fmt.Errorf("malformed netlink message")
			}
			typ := nl.NativeEndian().Uint16(b[4:6])
			flags := nl.NativeEndian().Uint16(b[6:8])
			mseq := nl.NativeEndian().Uint32(b[8:12])
			payload := b[unix.NLMSG_HDRLEN:length]
			b = b[min(nlmsgAlign(length), len(b)):]
			if mseq != seq {
				continue // an answer to an earlier, abandoned request
			}
			if flags&unix.NLM_F_DUMP_INTR != 0 {
				interrupted = true
			}
			switch typ {
			case unix.NLMSG_DONE:
				return interrupted, nil
			case unix.NLMSG_ERROR:
				if len(payload) < 4 {
					return interrupted, fmt.Errorf("short netlink error")
				}
				if errno := -int32(nl.NativeEndian().Uint32(payload[0:4])); errno != 0 {
					return interrupted, syscall.Errno(errno)
				}
				return interrupted, nil // an acknowledgement
			case resType:
				fn(payload)
				if !untilAck && flags&unix.NLM_F_MULTI == 0 {
					return interrupted, nil
				}
			}
		}
	}
}

// dump runs a netlink dump and calls fn for every message of type resType.
// An interrupted dump is read again from the start, after reset() undoes
// what fn collected, so a caller never sees a half-consistent list.
func (c *conn) dump(msgType int, data []nl.NetlinkRequestData, resType uint16, reset func(), fn func(msg []byte)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return untilSettled(func(try int) (bool, error) {
		if try > 0 {
			reset()
		}
		seq, err := c.send(msgType, unix.NLM_F_DUMP, data)
		if err != nil {
			return false, err
		}
		return c.receive(seq, resType, false, fn)
	})
}

// request sends one request that is not a dump and passes the answer of
// type resType to fn (an acknowledgement carries none).
func (c *conn) request(msgType, flags int, data []nl.NetlinkRequestData, resType uint16, fn func(msg []byte)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	seq, err := c.send(msgType, flags, data)
	if err != nil {
		return err
	}
	_, err = c.receive(seq, resType, false, fn)
	return err
}

// change sends a request that changes the kernel and waits for its
// acknowledgement. With echo set, the kernel also sends back what it made
// (NLM_F_ECHO: a new link with its index), before the acknowledgement: a
// change can still fail after its echo (a new link the kernel could not
// make a port of its bridge is unmade), so only the acknowledgement says
// it happened.
func (c *conn) change(msgType, flags int, data []nl.NetlinkRequestData, echo func(msg []byte)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	flags |= unix.NLM_F_ACK
	if echo != nil {
		flags |= unix.NLM_F_ECHO
	} else {
		echo = func([]byte) {}
	}
	seq, err := c.send(msgType, flags, data)
	if err != nil {
		return err
	}
	_, err = c.receive(seq, uint16(msgType), true, echo)
	return err
}

// nsIDOf asks the namespace this conn lives in which id it gives the
// namespace open at fd; -1 when it has given it none.
func (c *conn) nsIDOf(fd int) (int, error) {
	id, found := 0, false
	var perr error
	err := c.request(unix.RTM_GETNSID, 0,
		[]nl.NetlinkRequestData{nl.NewRtGenMsg(), nl.NewRtAttr(unix.NETNSA_FD, nl.Uint32Attr(uint32(fd)))},
		unix.RTM_NEWNSID, func(m []byte) {
			attrs, err := parseAttrs(m, unix.SizeofRtGenmsg)
			if err != nil {
				perr = err
				return
			}
			for _, a := range attrs {
				if a.Attr.Type == unix.NETNSA_NSID {
					id, found = int(int32(nl.NativeEndian().Uint32(a.Value))), true
				}
			}
		})
	if err = firstErr(err, perr); err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("the kernel sent no namespace id")
	}
	return id, nil
}

// nlmsgAlign rounds a netlink header or attribute length up to 4 bytes.
func nlmsgAlign(n int) int { return (n + 3) &^ 3 }
