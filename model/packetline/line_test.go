package packetline

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gopacket/gopacket/layers"

	"github.com/lazyns/lazyns/model/internal/pktgen"
)

func echoRequest() []byte {
	for _, p := range pktgen.LineCorpus() {
		if p.Name == "icmp echo request" {
			return p.Data
		}
	}
	panic("no echo request in the corpus")
}

func TestLineHasTimeTagDirection(t *testing.T) {
	f := NewFormatter()
	f.Location = time.UTC
	p := &Packet{
		Data: echoRequest(), Link: layers.LinkTypeEthernet,
		Time: time.Date(2026, 8, 5, 12, 4, 5, 123456789, time.UTC),
		Dir:  Out, Tag: Tag("qrouter-7f", "qr-1234"),
	}
	want := "12:04:05.123456 qr-1234@qrouter-7f Out IP 10.0.1.1 > 10.0.1.2: ICMP echo request, id 4, seq 1, length 64"
	if got := f.Line(p); got != want {
		t.Errorf("line:\n got %s\nwant %s", got, want)
	}
	f.Date = true
	p.Tag, p.Dir = "", In
	want = "2026-08-05 12:04:05.123456 In IP 10.0.1.1 > 10.0.1.2: ICMP echo request, id 4, seq 1, length 64"
	if got := f.Line(p); got != want {
		t.Errorf("line with date:\n got %s\nwant %s", got, want)
	}
}

func TestDirections(t *testing.T) {
	for d, want := range map[Direction]string{In: "In", Broadcast: "B", Multicast: "M", OtherHost: "P", Out: "Out", 9: "?"} {
		if d.String() != want {
			t.Errorf("Direction(%d) = %q, want %q", d, d.String(), want)
		}
	}
}

// TestHostileNamesInert: names of namespaces and interfaces, and names
// inside packets, reach the line with nothing a terminal would act on.
func TestHostileNamesInert(t *testing.T) {
	if got, want := Tag("ns\x1b[2J", "eth\x07"), `eth\x07@ns\x1b[2J`; got != want {
		t.Errorf("Tag = %q, want %q", got, want)
	}
	f := NewFormatter()
	p := &Packet{Data: echoRequest(), Link: layers.LinkTypeEthernet, Tag: "raw\x1b]0;pwned\x07"}
	if line := f.Line(p); strings.ContainsAny(line, "\x1b\x07") {
		t.Errorf("a raw tag reached the line: %q", line)
	}
	for _, pk := range pktgen.LineCorpus() {
		if pk.Name == "dns query hostile name" {
			line := string(f.AppendSummary(nil, pk.Data, 0, layers.LinkTypeEthernet))
			if strings.ContainsRune(line, 0x1b) || !strings.Contains(line, `ev\x1b[31mil.test.`) {
				t.Errorf("DNS name not inert: %q", line)
			}
		}
	}
}

func TestWireLengthBeyondCapture(t *testing.T) {
	// A capture cut at 38 bytes of an 98-byte echo request: the IP layer
	// says how much is missing, the ICMP header is cut.
	f := NewFormatter()
	got := string(f.AppendSummary(nil, echoRequest()[:38], 98, layers.LinkTypeEthernet))
	want := "IP 10.0.1.1 > 10.0.1.2:  [|icmp]"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestAppendWithVLANTag(t *testing.T) {
	f := NewFormatter()
	tagged := AppendWithVLANTag(nil, echoRequest(), 0, 10)
	if got := string(f.AppendSummary(nil, tagged, 0, layers.LinkTypeEthernet)); !strings.HasPrefix(got, "vlan 10, IP 10.0.1.1 > 10.0.1.2: ICMP echo request") {
		t.Errorf("re-tagged frame prints %q", got)
	}
	qinq := AppendWithVLANTag(nil, tagged, 0x88a8, 100)
	if got := string(f.AppendSummary(nil, qinq, 0, layers.LinkTypeEthernet)); !strings.HasPrefix(got, "vlan 100, vlan 10, IP") {
		t.Errorf("double-tagged frame prints %q", got)
	}
	if got := AppendWithVLANTag(nil, []byte{1, 2, 3}, 0, 1); len(got) != 3 {
		t.Errorf("a runt frame grew: %v", got)
	}
}

// FuzzSummary: any bytes, on either link type and at any claimed wire
// length, print without panicking and without a byte a terminal acts on.
func FuzzSummary(f *testing.F) {
	for _, p := range pktgen.LineCorpus() {
		f.Add(p.Data, uint16(0), false)
		f.Add(pktgen.StripEthernet(p.Data), uint16(len(p.Data)+7), true)
	}
	for _, p := range pktgen.FilterCorpus() {
		f.Add(p.Data, uint16(0), false)
	}
	fm := NewFormatter()
	f.Fuzz(func(t *testing.T, data []byte, wire uint16, raw bool) {
		link := layers.LinkTypeEthernet
		if raw {
			link = layers.LinkTypeRaw
		}
		line := string(fm.AppendSummary(nil, data, int(wire), link))
		if !utf8.ValidString(line) {
			t.Fatalf("line is not UTF-8: %q", line)
		}
		for _, r := range line {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("line carries %U: %q", r, line)
			}
		}
	})
}
