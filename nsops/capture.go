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
	// RingBytes is the kernel's ring for each interface (DefaultRingBytes
	// when 0): how much a burst may pile up before the kernel drops.
	RingBytes int
	// Deliver receives the packets, in batches, in the order they were
	// seen across every interface, from one goroutine. A packet's Data is
	// only valid during the call: keep a copy (packetring.Ring.Push does).
	// A slow Deliver makes the kernel drop packets, which Stats counts.
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

	in      chan batch
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

// batch is the packets of one block of one interface.
type batch struct{ packets []packetline.Packet }

// PointStats are the counts of one capture point.
type PointStats struct {
	Point model.CapturePoint
	Tag   string          // how its packets are tagged (packetline.Tag)
	Link  layers.LinkType // of its packets: Ethernet, or raw IP
	// Seen is the packets read from the kernel; Dropped those the kernel
	// dropped for want of room in the ring (the reader fell behind).
	Seen, Dropped uint64
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
	if opt.RingBytes <= 0 {
		opt.RingBytes = DefaultRingBytes
	}
	c := &Capture{opt: opt, ended: make(chan struct{}), merged: make(chan struct{})}
	seen := map[model.CapturePoint]bool{}
	for _, p := range points {
		p.Index = 0 // the name decides, read where it lives
		if !seen[p] {
			seen[p] = true
			c.points = append(c.points, p)
		}
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
	c.in = make(chan batch, 4*len(c.socks))
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
		return nil, notFoundError{fmt.Sprintf("capture on %s: the namespace is not there", where)}
	}
	f, err := openNamespace(ns)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errVanished) {
		return nil, notFoundError{fmt.Sprintf("capture on %s: namespace %s is gone", where, model.Visible(ns.DisplayName()))}
	}
	if err != nil {
		return nil, fmt.Errorf("capture on %s: open the namespace: %s", where, describeOpenErr(err))
	}
	defer f.Close()
	sock, err := openPacketSocket(f, ns.Key == s.host, p, opt.Filter, opt.Promisc, opt.RingBytes)
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

// read hands the blocks of socket i to the merge, waiting for the kernel
// through Go's poller, until Stop's deadline or the interface goes away.
func (c *Capture) read(i int) {
	defer c.readers.Done()
	sock, tag := c.socks[i], c.tags[i]
	emit := func(ps []packetline.Packet) {
		c.seen[i].Add(uint64(len(ps)))
		c.in <- batch{ps}
	}
	rc, err := sock.file.SyscallConn()
	if err != nil {
		c.fail(i, err)
		return
	}
	var gone error
	for {
		err := rc.Read(func(uintptr) bool {
			if sock.readBlocks(tag, emit) > 0 {
				return true
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
			sock.readBlocks(tag, emit)
			return
		}
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

// merge delivers the readers' batches: as they come from one interface,
// in time order from several.
func (c *Capture) merge() {
	defer close(c.merged)
	if len(c.socks) == 1 {
		for b := range c.in {
			c.opt.Deliver(b.packets)
		}
		return
	}
	buf := timeorder.New(mergeDelay, func(p packetline.Packet) time.Time { return p.Time })
	tick := time.NewTicker(blockTimeout)
	defer tick.Stop()
	var out []packetline.Packet
	deliver := func() {
		if len(out) > 0 {
			c.opt.Deliver(out)
			clear(out) // let the blocks' bytes go
			out = out[:0]
		}
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
			for _, p := range b.packets {
				buf.Push(p)
			}
		case now := <-tick.C:
			out = buf.Release(now, out)
			deliver()
		}
	}
}

// Done is closed when every interface has stopped by itself (each went
// away), so a caller waiting for Stop's reason can also wait for this.
func (c *Capture) Done() <-chan struct{} { return c.ended }

// Stats are the counts so far, per point, in the order the points were
// given.
func (c *Capture) Stats() []PointStats {
	c.mu.Lock()
	final := c.final
	c.mu.Unlock()
	if final != nil {
		return final
	}
	return c.stats()
}

func (c *Capture) stats() []PointStats {
	out := make([]PointStats, len(c.socks))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, sock := range c.socks {
		_, drops := sock.counts()
		out[i] = PointStats{Point: c.points[i], Tag: c.tags[i], Link: sock.link,
			Seen: c.seen[i].Load(), Dropped: drops, Err: c.errs[i]}
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
		final := c.stats()
		for _, sock := range c.socks {
			sock.close()
		}
		c.mu.Lock()
		c.final = final
		c.mu.Unlock()
	})
	return c.Stats()
}
