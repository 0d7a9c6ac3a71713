// Package packetring keeps the most recent packets of a capture for a
// pane to show: a flood of a million packets leaves it holding a bounded
// number of bytes, and only the lines on screen are ever formatted.
//
// Packet bytes go into a fixed set of chunks filled in turn; when the
// writer comes back to a chunk, the packets in it (the oldest) are let go
// with it. So the memory a ring holds is at most its byte budget plus a
// small record per packet kept, and pushing a packet allocates nothing
// once the chunks exist.
//
// A Ring is safe for concurrent use: a capture goroutine pushes, the UI
// reads.
package packetring

import (
	"sync"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/lazyns/lazyns/model/packetline"
)

// Defaults for New when a limit is 0: enough for a pane scrolled back a
// long way, well under the 100 MB a capture may use in all.
const (
	DefaultPackets = 100_000
	DefaultBytes   = 32 << 20
)

// chunkSize is the unit in which bytes are let go. A packet never spans
// two chunks; a packet longer than a chunk (none on a real link: GSO
// packets stay under 64 KiB) is kept truncated to it.
const chunkSize = 1 << 20

// entry is what the ring keeps of a packet beside its bytes.
type entry struct {
	at    int64 // capture time, Unix nanoseconds
	tag   string
	chunk uint64 // sequence number of the chunk holding the bytes
	off   uint32
	n     uint32 // bytes kept
	wire  uint32 // length on the wire
	link  layers.LinkType
	dir   packetline.Direction
}

// Ring holds the last packets pushed into it.
type Ring struct {
	mu       sync.Mutex
	showTags bool

	entries []entry // circular once full; entry of seq s at s % cap
	maxN    int
	first   uint64 // seq of the oldest packet held
	next    uint64 // seq the next packet pushed gets

	chunks   [][]byte
	maxChunk int
	chunk    uint64 // sequence number of the chunk being filled
	off      int    // where the next packet's bytes go in it

	paused  bool
	skipped uint64

	f    *packetline.Formatter
	line []byte
}

// New returns a ring keeping at most maxPackets packets and maxBytes of
// their bytes (0 for the defaults). showTags puts each packet's tag in
// its line: on for a capture on several interfaces.
func New(maxPackets, maxBytes int, showTags bool) *Ring {
	if maxPackets <= 0 {
		maxPackets = DefaultPackets
	}
	if maxBytes <= 0 {
		maxBytes = DefaultBytes
	}
	return &Ring{
		showTags: showTags, maxN: maxPackets,
		maxChunk: max(1, maxBytes/chunkSize),
		f:        packetline.NewFormatter(),
	}
}

// Push adds packets, in the order given (a capture's time order). Their
// bytes are copied: the caller may reuse them. While the ring is paused
// they are only counted.
func (r *Ring) Push(ps []packetline.Packet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused {
		r.skipped += uint64(len(ps))
		return
	}
	for i := range ps {
		r.push(&ps[i])
	}
}

func (r *Ring) push(p *packetline.Packet) {
	data := p.Data
	if len(data) > chunkSize {
		data = data[:chunkSize]
	}
	if r.chunks == nil || r.off+len(data) > chunkSize {
		r.nextChunk()
	}
	buf := r.chunks[r.chunk%uint64(r.maxChunk)]
	copy(buf[r.off:], data)
	wire := p.Length
	if wire < len(p.Data) {
		wire = len(p.Data)
	}
	e := entry{
		at: p.Time.UnixNano(), tag: p.Tag, chunk: r.chunk,
		off: uint32(r.off), n: uint32(len(data)), wire: uint32(wire),
		link: p.Link, dir: p.Dir,
	}
	r.off += len(data)
	if len(r.entries) < r.maxN {
		r.entries = append(r.entries, e)
	} else {
		r.entries[r.next%uint64(r.maxN)] = e
	}
	r.next++
	if r.next-r.first > uint64(r.maxN) {
		r.first = r.next - uint64(r.maxN)
	}
}

// nextChunk moves on to the next chunk, letting go of the packets that
// were in it.
func (r *Ring) nextChunk() {
	if r.chunks != nil {
		r.chunk++
	}
	slot := int(r.chunk % uint64(r.maxChunk))
	if slot == len(r.chunks) {
		r.chunks = append(r.chunks, make([]byte, chunkSize))
	}
	r.off = 0
	for r.first < r.next && r.at(r.first).chunk+uint64(r.maxChunk) <= r.chunk {
		r.first++
	}
}

func (r *Ring) at(seq uint64) *entry { return &r.entries[seq%uint64(r.maxN)] }

// Held is how many packets the ring holds.
func (r *Ring) Held() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int(r.next - r.first)
}

// Range is the numbers of the packets held: first to next-1. Packets are
// numbered from 0 in the order they were kept (those that arrived while
// paused get none), so a pane scrolled back holds its place by number
// while newer packets arrive.
func (r *Ring) Range() (first, next uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.first, r.next
}

// Skipped is how many packets arrived while the ring was paused.
func (r *Ring) Skipped() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skipped
}

// SetPaused stops keeping packets (true) or starts again: a paused pane
// keeps what it shows, and what w writes is what it showed.
func (r *Ring) SetPaused(p bool) {
	r.mu.Lock()
	r.paused = p
	r.mu.Unlock()
}

// Lines formats up to n packets starting at number from (moved up to the
// oldest held, if that has gone), and returns them with the number of
// the first. Only these packets are decoded: what is off screen costs
// nothing.
func (r *Ring) Lines(from uint64, n int) (lines []string, first uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	from = max(from, r.first)
	end := min(from+uint64(max(n, 0)), r.next)
	for seq := from; seq < end; seq++ {
		lines = append(lines, r.format(seq))
	}
	return lines, from
}

// Tail is the last n lines, for a pane that follows the capture.
func (r *Ring) Tail(n int) (lines []string, first uint64) {
	r.mu.Lock()
	next := r.next
	r.mu.Unlock()
	from := uint64(0)
	if next > uint64(n) {
		from = next - uint64(n)
	}
	return r.Lines(from, n)
}

func (r *Ring) format(seq uint64) string {
	var p packetline.Packet
	r.packet(seq, &p)
	if !r.showTags {
		p.Tag = ""
	}
	r.line = r.f.AppendLine(r.line[:0], &p)
	return string(r.line)
}

// packet points p at packet seq; its Data is the ring's own bytes.
func (r *Ring) packet(seq uint64, p *packetline.Packet) {
	e := r.at(seq)
	buf := r.chunks[e.chunk%uint64(r.maxChunk)]
	*p = packetline.Packet{
		Data: buf[e.off : e.off+e.n : e.off+e.n], Length: int(e.wire), Link: e.link,
		Time: time.Unix(0, e.at), Dir: e.dir, Tag: e.tag,
	}
}

// Packets is a copy of every packet held, oldest first, to write to a
// file: the ring goes on taking packets meanwhile.
func (r *Ring) Packets() []packetline.Packet {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]packetline.Packet, 0, r.next-r.first)
	total := 0
	for seq := r.first; seq < r.next; seq++ {
		total += int(r.at(seq).n)
	}
	bytes := make([]byte, 0, total)
	for seq := r.first; seq < r.next; seq++ {
		var p packetline.Packet
		r.packet(seq, &p)
		start := len(bytes)
		bytes = append(bytes, p.Data...)
		p.Data = bytes[start:len(bytes):len(bytes)]
		out = append(out, p)
	}
	return out
}
