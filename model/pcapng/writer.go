// Package pcapng writes what a capture saw on several interfaces, in
// several namespaces, into one pcapng stream that tcpdump -r and Wireshark
// read: one interface block per capture point, named by its Tag
// ("qr-1234@qrouter-7f…"), each packet with its direction, and the
// kernel's counts at the end.
//
// The writer writes packets in the order it is given them; a capture on
// several sockets puts them in time order first (see model/timeorder).
package pcapng

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
)

// Interface is a capture point: where packets were seen (packetline.Tag),
// their link type, and the filter applied there, if any.
type Interface struct {
	Tag    string
	Link   layers.LinkType
	Filter string
}

type ifaceKey struct {
	tag  string
	link layers.LinkType
}

// Writer writes a pcapng stream. It is not safe for concurrent use.
//
// pcapgo writes the section and interface blocks; packets, which a flood
// brings by the hundred thousand a second, are written here, each block
// in one piece into a large buffer: pcapgo writes one in five pieces,
// allocates its options each time, and empties its 4 KiB buffer with a
// system call every few dozen packets.
type Writer struct {
	out  *bufio.Writer
	ng   *pcapgo.NgWriter
	link layers.LinkType // the link type of every interface block
	ids  map[ifaceKey]int
	buf  []byte
	epb  []byte
	// last is the interface of the packet before: packets come in runs
	// from one interface, and its id is then found without the map.
	last   ifaceKey
	lastID int
}

// bufferSize holds a few hundred packets between system calls.
const bufferSize = 256 << 10

// writerOnly hides that the buffer is a *bufio.Writer, which pcapgo's
// bufio.NewWriter would otherwise adopt as its own: its Flush, called
// before each packet to keep the blocks in order, would then empty the
// large buffer every packet.
type writerOnly struct{ io.Writer }

