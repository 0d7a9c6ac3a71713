package nsops

import (
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/lazyns/lazyns/model/packetline"
)

// Offsets in a TPACKET_V3 ring (<linux/if_packet.h>): a block starts with
// tpacket_block_desc, whose header (tpacket_hdr_v1) is 8 bytes in; each
// packet starts with tpacket3_hdr, followed by its sockaddr_ll.
const (
	blockHdrOffset = 8
	sllOffset      = unix.SizeofTpacket3Hdr // TPACKET_ALIGN(sizeof(tpacket3_hdr))
	sllPkttype     = 10                     // sll_pkttype in sockaddr_ll
	vlanTagLen     = 4
)

// block is the packets of one block of the ring. Their Data points into
// buf, or, for a block read in place, into the ring itself.
type block struct {
	ps  []packetline.Packet
	buf []byte
	// pending counts the packets not yet delivered, when a merge holds
	// them: the block is reused once none is left.
	pending int
}

// nextBlock returns the header of the block the kernel has handed over
// next, or nil when it has not filled one yet.
func (s *packetSocket) nextBlock() *unix.TpacketHdrV1 {
	hdr := (*unix.TpacketHdrV1)(unsafe.Pointer(&s.ring[s.cur*blockSize+blockHdrOffset]))
	if atomic.LoadUint32(&hdr.Block_status)&unix.TP_STATUS_USER == 0 {
		return nil
	}
	return hdr
}

// release gives the current block back to the kernel and moves on.
func (s *packetSocket) release(hdr *unix.TpacketHdrV1) {
	atomic.StoreUint32(&hdr.Block_status, unix.TP_STATUS_KERNEL)
	s.cur = (s.cur + 1) % s.nb
}

// fill puts the packets of the current block in b. With copyAll their
// bytes are copied into b.buf, so they outlive the block; without, they
// stay in the ring, valid until the block is released, and only a frame
// whose VLAN tag is put back (which the kernel took off) is copied. b's
// slices are reused: a flood costs no allocation per block.
func (s *packetSocket) fill(hdr *unix.TpacketHdrV1, tag string, copyAll bool, b *block) {
	base := s.cur * blockSize
	end := base + blockSize
	first := base + int(hdr.Offset_to_first_pkt)
	// Room for everything first: the packets' Data must not move. A
	// block's packets hold less than the block, and a tag put back adds 4
	// bytes to a packet whose header alone takes more, so twice the block
	// always does; a copy for the merge, held a while, gets what it needs.
	need := 2 * blockSize
	if copyAll {
		need = 0
		for i, off := 0, first; i < int(hdr.Num_pkts); i++ {
			ph := s.packetAt(off, end)
			if ph == nil {
				break
			}
			need += int(ph.Snaplen) + vlanTagLen
			off += int(ph.Next_offset)
		}
	}
	if cap(b.buf) < need {
		b.buf = make([]byte, 0, need)
	}
	b.buf, b.ps = b.buf[:0], b.ps[:0]
	for i, off := 0, first; i < int(hdr.Num_pkts); i++ {
		ph := s.packetAt(off, end)
		if ph == nil {
			break
		}
		data := s.ring[off+int(ph.Mac) : off+int(ph.Mac)+int(ph.Snaplen) : off+int(ph.Mac)+int(ph.Snaplen)]
		wire := int(ph.Len)
		switch {
		case s.tagged(ph):
			start := len(b.buf)
			tpid := uint16(0)
			if ph.Status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
				tpid = ph.Hv1.Vlan_tpid
			}
			b.buf = packetline.AppendWithVLANTag(b.buf, data, tpid, uint16(ph.Hv1.Vlan_tci))
			wire += len(b.buf) - start - len(data)
			data = b.buf[start:len(b.buf):len(b.buf)]
		case copyAll:
			start := len(b.buf)
			b.buf = append(b.buf, data...)
			data = b.buf[start:len(b.buf):len(b.buf)]
		}
		b.ps = append(b.ps, packetline.Packet{
			Data: data, Length: wire, Link: s.link,
			Time: time.Unix(int64(ph.Sec), int64(ph.Nsec)),
			Dir:  packetline.Direction(s.ring[off+sllOffset+sllPkttype]), Tag: tag,
		})
		off += int(ph.Next_offset)
	}
}

// tagged reports a frame whose outer VLAN tag the kernel took off and
// keeps beside it: the tag goes back in, as libpcap puts it back.
func (s *packetSocket) tagged(ph *unix.Tpacket3Hdr) bool {
	return s.link == layers.LinkTypeEthernet && ph.Status&unix.TP_STATUS_VLAN_VALID != 0
}

// packetAt is the packet header at off, or nil if the packet it describes
// would not lie inside its block (which the kernel never writes; checked
// so that a mistake here cannot read outside the ring).
func (s *packetSocket) packetAt(off, end int) *unix.Tpacket3Hdr {
	if off < 0 || off+sllOffset+sllPkttype >= end {
		return nil
	}
	ph := (*unix.Tpacket3Hdr)(unsafe.Pointer(&s.ring[off]))
	if off+int(ph.Mac)+int(ph.Snaplen) > end {
		return nil
	}
	return ph
}
