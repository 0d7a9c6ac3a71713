package packetline

import (
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/lazyns/lazyns/model/internal/pktgen"
)

func benchLine(b *testing.B, name string) {
	var data []byte
	for _, p := range pktgen.LineCorpus() {
		if p.Name == name {
			data = p.Data
		}
	}
	if data == nil {
		b.Fatalf("no %q in the corpus", name)
	}
	f := NewFormatter()
	f.Location = time.UTC
	p := &Packet{Data: data, Link: layers.LinkTypeEthernet, Time: time.Now(), Dir: Out, Tag: "qr-1234@qrouter-7f"}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = f.AppendLine(buf[:0], p)
	}
}

// The hot path: a ping flood. Target < 2 µs and no allocation per packet.
func BenchmarkLineICMPEcho(b *testing.B)   { benchLine(b, "icmp echo request") }
func BenchmarkLineTCPSyn(b *testing.B)     { benchLine(b, "tcp syn") }
func BenchmarkLineUDP(b *testing.B)        { benchLine(b, "udp") }
func BenchmarkLineICMP6Echo(b *testing.B)  { benchLine(b, "icmp6 echo request") }
func BenchmarkLineDNSAnswer(b *testing.B)  { benchLine(b, "dns response A") }
func BenchmarkLineVXLAN(b *testing.B)      { benchLine(b, "vxlan") }
func BenchmarkLineARPRequest(b *testing.B) { benchLine(b, "arp request") }

// TestHotPathDoesNotAllocate holds the flood path to zero allocations per
// packet (a benchmark's figure is not checked; this is).
func TestHotPathDoesNotAllocate(t *testing.T) {
	f := NewFormatter()
	f.Location = time.UTC
	buf := make([]byte, 0, 512)
	for _, p := range pktgen.LineCorpus() {
		switch p.Name {
		case "icmp echo request", "icmp6 echo request", "tcp syn", "tcp data", "udp", "arp request", "vxlan", "gre", "vlan icmp", "ipv4 later fragment":
		default:
			continue
		}
		pk := &Packet{Data: p.Data, Link: layers.LinkTypeEthernet, Time: time.Unix(1, 0), Dir: In, Tag: "eth0@ns"}
		if n := testing.AllocsPerRun(100, func() { buf = f.AppendLine(buf[:0], pk) }); n != 0 {
			t.Errorf("%s: %.1f allocations per line", p.Name, n)
		}
	}
}
