package pcapfilter

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"

	"github.com/lazyns/lazyns/model/internal/pktgen"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// skb is a packet as a Linux socket filter sees it: the bytes, and the
// outer VLAN tag the kernel may have taken off them and kept beside.
type skb struct {
	data      []byte
	tagged    bool
	tci       uint16
	name      string
	offloaded bool
}

// offload is what the kernel does to a received frame with an 802.1Q or
// 802.1ad outer tag before any packet socket sees it: the tag leaves the
// bytes and goes into the packet's metadata.
func offload(p pktgen.Packet) (skb, bool) {
	b := p.Data
	if len(b) < 18 {
		return skb{}, false
	}
	if t := binary.BigEndian.Uint16(b[12:]); t != etherTypeVLAN && t != etherTypeQinQ {
		return skb{}, false
	}
	data := append(append([]byte(nil), b[:12]...), b[16:]...)
	return skb{data: data, tagged: true, tci: binary.BigEndian.Uint16(b[14:]), name: p.Name + " (tag offloaded)", offloaded: true}, true
}

// runSocketFilter interprets a classic BPF program with the two kernel
// extensions VLAN filters use (x/net/bpf's interpreter has only the
// packet length). A read past the end drops the packet, as in the kernel.
func runSocketFilter(prog []bpf.RawInstruction, p skb) (accept bool, err error) {
	insns, ok := bpf.Disassemble(prog)
	if !ok {
		return false, fmt.Errorf("program does not disassemble")
	}
	var a, x uint32
	var mem [16]uint32
	ld := func(off uint32, size int) (uint32, bool) {
		if uint64(off)+uint64(size) > uint64(len(p.data)) {
			return 0, false
		}
		switch size {
		case 1:
			return uint32(p.data[off]), true
		case 2:
			return uint32(binary.BigEndian.Uint16(p.data[off:])), true
		}
		return binary.BigEndian.Uint32(p.data[off:]), true
	}
	for pc := 0; pc < len(insns); pc++ {
		switch in := insns[pc].(type) {
		case bpf.LoadConstant:
			if in.Dst == bpf.RegA {
				a = in.Val
			} else {
				x = in.Val
			}
		case bpf.LoadScratch:
			if in.Dst == bpf.RegA {
				a = mem[in.N]
			} else {
				x = mem[in.N]
			}
		case bpf.StoreScratch:
			if in.Src == bpf.RegA {
				mem[in.N] = a
			} else {
				mem[in.N] = x
			}
		case bpf.LoadAbsolute:
			v, ok := ld(in.Off, in.Size)
			if !ok {
				return false, nil
			}
			a = v
		case bpf.LoadIndirect:
			v, ok := ld(x+in.Off, in.Size)
			if !ok {
				return false, nil
			}
			a = v
		case bpf.LoadMemShift:
			v, ok := ld(in.Off, 1)
			if !ok {
				return false, nil
			}
			x = 4 * (v & 0xf)
		case bpf.LoadExtension:
			switch in.Num {
			case bpf.ExtLen:
				a = uint32(len(p.data))
			case bpf.ExtVLANTagPresent:
				a = 0
				if p.tagged {
					a = 1
				}
			case bpf.ExtVLANTag:
				a = uint32(p.tci)
			default:
				return false, fmt.Errorf("extension %d not modelled", in.Num)
			}
		case bpf.ALUOpConstant:
			a = alu(in.Op, a, in.Val)
		case bpf.ALUOpX:
			a = alu(in.Op, a, x)
		case bpf.TAX:
			x = a
		case bpf.TXA:
			a = x
		case bpf.Jump:
			pc += int(in.Skip)
		case bpf.JumpIf:
			if jump(in.Cond, a, in.Val) {
				pc += int(in.SkipTrue)
			} else {
				pc += int(in.SkipFalse)
			}
		case bpf.RetConstant:
			return in.Val > 0, nil
		case bpf.RetA:
			return a > 0, nil
		default:
			return false, fmt.Errorf("instruction %v not modelled", in)
		}
	}
	return false, fmt.Errorf("program ran off its end")
}

func alu(op bpf.ALUOp, a, v uint32) uint32 {
	switch op {
	case bpf.ALUOpAdd:
		return a + v
	case bpf.ALUOpSub:
		return a - v
	case bpf.ALUOpAnd:
		return a & v
	case bpf.ALUOpOr:
		return a | v
	case bpf.ALUOpShiftLeft:
		return a << v
	case bpf.ALUOpShiftRight:
		return a >> v
	case bpf.ALUOpXor:
		return a ^ v
	case bpf.ALUOpMul:
		return a * v
	}
	panic(fmt.Sprintf("alu op %v not modelled", op))
}

