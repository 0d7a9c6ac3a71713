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
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"
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
type Writer struct {
	out  io.Writer
	ng   *pcapgo.NgWriter
	link layers.LinkType // the link type of every interface block
	ids  map[ifaceKey]int
	buf  []byte
}

// NewWriter starts a pcapng stream on out with the given interfaces (more
// are added as packets from them arrive). libpcap reads a file whose
// interfaces all have one link type, so the file is Ethernet if any
// interface is, and raw IP packets in it get an Ethernet header with zero
// addresses (as Linux gives loopback frames); the interface's description
// says so. Nothing is written until the first interface or packet.
func NewWriter(out io.Writer, ifaces ...Interface) (*Writer, error) {
	w := &Writer{out: out, ids: map[ifaceKey]int{}, link: layers.LinkTypeRaw}
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
		w.ng, err = pcapgo.NewNgWriterInterface(w.out, intf, opts)
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
	id, ok := w.ids[key]
	if !ok {
		var err error
		if id, err = w.add(Interface{Tag: p.Tag, Link: p.Link}); err != nil {
			return err
		}
	}
	data, wire := p.Data, p.Length
	if wire < len(data) {
		wire = len(data)
	}
	if p.Link == layers.LinkTypeRaw && w.link == layers.LinkTypeEthernet {
		data, wire = w.withEthernet(data), wire+14
	}
	ci := gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(data), Length: wire, InterfaceIndex: id}
	flags := epbFlags(p.Dir)
	if err := w.ng.WritePacketWithOptions(ci, data, pcapgo.NgPacketOptions{Flags: &flags}); err != nil {
		return fmt.Errorf("pcapng: writing a packet from %s: %w", p.Tag, err)
	}
	return nil
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
	return w.ng.Flush()
}
