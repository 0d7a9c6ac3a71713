package packetline

import (
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/lazyns/lazyns/model"
)

// Direction is where a packet went, as a Linux packet socket reports it
// (sll_pkttype: PACKET_HOST … PACKET_OUTGOING, in that order).
type Direction uint8

const (
	In        Direction = iota // to this host
	Broadcast                  // to everyone on the link
	Multicast                  // to a group this host is in
	OtherHost                  // to another host, seen in promiscuous mode
	Out                        // sent by this host
)

// String is the word tcpdump prints for it when it captures on "any".
func (d Direction) String() string {
	switch d {
	case In:
		return "In"
	case Broadcast:
		return "B"
	case Multicast:
		return "M"
	case OtherHost:
		return "P"
	case Out:
		return "Out"
	}
	return "?"
}

// Packet is a captured packet and where it was seen.
type Packet struct {
	Data   []byte          // from the link-layer header on, as captured
	Length int             // length on the wire; 0 means len(Data)
	Link   layers.LinkType // layers.LinkTypeEthernet or layers.LinkTypeRaw
	Time   time.Time
	Dir    Direction
	Tag    string // where it was captured (see Tag); empty for none
}

// Tag names an interface in a namespace as the line and a pcapng file
// show it: "qr-1234@qrouter-7f…", or the interface alone for the
// namespace lazyns runs in (namespace ""). Both names are made inert.
func Tag(namespace, iface string) string {
	if namespace == "" {
		return model.Visible(iface)
	}
	return model.Visible(iface) + "@" + model.Visible(namespace)
}

// Formatter prints packets. Its decoding layers are reused from packet to
// packet, so one Formatter serves one goroutine.
type Formatter struct {
	// Date prints the date before the time (as tcpdump -tttt); by
	// default the time alone, which fits a narrow pane.
	Date bool
	// Location is the time zone of the time; nil means local time.
	Location *time.Location

	d *decoder
}

// NewFormatter returns a Formatter with its layers allocated.
func NewFormatter() *Formatter { return &Formatter{d: newDecoder(0)} }

// AppendLine appends p's line (no newline): time, tag, direction and the
// summary AppendSummary writes.
func (f *Formatter) AppendLine(dst []byte, p *Packet) []byte {
	loc := f.Location
	if loc == nil {
		loc = time.Local
	}
	layout := "15:04:05.000000"
	if f.Date {
		layout = "2006-01-02 15:04:05.000000"
	}
	dst = p.Time.In(loc).AppendFormat(dst, layout)
	dst = append(dst, ' ')
	if p.Tag != "" {
		dst = append(dst, model.Visible(p.Tag)...)
		dst = append(dst, ' ')
	}
	dst = append(dst, p.Dir.String()...)
	dst = append(dst, ' ')
	return f.AppendSummary(dst, p.Data, p.Length, p.Link)
}

// Line is AppendLine into a new string.
func (f *Formatter) Line(p *Packet) string { return string(f.AppendLine(nil, p)) }

// AppendSummary appends what tcpdump -n prints after the time for a packet
// of the given link type; wireLen is its length on the wire (0: len(data)).
func (f *Formatter) AppendSummary(dst []byte, data []byte, wireLen int, link layers.LinkType) []byte {
	if wireLen < len(data) {
		wireLen = len(data)
	}
	switch link {
	case layers.LinkTypeEthernet:
		return f.d.ethernet(dst, data, wireLen)
	case layers.LinkTypeRaw:
		return f.d.rawIP(dst, data, wireLen)
	}
	dst = append(dst, "link type "...)
	dst = appendUint(dst, uint64(link))
	dst = append(dst, ", length "...)
	return appendUint(dst, uint64(wireLen))
}