// NewWriter starts a pcapng stream on out with the given interfaces (more
// are added as packets from them arrive). libpcap reads a file whose
// interfaces all have one link type, so the file is Ethernet if any
// interface is, and raw IP packets in it get an Ethernet header with zero
// addresses (as Linux gives loopback frames); the interface's description
// says so. Nothing is written until the first interface or packet.
func NewWriter(out io.Writer, ifaces ...Interface) (*Writer, error) {
	w := &Writer{out: bufio.NewWriterSize(out, bufferSize), ids: map[ifaceKey]int{}, link: layers.LinkTypeRaw, lastID: -1}
	for _, i := range ifaces {
		if i.Link == layers.LinkTypeEthernet {
			w.link = layers.LinkTypeEthernet
		}
	}
	for _, i := range ifaces {
		if _, err := w.add(i); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// add writes an interface block for i, the first one with the section
// header.
func (w *Writer) add(i Interface) (int, error) {
	if i.Link != layers.LinkTypeEthernet && i.Link != layers.LinkTypeRaw {
		return 0, fmt.Errorf("pcapng: interface %s has link type %v; only Ethernet and raw IP are written", i.Tag, i.Link)
	}
	if w.ng == nil && len(w.ids) == 0 && i.Link == layers.LinkTypeEthernet {
		w.link = layers.LinkTypeEthernet
	}
	if i.Link == layers.LinkTypeEthernet && w.link != layers.LinkTypeEthernet {
		return 0, fmt.Errorf("pcapng: interface %s is Ethernet but the file is raw IP (libpcap reads one link type per file): name every interface when the capture starts", i.Tag)
	}
	desc := ""
	if i.Link != w.link {
		desc = "raw IP; Ethernet header with zero addresses added by lazyns"
	}
	intf := pcapgo.NgInterface{
		Name: model.Visible(i.Tag), Description: desc, Filter: i.Filter,
		LinkType: w.link, TimestampResolution: 9, OS: "linux",
	}
	var id int
	var err error
	if w.ng == nil {
		opts := pcapgo.DefaultNgWriterOptions
		opts.SectionInfo.Application = "lazyns"
		w.ng, err = pcapgo.NewNgWriterInterface(writerOnly{w.out}, intf, opts)
	} else {
		id, err = w.ng.AddInterface(intf)
	}
	if err != nil {
		return 0, fmt.Errorf("pcapng: writing interface %s: %w", i.Tag, err)
	}
	w.ids[ifaceKey{i.Tag, i.Link}] = id
	return id, nil
}

// WritePacket writes p from the interface p.Tag names (added on first
// sight), with its direction.
func (w *Writer) WritePacket(p *packetline.Packet) error {
	key := ifaceKey{p.Tag, p.Link}
	id := w.lastID
	if id < 0 || key != w.last {
		var ok bool
		if id, ok = w.ids[key]; !ok {
			var err error
			if id, err = w.add(Interface{Tag: p.Tag, Link: p.Link}); err != nil {
				return err
			}
		}
		w.last, w.lastID = key, id
	}
	data, wire := p.Data, p.Length
	if wire < len(data) {
		wire = len(data)
	}
	if p.Link == layers.LinkTypeRaw && w.link == layers.LinkTypeEthernet {
		data, wire = w.withEthernet(data), wire+14
	}
	// What pcapgo's interface blocks left in its buffer goes first.
	if err := w.ng.Flush(); err != nil {
		return fmt.Errorf("pcapng: writing a packet from %s: %w", p.Tag, err)
	}
	flags := epbFlags(p.Dir)
	// Built in place in the buffer's free space when it fits: one copy
	// of the packet, not two.
	var b []byte
	if free := w.out.AvailableBuffer(); cap(free) >= len(data)+epbOverhead {
		b = appendEPB(free, id, p.Time, data, wire, flags.ToUint32())
	} else {
		w.epb = appendEPB(w.epb[:0], id, p.Time, data, wire, flags.ToUint32())
		b = w.epb
	}
	if _, err := w.out.Write(b); err != nil {
		return fmt.Errorf("pcapng: writing a packet from %s: %w", p.Tag, err)
	}
	return nil
}

// epbOverhead is what an enhanced packet block adds to its packet, at most.
const epbOverhead = 28 + 3 + 12 + 4

// appendEPB appends an enhanced packet block (pcapng, section 4.3) with
// its flags word as the only option, timestamps in nanoseconds (the
// interfaces' resolution), exactly as pcapgo writes one.
func appendEPB(b []byte, id int, t time.Time, data []byte, wire int, flags uint32) []byte {
	const (
		epbType   = 6
		flagsCode = 2
	)
	pad := (4 - len(data)&3) & 3
	total := epbOverhead - 3 + len(data) + pad
	ts := uint64(t.UnixNano())
	le := binary.LittleEndian
	b = le.AppendUint32(b, epbType)
	b = le.AppendUint32(b, uint32(total))
	b = le.AppendUint32(b, uint32(id))
	b = le.AppendUint32(b, uint32(ts>>32))
	b = le.AppendUint32(b, uint32(ts))
	b = le.AppendUint32(b, uint32(len(data)))
	b = le.AppendUint32(b, uint32(wire))
	b = append(b, data...)
	var zero [3]byte
	b = append(b, zero[:pad]...)
	b = le.AppendUint16(b, flagsCode)
	b = le.AppendUint16(b, 4)
	b = le.AppendUint32(b, flags)
	b = le.AppendUint32(b, 0) // end of options
	return le.AppendUint32(b, uint32(total))
}

// withEthernet prefixes a raw IP packet with an Ethernet header of zero
// addresses and the EtherType its version says.
func (w *Writer) withEthernet(ip []byte) []byte {
	et := byte(0x00)
	if len(ip) > 0 && ip[0]>>4 == 6 {
		et = 0xdd
	}
	w.buf = append(w.buf[:0], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, et)
	if et == 0xdd {
		w.buf[12] = 0x86
	}
	w.buf = append(w.buf, ip...)
	return w.buf
}

func epbFlags(d packetline.Direction) pcapgo.NgEpbFlags {
	switch d {
	case packetline.Out:
		return pcapgo.NgEpbFlags{Direction: pcapgo.NgEpbFlagDirectionOutbound}
	case packetline.Broadcast:
		return pcapgo.NgEpbFlags{Direction: pcapgo.NgEpbFlagDirectionInbound, Reception: pcapgo.NgEpbFlagReceptionTypeBroadcast}
	case packetline.Multicast:
		return pcapgo.NgEpbFlags{Direction: pcapgo.NgEpbFlagDirectionInbound, Reception: pcapgo.NgEpbFlagReceptionTypeMulticast}
	case packetline.OtherHost:
		return pcapgo.NgEpbFlags{Direction: pcapgo.NgEpbFlagDirectionInbound, Reception: pcapgo.NgEpbFlagReceptionTypePromiscuous}
	}
	return pcapgo.NgEpbFlags{Direction: pcapgo.NgEpbFlagDirectionInbound, Reception: pcapgo.NgEpbFlagReceptionTypeUnicast}
}

// Stats is what the kernel counted on one interface during the capture.
type Stats struct {
	Start, End time.Time
	Received   uint64 // packets that passed the filter
	Dropped    uint64 // packets the kernel dropped for lack of room
}

// WriteStats records an interface's counts, usually at the end.
func (w *Writer) WriteStats(iface Interface, s Stats) error {
	id, ok := w.ids[ifaceKey{iface.Tag, iface.Link}]
	if !ok {
		return fmt.Errorf("pcapng: no interface %s in this file", iface.Tag)
	}
	if err := w.ng.Flush(); err != nil {
		return fmt.Errorf("pcapng: writing the counts of %s: %w", iface.Tag, err)
	}
	err := w.ng.WriteInterfaceStats(id, pcapgo.NgInterfaceStatistics{
		LastUpdate: s.End, StartTime: s.Start, EndTime: s.End,
		PacketsReceived: s.Received, PacketsDropped: s.Dropped,
	})
	if err != nil {
		return fmt.Errorf("pcapng: writing the counts of %s: %w", iface.Tag, err)
	}
	return nil
}

// Flush writes out what is buffered; call it before closing out, and
// whenever a reader at the other end of a pipe should see the packets.
func (w *Writer) Flush() error {
	if w.ng == nil {
		return nil
	}
	if err := w.ng.Flush(); err != nil {
		return err
	}
	return w.out.Flush()
}
