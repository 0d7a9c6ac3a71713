package pcapng

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/lazyns/lazyns/model/internal/pktgen"
	"github.com/lazyns/lazyns/model/packetline"
	"github.com/lazyns/lazyns/nsops/nstest"
)

func corpusPacket(name string) []byte {
	for _, p := range pktgen.LineCorpus() {
		if p.Name == name {
			return p.Data
		}
	}
	panic("no " + name + " in the corpus")
}

var (
	t0    = time.Date(2026, 8, 5, 12, 0, 0, 0, time.UTC)
	vethA = Interface{Tag: packetline.Tag("lz-a", "veth0"), Link: layers.LinkTypeEthernet, Filter: "icmp or arp"}
	vethB = Interface{Tag: packetline.Tag("lz-b", "eth0"), Link: layers.LinkTypeEthernet}
	tun   = Interface{Tag: packetline.Tag("lz-vpn", "tun0"), Link: layers.LinkTypeRaw}
)

// capture is a ping seen at both ends of a veth and through a tun device,
// in time order.
func capture() []packetline.Packet {
	req, rep := corpusPacket("icmp echo request"), corpusPacket("icmp echo reply")
	return []packetline.Packet{
		{Data: corpusPacket("arp request"), Link: layers.LinkTypeEthernet, Time: t0, Dir: packetline.Out, Tag: vethA.Tag},
		{Data: corpusPacket("arp request"), Link: layers.LinkTypeEthernet, Time: t0.Add(3 * time.Microsecond), Dir: packetline.Broadcast, Tag: vethB.Tag},
		{Data: corpusPacket("arp reply"), Link: layers.LinkTypeEthernet, Time: t0.Add(20 * time.Microsecond), Dir: packetline.Out, Tag: vethB.Tag},
		{Data: req, Link: layers.LinkTypeEthernet, Time: t0.Add(40 * time.Microsecond), Dir: packetline.Out, Tag: vethA.Tag},
		{Data: req, Link: layers.LinkTypeEthernet, Time: t0.Add(42 * time.Microsecond), Dir: packetline.In, Tag: vethB.Tag},
		{Data: pktgen.StripEthernet(req), Link: layers.LinkTypeRaw, Time: t0.Add(50 * time.Microsecond), Dir: packetline.Out, Tag: tun.Tag},
		{Data: rep, Link: layers.LinkTypeEthernet, Time: t0.Add(60 * time.Microsecond), Dir: packetline.Out, Tag: vethB.Tag},
		{Data: rep[:40], Length: len(rep), Link: layers.LinkTypeEthernet, Time: t0.Add(61 * time.Microsecond), Dir: packetline.In, Tag: vethA.Tag},
	}
}

