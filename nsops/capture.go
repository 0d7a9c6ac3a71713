package nsops

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
	"github.com/lazyns/lazyns/model/timeorder"
)

// CaptureOptions say what a capture takes and where its packets go.
type CaptureOptions struct {
	// Filter is a capture filter in tcpdump's syntax (see pcapfilter),
	// run in the kernel on each socket; "" takes every packet.
	Filter string
	// Promisc turns promiscuous mode on while the capture runs.
	Promisc bool
	// RingBytes is the kernel's ring for each interface: how much a burst
	// may pile up before the kernel drops. 0 is DefaultRingBytes for up
	// to 8 interfaces, then 32 MiB shared among them, 1 MiB at least:
	// every port of a large bridge would otherwise take 4 MiB of the
	// kernel's memory.
	RingBytes int
	// Deliver receives the packets, in batches, in the order they were
	// seen across every interface, from one goroutine. A packet's Data is
	// only valid during the call: keep a copy (packetring.Ring.Push does).
	// A slow Deliver makes the kernel drop packets, which Stats counts;
	// Deliver must not call Stop, which waits for it to return.
	Deliver func([]packetline.Packet)
}

// mergeDelay is how long packets from several interfaces are held to be
// put in time order: a socket hands over a partly filled block only after
// blockTimeout, and its reader may be late by a scheduling round or two.
const mergeDelay = 10 * blockTimeout

// Capture is a running capture on one or more interfaces. Its methods
// may be called from any goroutine.
type Capture struct {
	points []model.CapturePoint
	tags   []string
	socks  []*packetSocket
	opt    CaptureOptions

	in      chan *block // from the readers to the merge
	free    chan *block // blocks to reuse
	seen    []atomic.Uint64
	readers sync.WaitGroup
	merged  chan struct{} // closed when every packet read is delivered
	ended   chan struct{} // closed when every reader has ended

	mu   sync.Mutex
	errs []error // why a point ended early
	late uint64

	stopOnce sync.Once
	final    []PointStats
}

// PointStats are the counts of one capture point.
type PointStats struct {
	Point model.CapturePoint
	Tag   string          // how its packets are tagged (packetline.Tag)
	Link  layers.LinkType // of its packets: Ethernet, or raw IP
	// Seen is the packets read from the kernel; Dropped those the kernel
	// dropped for want of room in the ring (the reader fell behind);
	// Received those that passed the filter, dropped or not, as the
	// kernel counted them (tcpdump's "received by filter").
	Seen, Dropped, Received uint64
	// Err is why capturing on it ended before Stop (the interface was
	// deleted, or its namespace).
	Err error
}

// StartCapture opens a socket on each point's interface inside its
// namespace and starts reading them. Points are interfaces by name in a
// namespace of snap (model.CapturePoint; the ifindex is read again where
// it lives, as the name means now); a point given twice counts once. On
// an error nothing stays open; an unknown interface matches
// ErrNoInterface and a filter that does not compile is a
// *pcapfilter.Error.
func (s *System) StartCapture(snap *model.Snapshot, points []model.CapturePoint, opt CaptureOptions) (*Capture, error) {
	if len(points) == 0 {
		return nil, errors.New("capture: no interface given")
	}
	if opt.Deliver == nil {
		return nil, errors.New("capture: nowhere to deliver packets")
	}
	c := &Capture{opt: opt, ended: make(chan struct{}), merged: make(chan struct{})}
	type where struct {
		ns   model.NsKey
		name string
	}
	seen := map[where]bool{}
	for _, p := range points {
		p.Index = 0 // the name decides, read where it lives
		if w := (where{p.Ns, p.Name}); !seen[w] {
			seen[w] = true
			c.points = append(c.points, p)
		}
	}
	if opt.RingBytes <= 0 {
		opt.RingBytes = min(DefaultRingBytes, max(1<<20, (32<<20)/len(c.points)))
	}
	ok := false
	defer func() {
		if !ok {
			for _, sock := range c.socks {
				sock.close()
			}
		}
	}()
	for _, p := range c.points {
		sock, err := s.openPoint(snap, p, opt)
		if err != nil {
			return nil, err
		}
		c.socks = append(c.socks, sock)
		c.tags = append(c.tags, packetline.Tag(p.NsName, p.Name))
	}
	for i := range c.points {
		c.points[i].Index = c.socks[i].index
	}
	c.seen = make([]atomic.Uint64, len(c.socks))
	c.errs = make([]error, len(c.socks))
	c.in = make(chan *block, 4*len(c.socks))
	c.free = make(chan *block, 8*len(c.socks))
	ok = true

	for i := range c.socks {
		c.readers.Add(1)
		go c.read(i)
	}
	go func() {
		c.readers.Wait()
		close(c.ended)
		close(c.in)
	}()
	go c.merge()
	return c, nil
}

