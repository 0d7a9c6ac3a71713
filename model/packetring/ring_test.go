package packetring

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/lazyns/lazyns/model/internal/pktgen"
	"github.com/lazyns/lazyns/model/packetline"
)

// echo is an ICMP echo request with the given sequence number, padded to
// size bytes.
func echo(seq uint16, size int) []byte {
	icmp := pktgen.ICMPv4(8, 0)
	icmp.Id, icmp.Seq = 7, seq
	b := pktgen.Build(pktgen.Eth("02:00:00:00:00:01", "02:00:00:00:00:02", layers.EthernetTypeIPv4),
		pktgen.IPv4("10.0.0.1", "10.0.0.2", layers.IPProtocolICMPv4), icmp, pktgen.Payload(make([]byte, max(0, size-42))))
	return b
}

var t0 = time.Date(2024, 5, 1, 12, 4, 5, 0, time.Local)

func packets(from, n, size int, tag string) []packetline.Packet {
	ps := make([]packetline.Packet, n)
	for i := range ps {
		seq := from + i
		ps[i] = packetline.Packet{Data: echo(uint16(seq), size), Link: layers.LinkTypeEthernet,
			Time: t0.Add(time.Duration(seq) * time.Microsecond), Dir: packetline.Out, Tag: tag}
	}
	return ps
}

func TestRingKeepsTheLastPackets(t *testing.T) {
	r := New(10, 0, false)
	r.Push(packets(0, 25, 98, "veth0@red"))
	if first, next := r.Range(); first != 15 || next != 25 || r.Held() != 10 {
		t.Fatalf("range %d..%d held %d, want 15..25 and 10", first, next, r.Held())
	}
	lines, first := r.Tail(3)
	if first != 22 || len(lines) != 3 {
		t.Fatalf("tail: %d lines from %d", len(lines), first)
	}
	want := "12:04:05.000024 Out IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 24, length 64"
	if lines[2] != want {
		t.Errorf("last line\n got %q\nwant %q", lines[2], want)
	}
	// From a number that has gone: the oldest held.
	lines, first = r.Lines(3, 2)
	if first != 15 || len(lines) != 2 || !strings.Contains(lines[0], "seq 15,") {
		t.Errorf("lines from a gone number: from %d %q", first, lines)
	}
	// Past the end: nothing.
	if lines, _ := r.Lines(40, 5); len(lines) != 0 {
		t.Errorf("lines past the end: %q", lines)
	}
}

func TestRingTags(t *testing.T) {
	r := New(0, 0, true)
	r.Push(packets(0, 1, 98, "veth0@red\x1b[31m"))
	lines, _ := r.Tail(1)
	if len(lines) != 1 || !strings.Contains(lines[0], ` veth0@red\x1b[31m Out IP`) {
		t.Errorf("tagged line: %q", lines)
	}
}

// Bytes are let go a chunk at a time: a ring of 2 MiB keeps only the
// packets that fit in its two chunks, however many it may hold.
func TestRingBoundsBytes(t *testing.T) {
	r := New(1_000_000, 2<<20, false)
	const size = 1500
	r.Push(packets(0, 5000, size, ""))
	perChunk := chunkSize / size
	if held := r.Held(); held > 2*perChunk || held < perChunk {
		t.Errorf("holds %d packets of %d bytes, want between %d and %d", held, size, perChunk, 2*perChunk)
	}
	if len(r.chunks) != 2 {
		t.Errorf("%d chunks for 2 MiB", len(r.chunks))
	}
	// Every packet held still reads back as it was pushed.
	first, next := r.Range()
	for seq := first; seq < next; seq++ {
		var p packetline.Packet
		r.packet(seq, &p)
		if !bytes.Equal(p.Data, echo(uint16(seq), size)) {
			t.Fatalf("packet %d came back different", seq)
		}
	}
}

func TestRingPause(t *testing.T) {
	r := New(0, 0, false)
	r.Push(packets(0, 3, 98, ""))
	r.SetPaused(true)
	r.Push(packets(3, 4, 98, ""))
	if r.Held() != 3 || r.Skipped() != 4 {
		t.Errorf("paused: held %d skipped %d, want 3 and 4", r.Held(), r.Skipped())
	}
	r.SetPaused(false)
	r.Push(packets(7, 1, 98, ""))
	if lines, _ := r.Tail(1); len(lines) != 1 || !strings.Contains(lines[0], "seq 7,") {
		t.Errorf("after the pause: %q", lines)
	}
}

func TestRingPacketsAreCopies(t *testing.T) {
	r := New(0, 0, false)
	in := packets(0, 3, 98, "a@b")
	r.Push(in)
	in[0].Data[20] = 0xff // the caller reuses its buffer
	out := r.Packets()
	if len(out) != 3 || !bytes.Equal(out[0].Data, echo(0, 98)) || out[2].Tag != "a@b" || !out[1].Time.Equal(in[1].Time) {
		t.Fatalf("packets: %d, first %x", len(out), out[0].Data)
	}
	r.Push(packets(3, 1, 98, ""))
	if !bytes.Equal(out[0].Data, echo(0, 98)) {
		t.Errorf("a copy changed when the ring took more")
	}
}

// Once its chunks exist, pushing allocates nothing, and a million packets
// leave the heap where a thousand did.
func TestRingMillionPackets(t *testing.T) {
	if testing.Short() {
		t.Skip("a million packets")
	}
	r := New(0, 0, true)
	batch := packets(0, 1000, 1500, "veth0@red")
	for range 1000 {
		r.Push(batch)
	}
	if a := testing.AllocsPerRun(10, func() { r.Push(batch) }); a > 0 {
		t.Errorf("%.1f allocations per batch of 1000", a)
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if mb := float64(m.HeapInuse) / (1 << 20); mb > DefaultBytes/(1<<20)+30 {
		t.Errorf("heap in use %.0f MB after a million packets", mb)
	}
	lines, _ := r.Tail(50)
	if len(lines) != 50 {
		t.Errorf("%d lines", len(lines))
	}
	t.Logf("held %d packets; heap in use %.1f MB", r.Held(), float64(m.HeapInuse)/(1<<20))
}

func BenchmarkRingPush(b *testing.B) {
	r := New(0, 0, true)
	batch := packets(0, 1000, 98, "veth0@red")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		r.Push(batch)
	}
}

func BenchmarkRingTail(b *testing.B) {
	r := New(0, 0, true)
	r.Push(packets(0, 10_000, 98, "veth0@red"))
	b.ReportAllocs()
	for b.Loop() {
		if lines, _ := r.Tail(50); len(lines) != 50 {
			b.Fatal(fmt.Sprint(len(lines)))
		}
	}
}
