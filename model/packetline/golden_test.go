package packetline

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/lazyns/lazyns/model/internal/pktgen"
	"github.com/lazyns/lazyns/nsops/nstest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// writePcap writes packets to a capture file of the given link type, one
// second apart.
func writePcap(t *testing.T, link layers.LinkType, pkts []pktgen.Packet) string {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(262144, link); err != nil {
		t.Fatal(err)
	}
	for i, p := range pkts {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000+int64(i), 0), CaptureLength: len(p.Data), Length: len(p.Data)}
		if err := w.WritePacket(ci, p.Data); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "corpus.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	tcpdumpTime = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} `)
	hexDumpLine = regexp.MustCompile(`^\t0x[0-9a-f]{4}: `)
)

// tcpdumpLines runs tcpdump -n -S -r over the file and returns one line
// per packet, normalised: the time is cut off; a packet tcpdump spreads
// over two lines (VXLAN and its inner frame) is joined with ": ", as we
// print it; a hex dump after an unknown EtherType is dropped with the ": "
// that introduces it.
func tcpdumpLines(t *testing.T, path string) []string {
	t.Helper()
	nstest.RequireTool(t, "tcpdump")
	out, err := exec.Command("tcpdump", "-n", "-S", "-r", path).Output()
	if err != nil {
		t.Fatalf("tcpdump -r: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		switch {
		case tcpdumpTime.MatchString(l):
			lines = append(lines, tcpdumpTime.ReplaceAllString(l, ""))
		case hexDumpLine.MatchString(l):
			lines[len(lines)-1] = strings.TrimSuffix(lines[len(lines)-1], ": ")
		default:
			lines[len(lines)-1] += ": " + l
		}
	}
	return lines
}

// deliberate turns our line back into tcpdump's where the package doc
// says we differ on purpose; each rule must be used by the corpus, so the
// list stays exactly what the corpus shows.
var deliberate = []struct {
	why  string
	re   *regexp.Regexp
	repl string
}{
	{"VLAN tags shown without -e", regexp.MustCompile(`^(vlan \d+, )+`), ""},
	{"IPv4 fragment position", regexp.MustCompile(` \(frag \d+:\d+@\d+\+?\)$`), ""},
	{"DHCP client message type", regexp.MustCompile(`BOOTP/DHCP, (Discover|Request|Decline|Release|Inform) from`), "BOOTP/DHCP, Request from"},
	{"DHCP server message type and address", regexp.MustCompile(`BOOTP/DHCP, (Offer|ACK|NACK)(, Your-IP [0-9.]+)?,`), "BOOTP/DHCP, Reply,"},
	{"control bytes escaped as lazyns does", regexp.MustCompile(`\\x1b`), "^["},
}

func TestLinesMatchTcpdump(t *testing.T) {
	for _, link := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeRaw} {
		pkts := pktgen.LineCorpus()
		if link == layers.LinkTypeRaw {
			pkts = rawOnly(pkts)
		}
		want := tcpdumpLines(t, writePcap(t, link, pkts))
		if len(want) != len(pkts) {
			t.Fatalf("%v: tcpdump printed %d packets, the corpus has %d", link, len(want), len(pkts))
		}
		f := NewFormatter()
		used := make([]int, len(deliberate))
		for i, p := range pkts {
			got := string(f.AppendSummary(nil, p.Data, 0, link))
			norm := got
			for j, r := range deliberate {
				if r.re.MatchString(norm) {
					used[j]++
					norm = r.re.ReplaceAllString(norm, r.repl)
				}
			}
			if norm != want[i] {
				t.Errorf("%v %s:\n  ours    %s\n  tcpdump %s", link, p.Name, got, want[i])
			}
		}
		if link == layers.LinkTypeEthernet {
			for j, n := range used {
				if n == 0 {
					t.Errorf("normalisation %q is used by no packet; drop it", deliberate[j].why)
				}
			}
		}
	}
}

// rawOnly is the IP packets of the corpus as a tun device carries them.
func rawOnly(pkts []pktgen.Packet) []pktgen.Packet {
	var out []pktgen.Packet
	for _, p := range pkts {
		if len(p.Data) < 14 {
			continue
		}
		if et := layers.EthernetType(uint16(p.Data[12])<<8 | uint16(p.Data[13])); et == layers.EthernetTypeIPv4 || et == layers.EthernetTypeIPv6 {
			out = append(out, pktgen.Packet{Name: p.Name, Data: pktgen.StripEthernet(p.Data)})
		}
	}
	return out
}

// TestLinesGolden keeps our lines for the corpus in a file a reviewer can
// read, and catches a change even where tcpdump is not installed.
func TestLinesGolden(t *testing.T) {
	f := NewFormatter()
	var b bytes.Buffer
	for _, p := range pktgen.LineCorpus() {
		fmt.Fprintf(&b, "%-24s %s\n", p.Name, f.AppendSummary(nil, p.Data, 0, layers.LinkTypeEthernet))
	}
	path := filepath.Join("testdata", "corpus.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("lines differ from %s (run with -update after checking):\n%s", path, b.String())
	}
}