func jump(c bpf.JumpTest, a, v uint32) bool {
	switch c {
	case bpf.JumpEqual:
		return a == v
	case bpf.JumpNotEqual:
		return a != v
	case bpf.JumpGreaterThan:
		return a > v
	case bpf.JumpLessThan:
		return a < v
	case bpf.JumpGreaterOrEqual:
		return a >= v
	case bpf.JumpLessOrEqual:
		return a <= v
	case bpf.JumpBitsSet:
		return a&v != 0
	case bpf.JumpBitsNotSet:
		return a&v == 0
	}
	panic(fmt.Sprintf("jump %v not modelled", c))
}

// socketCorpus is the Ethernet corpus as a socket sees it: each frame as
// sent (no tag beside it), and each tagged frame again with its outer tag
// offloaded.
func socketCorpus() []skb {
	var out []skb
	for _, p := range pktgen.FilterCorpus() {
		out = append(out, skb{data: p.Data, name: p.Name})
		if o, ok := offload(p); ok {
			out = append(out, o)
		}
	}
	return out
}

// TestSocketTargetAgreesWithLiveLibpcap compares our programs for a packet
// socket with the ones libpcap compiles for a live capture on Linux
// (tcpdump -i lo -ddd), which read the VLAN tag the kernel keeps beside
// the frame. Opening lo needs root.
func TestSocketTargetAgreesWithLiveLibpcap(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "tcpdump")
	corpus := socketCorpus()
	compared, offloaded := 0, 0
	for _, expr := range grammarTable {
		want := liveLibpcap(t, expr)
		got, err := Compile(expr, layers.LinkTypeEthernet, Socket)
		if want.err != "" {
			if err == nil && want.err != "expression rejects all packets" {
				t.Errorf("%q: libpcap refuses it (%s) but we compiled it", expr, want.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: libpcap compiles it but we say: %v", expr, err)
			continue
		}
		bad := 0
		for _, p := range corpus {
			if names := optimizerOrder[expr]; contains(names, p.name) {
				continue // see optimizerOrder
			}
			w, err := runSocketFilter(want.prog, p)
			if err != nil {
				t.Fatalf("libpcap's program for %q: %v", expr, err)
			}
			g, err := runSocketFilter(got, p)
			if err != nil {
				t.Fatalf("our program for %q: %v", expr, err)
			}
			compared++
			if p.offloaded {
				offloaded++
			}
			if w != g {
				bad++
				if bad <= 5 {
					t.Errorf("%q on %s: libpcap %s, we %s", expr, p.name, verdict(w), verdict(g))
				}
			}
		}
		if bad > 0 {
			insns, _ := bpf.Disassemble(got)
			t.Logf("%q: our program:\n%s", expr, listing(insns))
		}
	}
	t.Logf("%d verdicts compared, %d of them on frames whose tag the kernel took off", compared, offloaded)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSocketVLANReadsTheKernelsTag shows the point of the Socket target
// without root: a frame whose tag the kernel took off is judged by the
// socket program as the savefile program judges the frame on the wire.
func TestSocketVLANReadsTheKernelsTag(t *testing.T) {
	exprs := []string{"vlan", "vlan 10", "vlan 10 and host 10.0.0.1", "vlan and icmp", "vlan 20 and icmp", "vlan and port 53", "vlan and vlan 10", "not vlan"}
	n := 0
	for _, expr := range exprs {
		sock, err := Compile(expr, layers.LinkTypeEthernet, Socket)
		if err != nil {
			t.Fatal(err)
		}
		file, err := Compile(expr, layers.LinkTypeEthernet, Savefile)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pktgen.FilterCorpus() {
			o, ok := offload(p)
			if !ok {
				continue
			}
			want, _ := runSocketFilter(file, skb{data: p.Data})
			got, err := runSocketFilter(sock, o)
			if err != nil {
				t.Fatal(err)
			}
			n++
			if got != want {
				t.Errorf("%q on %s: on the wire %s, offloaded %s", expr, p.Name, verdict(want), verdict(got))
			}
		}
	}
	if n == 0 {
		t.Fatal("no tagged frames in the corpus")
	}
	// A program blind to the kernel's metadata misses offloaded tags:
	// why the Socket target exists.
	file, _ := Compile("vlan 10", layers.LinkTypeEthernet, Savefile)
	sock, _ := Compile("vlan 10", layers.LinkTypeEthernet, Socket)
	tagged, _ := offload(pktgen.Packet{Name: "vlan 10", Data: pktgen.Build(pktgen.Eth("02:00:00:00:00:01", "02:00:00:00:00:02", layers.EthernetTypeDot1Q),
		&layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4}, pktgen.IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolICMPv4), pktgen.ICMPv4(8, 0))})
	if ok, _ := runSocketFilter(file, tagged); ok {
		t.Error("the savefile program matched a frame whose tag is only in the metadata")
	}
	if ok, _ := runSocketFilter(sock, tagged); !ok {
		t.Error("the socket program missed the tag in the metadata")
	}
}
