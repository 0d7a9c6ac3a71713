package nsops

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
	"unsafe"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/pcapfilter"
)

// The kernel ring of a capture socket (TPACKET_V3, as libpcap uses): the
// kernel fills blocks with packets and hands a block over when it is full
// or when blockTimeout has passed since its first packet, so one wakeup
// serves a whole block under a flood and a lone packet still shows within
// the timeout.
const (
	blockSize    = 256 << 10 // holds any packet a veth hands over (GSO: 64 KiB)
	frameSize    = 2048      // TPACKET_V3 ignores frames but wants them to add up
	blockTimeout = 20 * time.Millisecond
	// DefaultRingBytes is each socket's ring: twice libpcap's default
	// buffer, so that a burst a tcpdump would drop is held.
	DefaultRingBytes = 4 << 20
)

// packetSocket is an AF_PACKET socket bound to one interface, with its
// ring mapped. It was opened inside the interface's namespace and stays
// there: any goroutine may read it.
type packetSocket struct {
	file  *os.File // non-blocking: waits go through Go's poller
	fd    int
	ring  []byte
	nb    int // blocks in the ring
	cur   int // the block to read next
	index int
	link  layers.LinkType

	mu      sync.Mutex
	packets uint64 // passed the filter (read or dropped), as the kernel counted
	drops   uint64 // dropped by the kernel for want of room in the ring
}

// ErrNoInterface is an interface that is not in the namespace.
var ErrNoInterface = errors.New("no such interface")

// openPacketSocket opens a capture socket on point's interface inside the
// namespace open as nsFile (here when host is set): filter attached
// before the socket is bound, so nothing the filter refuses is ever
// queued; promiscuous mode only when asked, and the kernel turns it off
// again when the socket is closed.
func openPacketSocket(n *heldNs, p model.CapturePoint, filter string, promisc bool, ringBytes int) (_ *packetSocket, err error) {
	var fd, index int
	var hatype uint16
	open := func() error {
		var err error
		fd, index, hatype, err = packetSocketHere(p.Name)
		return err
	}
	if err := n.do(open); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			unix.Close(fd)
		}
	}()
	link, known := pcapfilter.LinkTypeOf(hatype)
	if !known {
		link = layers.LinkTypeRaw
	}
	prog, err := pcapfilter.Compile(filter, link, pcapfilter.Socket)
	if err != nil {
		return nil, err
	}
	if err := attachFilter(fd, prog); err != nil {
		return nil, err
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return nil, fmt.Errorf("TPACKET_V3: %w", err)
	}
	nb := max(ringBytes, blockSize) / blockSize
	req := unix.TpacketReq3{
		Block_size: blockSize, Block_nr: uint32(nb),
		Frame_size: frameSize, Frame_nr: uint32(nb * blockSize / frameSize),
		Retire_blk_tov: uint32(blockTimeout / time.Millisecond),
	}
	if err := unix.SetsockoptTpacketReq3(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, fmt.Errorf("packet ring of %d KiB: %w", nb*blockSize>>10, err)
	}
	ring, err := unix.Mmap(fd, 0, nb*blockSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map the packet ring: %w", err)
	}
	defer func() {
		if !ok {
			unix.Munmap(ring)
		}
	}()
	// Only now does the socket take packets, through the filter.
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: index}
	if err := unix.Bind(fd, sa); err != nil {
		return nil, fmt.Errorf("bind to ifindex %d: %w", index, err)
	}
	if promisc {
		mreq := &unix.PacketMreq{Ifindex: int32(index), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, mreq); err != nil {
			return nil, fmt.Errorf("promiscuous mode: %w", err)
		}
	}
	file := os.NewFile(uintptr(fd), "packet:"+p.Name)
	ok = true
	return &packetSocket{file: file, fd: fd, ring: ring, nb: nb, index: index, link: link}, nil
}

// packetSocketHere opens a packet socket in the calling thread's
// namespace, taking no packets yet (protocol 0), and reads the index and
// hardware type of the interface called name there. A device without a
// link-layer header libpcap knows gets a datagram socket, which hands
// packets from their network header.
func packetSocketHere(name string) (fd, index int, hatype uint16, err error) {
	fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return -1, 0, 0, fmt.Errorf("packet socket: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err == nil {
		err = unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr)
	}
	if err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.ENODEV) || errors.Is(err, unix.EINVAL) {
			return -1, 0, 0, ErrNoInterface
		}
		return -1, 0, 0, err
	}
	index = int(ifr.Uint32())
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFHWADDR, ifr); err != nil {
		unix.Close(fd)
		return -1, 0, 0, fmt.Errorf("hardware type: %w", err)
	}
	hatype = ifr.Uint16()
	if _, known := pcapfilter.LinkTypeOf(hatype); known {
		return fd, index, hatype, nil
	}
	unix.Close(fd)
	fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return -1, 0, 0, fmt.Errorf("packet socket: %w", err)
	}
	return fd, index, hatype, nil
}

func attachFilter(fd int, prog []bpf.RawInstruction) error {
	if len(prog) == 0 {
		return nil
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
		return fmt.Errorf("attach the filter: %w", err)
	}
	return nil
}

// htons is v in network byte order, as sockaddr_ll wants its protocol.
func htons(v uint16) uint16 {
	return binary.NativeEndian.Uint16(binary.BigEndian.AppendUint16(nil, v))
}

// counts reads the kernel's counts since the last call and adds them up:
// PACKET_STATISTICS resets them as it reads.
func (s *packetSocket) counts() (packets, drops uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, err := unix.GetsockoptTpacketStatsV3(s.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS); err == nil {
		s.packets += uint64(st.Packets)
		s.drops += uint64(st.Drops)
	}
	return s.packets, s.drops
}

// close unmaps the ring and closes the socket (which ends promiscuous
// mode, if it was on).
func (s *packetSocket) close() {
	unix.Munmap(s.ring)
	s.file.Close()
}