func writeCapture(t *testing.T, out io.Writer) {
	t.Helper()
	w, err := NewWriter(out, vethA, vethB)
	if err != nil {
		t.Fatal(err)
	}
	for i := range capture() {
		p := capture()[i]
		if err := w.WritePacket(&p); err != nil {
			t.Fatal(err)
		}
	}
	for _, i := range []Interface{vethA, vethB, tun} {
		if err := w.WriteStats(i, Stats{Start: t0, End: t0.Add(time.Second), Received: 4, Dropped: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestReadBackWithPcapgo: every packet comes back from its interface,
// with its time, bytes, wire length and direction; the raw IP packet with
// the Ethernet header that keeps the file to one link type.
func TestReadBackWithPcapgo(t *testing.T) {
	var buf bytes.Buffer
	writeCapture(t, &buf)
	r, err := pcapgo.NewNgReader(&buf, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	want := capture()
	for i, p := range want {
		data, ci, opts, err := r.ReadPacketDataWithOptions()
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		intf, err := r.Interface(ci.InterfaceIndex)
		if err != nil {
			t.Fatal(err)
		}
		if intf.Name != p.Tag || intf.LinkType != layers.LinkTypeEthernet {
			t.Errorf("packet %d: interface %q %v, want %q Ethernet", i, intf.Name, intf.LinkType, p.Tag)
		}
		wantData, wantLen := p.Data, max(p.Length, len(p.Data))
		if p.Link == layers.LinkTypeRaw {
			wantData = append([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00}, p.Data...)
			wantLen += 14
			if !strings.Contains(intf.Description, "raw IP") {
				t.Errorf("the tun interface's description does not say it was raw IP: %q", intf.Description)
			}
		}
		if !bytes.Equal(data, wantData) || ci.Length != wantLen || !ci.Timestamp.Equal(p.Time) {
			t.Errorf("packet %d: %d bytes of %d at %v, want %d of %d at %v", i, len(data), ci.Length, ci.Timestamp, len(wantData), wantLen, p.Time)
		}
		if opts.Flags == nil || opts.Flags.Direction != epbFlags(p.Dir).Direction {
			t.Errorf("packet %d: direction flags %+v, want %v", i, opts.Flags, p.Dir)
		}
	}
	if _, _, err := r.ReadPacketData(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last packet: %v, want EOF", err)
	}
	if r.NInterfaces() != 3 {
		t.Errorf("%d interfaces, want 3", r.NInterfaces())
	}
	if intf, _ := r.Interface(0); intf.Filter != vethA.Filter || intf.Statistics.PacketsDropped != 1 {
		t.Errorf("interface 0: filter %q, dropped %d", intf.Filter, intf.Statistics.PacketsDropped)
	}
}

// TestTcpdumpReadsIt: tcpdump reads the file, and from a pipe as
// `lazyns capture -w - | tcpdump -r -` would feed it, and prints for each
// packet what our formatter prints.
func TestTcpdumpReadsIt(t *testing.T) {
	nstest.RequireTool(t, "tcpdump")
	path := filepath.Join(t.TempDir(), "capture.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	writeCapture(t, f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fromFile := tcpdump(t, exec.Command("tcpdump", "-n", "-S", "-tt", "-r", path))

	cmd := exec.Command("tcpdump", "-n", "-S", "-tt", "-r", "-")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		writeCapture(t, stdin)
		stdin.Close()
	}()
	fromPipe := tcpdump(t, cmd)
	if strings.Join(fromPipe, "\n") != strings.Join(fromFile, "\n") {
		t.Errorf("tcpdump -r - printed\n%s\nbut from the file\n%s", strings.Join(fromPipe, "\n"), strings.Join(fromFile, "\n"))
	}

	pkts := capture()
	if len(fromFile) != len(pkts) {
		t.Fatalf("tcpdump printed %d packets, we wrote %d:\n%s", len(fromFile), len(pkts), strings.Join(fromFile, "\n"))
	}
	fm := packetline.NewFormatter()
	for i, p := range pkts {
		want := fmt.Sprintf("%d.%06d ", p.Time.Unix(), p.Time.Nanosecond()/1000) +
			string(fm.AppendSummary(nil, p.Data, p.Length, p.Link))
		if fromFile[i] != want {
			t.Errorf("packet %d:\n tcpdump %s\n ours    %s", i, fromFile[i], want)
		}
	}
}

func tcpdump(t *testing.T, cmd *exec.Cmd) []string {
	t.Helper()
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%v: %v\n%s", cmd.Args, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

func TestRawFileRefusesALateEthernetInterface(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, tun)
	if err != nil {
		t.Fatal(err)
	}
	p := packetline.Packet{Data: corpusPacket("arp request"), Link: layers.LinkTypeEthernet, Time: t0, Tag: vethA.Tag}
	if err := w.WritePacket(&p); err == nil || !strings.Contains(err.Error(), "one link type per file") {
		t.Errorf("an Ethernet packet into a raw IP file: %v", err)
	}
	if _, err := NewWriter(&buf, Interface{Tag: "x", Link: layers.LinkTypeLinuxSLL}); err == nil {
		t.Error("a cooked-mode interface was accepted")
	}
}

func TestHostileInterfaceNameInert(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Interface{Tag: "eth\x1b[2J@ns", Link: layers.LinkTypeEthernet})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte{0x1b}) || !bytes.Contains(buf.Bytes(), []byte(`eth\x1b[2J@ns`)) {
		t.Error("the interface name went into the file raw")
	}
}

// The enhanced packet blocks written here are byte for byte the ones
// pcapgo writes, whatever the padding and the direction.
func TestPacketBlocksAsPcapgo(t *testing.T) {
	for n := range 9 {
		for _, dir := range []packetline.Direction{packetline.In, packetline.Out, packetline.Broadcast, packetline.Multicast, packetline.OtherHost} {
			data := bytes.Repeat([]byte{0xab}, n)
			at := t0.Add(time.Duration(n) * 1234567 * time.Nanosecond)
			var want bytes.Buffer
			ng, err := pcapgo.NewNgWriterInterface(&want, pcapgo.NgInterface{LinkType: layers.LinkTypeEthernet, TimestampResolution: 9}, pcapgo.DefaultNgWriterOptions)
			if err != nil {
				t.Fatal(err)
			}
			if err := ng.Flush(); err != nil {
				t.Fatal(err)
			}
			head := want.Len()
			flags := epbFlags(dir)
			ci := gopacket.CaptureInfo{Timestamp: at, CaptureLength: n, Length: n + 5}
			if err := ng.WritePacketWithOptions(ci, data, pcapgo.NgPacketOptions{Flags: &flags}); err != nil {
				t.Fatal(err)
			}
			if err := ng.Flush(); err != nil {
				t.Fatal(err)
			}
			got := appendEPB(nil, 0, at, data, n+5, flags.ToUint32())
			if !bytes.Equal(got, want.Bytes()[head:]) {
				t.Errorf("%d bytes, %v:\n got %x\nwant %x", n, dir, got, want.Bytes()[head:])
			}
		}
	}
}

// A packet costs no allocation once the writer has seen its interface.
func TestWritePacketAllocatesNothing(t *testing.T) {
	w, err := NewWriter(io.Discard, vethA, vethB)
	if err != nil {
		t.Fatal(err)
	}
	ps := capture()[:5]
	if a := testing.AllocsPerRun(100, func() {
		for i := range ps {
			if err := w.WritePacket(&ps[i]); err != nil {
				t.Fatal(err)
			}
		}
	}); a > 0 {
		t.Errorf("%.1f allocations per 5 packets", a)
	}
}

// countingWriter counts the writes that reach it.
type countingWriter struct{ writes int }

func (c *countingWriter) Write(b []byte) (int, error) { c.writes++; return len(b), nil }

// Packets are buffered until Flush: a flood makes a system call per few
// hundred packets, not one per packet.
func TestPacketsAreBuffered(t *testing.T) {
	var out countingWriter
	w, err := NewWriter(&out, vethA, vethB)
	if err != nil {
		t.Fatal(err)
	}
	ps := capture()[:5]
	for range 200 {
		for i := range ps {
			if err := w.WritePacket(&ps[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if out.writes > 1 {
		t.Errorf("%d writes for 1000 packets before Flush", out.writes)
	}
	if err := w.Flush(); err != nil || out.writes > 2 {
		t.Errorf("Flush: %v, %d writes", err, out.writes)
	}
}
