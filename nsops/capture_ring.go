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

// readBlocks hands every block the kernel has filled to emit, one batch
// of packets per block copied out of the ring, and gives each block back
// to the kernel at once; it returns how many there were. Only the reading
// goroutine calls it.
func (s *packetSocket) readBlocks(tag string, emit func([]packetline.Packet)) int {
	n := 0
	for {
		base := s.cur * blockSize
		hdr := (*unix.TpacketHdrV1)(unsafe.Pointer(&s.ring[base+blockHdrOffset]))
		if atomic.LoadUint32(&hdr.Block_status)&unix.TP_STATUS_USER == 0 {
			return n
		}
		ps := s.copyBlock(base, hdr, tag)
		atomic.StoreUint32(&hdr.Block_status, unix.TP_STATUS_KERNEL)
		s.cur = (s.cur + 1) % s.nb
		n++
		if len(ps) > 0 {
			emit(ps)
		}
	}
}

// copyBlock copies the packets of the block at base into one new slab,
// with the VLAN tag the kernel took off a frame put back in its place.
// One allocation for the bytes of a block and one for its packets, not one
// per packet: a block holds thousands under a flood.
func (s *packetSocket) copyBlock(base int, hdr *unix.TpacketHdrV1, tag string) []packetline.Packet {
	num := int(hdr.Num_pkts)
	end := base + blockSize
	total := 0
	for i, off := 0, base+int(hdr.Offset_to_first_pkt); i < num; i++ {
		ph := s.packetAt(off, end)
		if ph == nil {
			num = i
			break
		}
		total += int(ph.Snaplen) + vlanTagLen
		off += int(ph.Next_offset)
	}
	slab := make([]byte, 0, total)
	ps := make([]packetline.Packet, 0, num)
	for i, off := 0, base+int(hdr.Offset_to_first_pkt); i < num; i++ {
		ph := s.packetAt(off, end)
		data := s.ring[off+int(ph.Mac) : off+int(ph.Mac)+int(ph.Snaplen)]
		wire := int(ph.Len)
		start := len(slab)
		if s.link == layers.LinkTypeEthernet && ph.Status&unix.TP_STATUS_VLAN_VALID != 0 {
			tpid := uint16(0)
			if ph.Status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
				tpid = ph.Hv1.Vlan_tpid
			}
			slab = packetline.AppendWithVLANTag(slab, data, tpid, uint16(ph.Hv1.Vlan_tci))
			wire += len(slab) - start - len(data)
		} else {
			slab = append(slab, data...)
		}
		ps = append(ps, packetline.Packet{
			Data: slab[start:len(slab):len(slab)], Length: wire, Link: s.link,
			Time: time.Unix(int64(ph.Sec), int64(ph.Nsec)),
			Dir:  packetline.Direction(s.ring[off+sllOffset+sllPkttype]), Tag: tag,
		})
		off += int(ph.Next_offset)
	}
	return ps
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