// openPoint opens the socket of point p.
func (s *System) openPoint(snap *model.Snapshot, p model.CapturePoint, opt CaptureOptions) (*packetSocket, error) {
	where := fmt.Sprintf("%s in %s", model.Visible(p.Name), model.Visible(p.NsName))
	if p.NsName == "" {
		where = model.Visible(p.Name)
	}
	ns := snap.Find(p.Ns)
	if ns == nil {
		return nil, notFoundError{what: fmt.Sprintf("capture on %s: the namespace is not there", where)}
	}
	n, err := s.hold(ns)
	if isGone(err) {
		return nil, notFoundError{what: fmt.Sprintf("capture on %s: namespace %s is gone", where, model.Visible(ns.DisplayName())), gone: true}
	}
	if err != nil {
		return nil, fmt.Errorf("capture on %s: open the namespace: %w", where, openFailure(err))
	}
	defer n.close()
	sock, err := openPacketSocket(n, p, opt.Filter, opt.Promisc, opt.RingBytes)
	if errors.Is(err, ErrNoInterface) {
		return nil, fmt.Errorf("capture: no interface %s: %w", where, ErrNoInterface)
	}
	if errors.Is(err, unix.EPERM) || errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("capture on %s: permission denied: %s", where, Privileges())
	}
	if err != nil {
		return nil, fmt.Errorf("capture on %s: %w", where, err)
	}
	return sock, nil
}

// read hands the packets of socket i on, waiting for the kernel through
// Go's poller, until Stop's deadline or the interface goes away. With one
// socket, packets are delivered from here, straight from the ring (which
// is why Deliver's Data lasts only for the call); with several, they are
// copied out for the merge.
func (c *Capture) read(i int) {
	defer c.readers.Done()
	sock, tag := c.socks[i], c.tags[i]
	direct := len(c.socks) == 1
	var b block // reused while reading in place
	drain := func() int {
		n := 0
		for hdr := sock.nextBlock(); hdr != nil; hdr = sock.nextBlock() {
			n++
			if direct {
				sock.fill(hdr, tag, false, &b)
				c.seen[i].Add(uint64(len(b.ps)))
				if len(b.ps) > 0 {
					c.opt.Deliver(b.ps)
				}
				sock.release(hdr)
				continue
			}
			cb := c.getBlock()
			sock.fill(hdr, tag, true, cb)
			sock.release(hdr)
			c.seen[i].Add(uint64(len(cb.ps)))
			if len(cb.ps) > 0 {
				c.in <- cb
			} else {
				c.putBlock(cb)
			}
		}
		return n
	}
	rc, err := sock.file.SyscallConn()
	if err != nil {
		c.fail(i, err)
		return
	}
	var gone error
	drained := false
	for {
		err := rc.Read(func(uintptr) bool {
			if drain() > 0 {
				drained = true
				return true
			}
			// Nothing after blocks were read: wait. Nothing after a
			// wakeup: the kernel may be saying the interface went away.
			if drained {
				drained = false
				return false
			}
			gone = sock.gone()
			return gone != nil
		})
		if gone != nil {
			c.fail(i, gone)
			return
		}
		if err != nil {
			// Stop's deadline: what the kernel handed over since is
			// still read, the last partly filled block with it.
			drain()
			return
		}
	}
}

// getBlock takes a block whose packets were all delivered, or a new one.
func (c *Capture) getBlock() *block {
	select {
	case b := <-c.free:
		return b
	default:
		return &block{}
	}
}

func (c *Capture) putBlock(b *block) {
	clear(b.ps) // the tags
	select {
	case c.free <- b:
	default:
	}
}

// gone says why the socket will see no more packets: its interface was
// deleted (or moved, or its namespace deleted). A link that only went
// down also reports ENETDOWN, but the kernel hooks the socket in again
// when it comes up, so that is no end.
func (s *packetSocket) gone() error {
	e, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil || e == 0 {
		return err
	}
	ifr := &unix.Ifreq{}
	ifr.SetUint32(uint32(s.index))
	if unix.IoctlIfreq(s.fd, unix.SIOCGIFNAME, ifr) == nil {
		return nil
	}
	return fmt.Errorf("the interface went away (%w)", unix.Errno(e))
}

func (c *Capture) fail(i int, err error) {
	c.mu.Lock()
	c.errs[i] = err
	c.mu.Unlock()
}

// held is a packet the merge holds, and the block its bytes are in.
type held struct {
	p packetline.Packet
	b *block
}

// merge puts the packets of several sockets in time order and delivers
// them. (One socket delivers by itself: its packets come in order.)
func (c *Capture) merge() {
	defer close(c.merged)
	if len(c.socks) == 1 {
		<-c.ended
		return
	}
	buf := timeorder.New(mergeDelay, func(h held) time.Time { return h.p.Time })
	tick := time.NewTicker(blockTimeout)
	defer tick.Stop()
	var out []held
	var ps []packetline.Packet
	deliver := func() {
		if len(out) == 0 {
			return
		}
		for _, h := range out {
			ps = append(ps, h.p)
		}
		c.opt.Deliver(ps)
		for _, h := range out {
			if h.b.pending--; h.b.pending == 0 {
				c.putBlock(h.b)
			}
		}
		clear(out)
		clear(ps)
		out, ps = out[:0], ps[:0]
	}
	for {
		select {
		case b, ok := <-c.in:
			if !ok {
				out = buf.Drain(out)
				deliver()
				c.mu.Lock()
				c.late = buf.Late()
				c.mu.Unlock()
				return
			}
			b.pending = len(b.ps)
			for _, p := range b.ps {
				buf.Push(held{p, b})
			}
		case now := <-tick.C:
			out = buf.Release(now, out)
			deliver()
		}
	}
}

// Done is closed when every reader has ended: after Stop, or before it
// when every interface went away (each PointStats.Err then says why).
func (c *Capture) Done() <-chan struct{} { return c.ended }

// Stats are the counts so far, per point, in the order the points were
// given.
func (c *Capture) Stats() []PointStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.final != nil {
		return c.final
	}
	return c.statsLocked()
}

func (c *Capture) statsLocked() []PointStats {
	out := make([]PointStats, len(c.socks))
	for i, sock := range c.socks {
		received, drops := sock.counts()
		out[i] = PointStats{Point: c.points[i], Tag: c.tags[i], Link: sock.link,
			Seen: c.seen[i].Load(), Dropped: drops, Received: received, Err: c.errs[i]}
	}
	return out
}

// Late is how many packets from several interfaces came too late to be
// put in order (their reader lagged more than the merge waits); they were
// delivered at once. Known after Stop.
func (c *Capture) Late() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.late
}

// Stop ends the capture: the packets the kernel holds in blocks not yet
// handed over are read first (it hands them over within blockTimeout),
// every packet read is delivered, and the sockets are closed, which
// turns promiscuous mode off again. It returns the final counts; calling
// it again returns them again.
func (c *Capture) Stop() []PointStats {
	c.stopOnce.Do(func() {
		deadline := time.Now().Add(2*blockTimeout + 10*time.Millisecond)
		for _, sock := range c.socks {
			// A non-blocking descriptor is in Go's poller (os.NewFile),
			// so the deadline wakes a reader waiting there.
			sock.file.SetReadDeadline(deadline)
		}
		<-c.merged
		// Counted and closed under the lock, so that Stats never asks a
		// descriptor that is closed (or by now another file's).
		c.mu.Lock()
		c.final = c.statsLocked()
		for _, sock := range c.socks {
			sock.close()
		}
		c.mu.Unlock()
	})
	return c.Stats()
}
