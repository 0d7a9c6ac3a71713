package tui

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
)

// fakeCapturer records the captures asked for; each one's packets are
// what the test delivers through it.
type fakeCapturer struct {
	mu      sync.Mutex
	started []fakeStart
	fail    error
	last    *fakeCapture
}

type fakeStart struct {
	points []string // "name@ns"
	filter string
}

func (f *fakeCapturer) StartCapture(_ *model.Snapshot, points []model.CapturePoint, filter string, deliver func([]packetline.Packet)) (Capture, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	c := &fakeCapture{deliver: deliver, done: make(chan struct{}), stopped: make(chan struct{})}
	for _, p := range points {
		names = append(names, p.Name+"@"+p.NsName)
		c.counts = append(c.counts, PointCount{Tag: packetline.Tag(p.NsName, p.Name), Link: layers.LinkTypeEthernet})
	}
	f.started = append(f.started, fakeStart{names, filter})
	if f.fail != nil {
		return nil, f.fail
	}
	f.last = c
	return c, nil
}

// fakeCapture is a capture whose packets the test delivers, counted
// per point by tag.
type fakeCapture struct {
	mu       sync.Mutex
	deliver  func([]packetline.Packet)
	counts   []PointCount
	done     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

func (c *fakeCapture) push(ps ...packetline.Packet) {
	c.mu.Lock()
	for _, p := range ps {
		for i := range c.counts {
			if c.counts[i].Tag == p.Tag {
				c.counts[i].Seen++
			}
		}
	}
	c.mu.Unlock()
	c.deliver(ps)
}

func (c *fakeCapture) Counts() []PointCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.counts)
}
func (c *fakeCapture) Done() <-chan struct{} { return c.done }
func (c *fakeCapture) Stop() {
	c.stopOnce.Do(func() { close(c.stopped); close(c.done) })
}

// echo is an ICMP echo request (or reply) from src to dst seen at tag,
// at a fixed local time.
func echo(t testing.TB, tag string, dir packetline.Direction, src, dst string, reply bool, seq uint16) packetline.Packet {
	t.Helper()
	typ := uint8(layers.ICMPv4TypeEchoRequest)
	if reply {
		typ = layers.ICMPv4TypeEchoReply
	}
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&layers.Ethernet{SrcMAC: mac("fa:16:3e:4c:2a:01"), DstMAC: mac("fe:16:3e:00:00:05"), EthernetType: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)},
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, 0), Id: 7, Seq: seq},
		gopacket.Payload(make([]byte, 56)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 1, 12, 4, 5, 0, time.Local).Add(time.Duration(seq) * time.Second)
	return packetline.Packet{Data: buf.Bytes(), Link: layers.LinkTypeEthernet, Time: at, Dir: dir, Tag: tag}
}

// pings are n pings from the qrouter's qr- port to 10.0.0.2 as both ends
// of its veth see them: the host's tap76de6d23-a8 and the port itself.
func pings(t testing.TB, n int) []packetline.Packet {
	host, router := "tap76de6d23-a8", packetline.Tag(routerName, "qr-76de6d23-a8")
	var out []packetline.Packet
	for seq := uint16(1); seq <= uint16(n); seq++ {
		four := []packetline.Packet{
			echo(t, router, packetline.Out, "10.0.0.1", "10.0.0.2", false, seq),
			echo(t, host, packetline.In, "10.0.0.1", "10.0.0.2", false, seq),
			echo(t, host, packetline.Out, "10.0.0.2", "10.0.0.1", true, seq),
			echo(t, router, packetline.In, "10.0.0.2", "10.0.0.1", true, seq),
		}
		for i := range four {
			four[i].Time = four[i].Time.Add(time.Duration(i*20) * time.Microsecond)
		}
		out = append(out, four...)
	}
	return out
}

// captureHarness is the UI on the qrouter's qr- port (a veth whose other
// end is the host's tap76de6d23-a8), the detail pane focused.
func captureHarness(t *testing.T, opt Options) (*harness, *fakeCapturer) {
	t.Helper()
	fc := &fakeCapturer{}
	opt.NoColor, opt.Theme = true, "dark"
	h := newHarnessWith(t, opt, Deps{Capturer: fc})
	h.selectName(routerName)
	h.keys("tab", "j")
	return h, fc
}

// startOn opens a capture from the form: the choice right times from the
// link alone, and the filter typed.
func (h *harness) startOn(right int, filter string) {
	h.t.Helper()
	h.keys("c")
	if h.m.dialog == nil {
		h.t.Fatalf("c opened no form; status %q", h.m.c.status)
	}
	for range right {
		h.keys("right")
	}
	if filter != "" {
		h.keys("tab")
		for _, r := range filter {
			h.keys(string(r))
		}
	}
	h.sendSlow(press("enter"))
}

// sendSlow is send for a key whose command takes longer than the harness
// waits on a busy machine (starting a capture, writing a file): each of
// its commands gets seconds.
func (h *harness) sendSlow(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- cmd() }()
		select {
		case msg := <-done:
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, c := range batch {
					run(c)
				}
			} else if msg != nil {
				h.send(msg)
			}
		case <-time.After(5 * time.Second):
		}
	}
	run(cmd)
}

func (h *harness) capturePane() *capturePane {
	h.t.Helper()
	p, ok := h.m.pane.(*capturePane)
	if !ok {
		h.t.Fatalf("the capture pane is not open: %T; status %q", h.m.pane, h.m.c.status)
	}
	return p
}

// tickCapture delivers the tick the pane looks at the ring on.
func (h *harness) tickCapture() {
	h.send(captureTickMsg{h.capturePane().id})
}

func init() {
	namedKeys["right"] = tea.KeyPressMsg{Code: tea.KeyRight}
	namedKeys["left"] = tea.KeyPressMsg{Code: tea.KeyLeft}
	namedKeys["space"] = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
}

// c on a veth offers the link alone (chosen) and both ends; on a bridge,
// every port of it; each choice captures where it says, with the filter.
func TestCaptureOffersChoices(t *testing.T) {
	h, fc := captureHarness(t, Options{})
	h.keys("c")
	d := h.m.dialog
	if d == nil || len(d.Fields) != 2 || d.Fields[0].Value() != "qr-76de6d23-a8 alone" ||
		!slices.Equal(d.Fields[0].Choices, []string{"qr-76de6d23-a8 alone", "both ends: qr-76de6d23-a8 and tap76de6d23-a8 in host"}) {
		t.Fatalf("the form offers %+v", d)
	}
	h.keys("esc")
	h.startOn(1, "icmp")
	want := fakeStart{[]string{"qr-76de6d23-a8@" + routerName, "tap76de6d23-a8@"}, "icmp"}
	if len(fc.started) != 1 || !slices.Equal(fc.started[0].points, want.points) || fc.started[0].filter != "icmp" {
		t.Errorf("started %+v, want %+v", fc.started, want)
	}

	// The host's br-int: itself alone, or its two ports.
	h.keys("esc", "shift+tab")
	h.selectName("host")
	h.keys("tab", "j", "j", "j", "c")
	if d := h.m.dialog; d == nil || !slices.Equal(d.Fields[0].Choices, []string{"br-int alone", "every port of br-int (2)"}) {
		t.Fatalf("on br-int the form offers %+v", h.m.dialog)
	}
	h.keys("right", "enter")
	if got := fc.started[1].points; !slices.Equal(got, []string{"tap76de6d23-a8@", "tapdae14f7d-11@"}) {
		t.Errorf("every port of br-int captured on %q", got)
	}

	// A link with no other end: no choice, the filter alone.
	h.keys("esc", "shift+tab")
	h.selectName("blue")
	h.keys("tab", "c")
	if d := h.m.dialog; d == nil || len(d.Fields) != 1 || d.Fields[0].Name != "filter" {
		t.Fatalf("on lo the form has %+v", h.m.dialog)
	}
}

// A filter that does not compile is explained in the form, naming the
// word, and nothing starts.
func TestCaptureFilterChecked(t *testing.T) {
	h, fc := captureHarness(t, Options{})
	h.startOn(0, "icmp and frobnicate")
	if h.m.dialog == nil || !strings.Contains(h.m.dialog.err, `"frobnicate"`) {
		t.Fatalf("the form says %+v", h.m.dialog)
	}
	if len(fc.started) != 0 || h.m.pane != nil {
		t.Errorf("a capture started with a bad filter: %+v", fc.started)
	}
}

// The pane shows one line per packet, newest at the bottom, following;
// tagged by where when there are several points; scrolled back it stays,
// G follows again; space pauses (the ring counts what it skips); esc
// stops the capture, off the UI goroutine.
func TestCapturePane(t *testing.T) {
	h, fc := captureHarness(t, Options{})
	h.startOn(1, "")
	p := h.capturePane()
	fc.last.push(pings(t, 20)...)
	h.tickCapture()
	scr := h.screen()
	lines := strings.Split(scr, "\n")
	if !strings.Contains(lines[1], "CAPTURE  following") || !strings.Contains(lines[2], "80 packets seen, 0 dropped by the kernel") ||
		!strings.Contains(lines[2], "qr-76de6d23-a8@qrouter-e945b6b1-54be-49ef-95ed-5d524d2f3616 40 seen") {
		t.Errorf("header:\n%s", scr)
	}
	last := lines[len(lines)-3] // above the status line and the footer
	// The last reply of seq 20, tagged by the interface alone (the line
	// of counts says where each is).
	if !strings.HasPrefix(last, "12:04:25.000060 qr-76de6d23-a8 In IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 7, seq 20, length 64") {
		t.Errorf("the newest is not at the bottom: %q", last)
	}
	if n := len(p.lines); n != p.rowsH() {
		t.Errorf("%d lines formatted for %d rows", n, p.rowsH())
	}

	h.keys("k", "k")
	fc.last.push(pings(t, 21)[80:]...)
	h.tickCapture()
	if !strings.Contains(h.screen(), "scrolled back (G follows)") || strings.Contains(h.screen(), "seq 21,") {
		t.Errorf("scrolled back, the pane moved on:\n%s", h.screen())
	}
	h.keys("G")
	if !strings.Contains(h.screen(), "seq 21,") {
		t.Errorf("G does not follow:\n%s", h.screen())
	}

	h.keys("space")
	fc.last.push(pings(t, 23)[84:]...)
	h.tickCapture()
	if scr := h.screen(); !strings.Contains(scr, "paused, 8 skipped") || strings.Contains(scr, "seq 22,") {
		t.Errorf("paused:\n%s", scr)
	}
	h.keys("space")
	fc.last.push(pings(t, 24)[92:]...)
	h.tickCapture()
	if scr := h.screen(); !strings.Contains(scr, "seq 24,") || !strings.Contains(scr, "following") {
		t.Errorf("going on:\n%s", scr)
	}

	h.keys("esc")
	if h.m.pane != nil {
		t.Fatal("esc left the pane open")
	}
	select {
	case <-fc.last.stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("esc did not stop the capture")
	}
}

// q stops the capture too, and a capture that could not start says why.
func TestCaptureQuitAndFailure(t *testing.T) {
	h, fc := captureHarness(t, Options{})
	h.startOn(0, "")
	h.keys("q")
	select {
	case <-fc.last.stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("q did not stop the capture")
	}
	if h.m.quitting || h.m.pane != nil {
		t.Errorf("q in the capture pane: quitting %v, pane %T", h.m.quitting, h.m.pane)
	}
	fc.fail = errors.New("capture: no interface qr-76de6d23-a8 in qrouter: the interface is gone")
	h.startOn(0, "")
	if scr := h.screen(); !strings.Contains(scr, "CAPTURE  failed") || !strings.Contains(scr, "the interface is gone") {
		t.Errorf("a failed start:\n%s", scr)
	}
}

// Capture only reads: read-only and its key works, and nothing in the
// pane is refused.
func TestCaptureReadOnly(t *testing.T) {
	h, fc := captureHarness(t, Options{ReadOnly: true})
	h.startOn(0, "")
	h.capturePane()
	if len(fc.started) != 1 {
		t.Fatalf("read-only refused the capture: %q", h.m.c.status)
	}
}

// w writes every packet held as pcapng, one interface per point, that
// pcapgo reads back, packet for packet; the status line says where.
func TestCaptureWrite(t *testing.T) {
	h, fc := captureHarness(t, Options{})
	h.keys("w") // nothing on the main screen binds w
	h.startOn(1, "icmp")
	h.keys("w")
	if h.m.dialog != nil {
		t.Fatal("w offered to write before any packet came")
	}
	sent := pings(t, 5)
	fc.last.push(sent...)
	h.keys("w")
	d := h.m.dialog
	if d == nil || !strings.HasPrefix(d.Fields[0].Value(), filepath.Join(os.TempDir(), "lazyns-qrouter-e945b6b1-54be-49ef-95ed-5d524d2f3616-qr-76de6d23-a8-")) {
		t.Fatalf("the form offers %+v", d)
	}
	path := filepath.Join(t.TempDir(), "ping.pcapng")
	d.Fields[0].input.SetValue(path)
	h.sendSlow(press("enter"))
	if want := "wrote 20 packets to " + path; !strings.HasPrefix(h.m.c.status, want) {
		t.Fatalf("status %q, want %q…", h.m.c.status, want)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for ; ; n++ {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if !ci.Timestamp.Equal(sent[n].Time) || string(data) != string(sent[n].Data) {
			t.Errorf("packet %d differs", n)
		}
		iface, err := r.Interface(ci.InterfaceIndex)
		if err != nil || iface.Name != sent[n].Tag || iface.Filter != "icmp" {
			t.Errorf("packet %d from %+v (%v), want %s", n, iface, err, sent[n].Tag)
		}
	}
	if n != len(sent) {
		t.Errorf("read back %d packets of %d", n, len(sent))
	}

	// Again to the same file: asked first, then replaced.
	h.keys("w")
	h.m.dialog.Fields[0].input.SetValue(path)
	h.sendSlow(press("enter"))
	if h.m.dialog == nil || !strings.Contains(h.m.dialog.Title, "Replace") {
		t.Fatalf("writing over a file did not ask: %+v", h.m.dialog)
	}
	h.sendSlow(press("y"))
	if !strings.HasPrefix(h.m.c.status, "wrote 20 packets") {
		t.Errorf("replacing: %q", h.m.c.status)
	}
}

// Tags in the lines are as short as they can be without two reading
// alike: the interface alone, else its namespace cut, else whole.
func TestCaptureShortTags(t *testing.T) {
	points := func(tags ...string) []PointCount {
		var out []PointCount
		for _, tag := range tags {
			out = append(out, PointCount{Tag: tag})
		}
		return out
	}
	for _, tc := range []struct {
		tags []string
		want map[string]string
	}{
		{[]string{"tap1"}, nil},
		{[]string{"qr-1@qrouter-e945b6b1-54be-49ef", "tap1"},
			map[string]string{"qr-1@qrouter-e945b6b1-54be-49ef": "qr-1", "tap1": "tap1"}},
		{[]string{"eth0@qrouter-e945b6b1-54be-49ef", "eth0@qrouter-7f00aa11-54be-49ef", "tap12"},
			map[string]string{"eth0@qrouter-e945b6b1-54be-49ef": "eth0@qrouter-e945b6b1…", "eth0@qrouter-7f00aa11-54be-49ef": "eth0@qrouter-7f00aa11…", "tap12": "tap12                 "}},
		{[]string{"eth0@qrouter-e945b6b1-54be-1", "eth0@qrouter-e945b6b1-54be-2"}, nil},
	} {
		if got := shortTags(points(tc.tags...)); !maps.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.tags, got, tc.want)
		}
	}
}

// A default file name holds nothing a shell or a path would trip on.
func TestCaptureFileName(t *testing.T) {
	ns := &model.Namespace{Name: "../x$(id)\x1b"}
	got := capturePath(captureFile(ns, &model.Link{Name: "e\x1b]0;/"}), time.Date(2024, 5, 1, 12, 4, 5, 0, time.UTC))
	want := filepath.Join(os.TempDir(), "lazyns-.._x__id__-e__0__-20240501-120405.pcapng")
	if got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestCaptureGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range []struct {
			name  string
			steps func(h *harness, fc *fakeCapturer)
		}{
			{"choice", func(h *harness, _ *fakeCapturer) { h.keys("c", "right", "tab", "i", "c", "m", "p") }},
			{"both_ends", func(h *harness, fc *fakeCapturer) {
				h.startOn(1, "icmp")
				fc.last.push(pings(t, 12)...)
				h.tickCapture()
			}},
			{"paused", func(h *harness, fc *fakeCapturer) {
				h.startOn(1, "")
				fc.last.push(pings(t, 3)...)
				h.tickCapture()
				h.keys("space")
				fc.last.push(pings(t, 5)[12:]...)
				h.tickCapture()
			}},
		} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				h, fc := captureHarness(t, Options{})
				h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				sc.steps(h, fc)
				out := h.screen()
				assertInert(t, out)
				golden.RequireEqual(t, out)
			})
		}
	}
}

// Hostile names and packet text stay inert in the pane: a capture on the
// host's end of the veth into the namespace with an escape sequence in
// its name and its link's.
func TestCaptureHostileInert(t *testing.T) {
	h, fc := captureHarness(t, Options{})
	h.keys("shift+tab")
	h.selectName("host")
	h.keys("tab", "G")
	h.startOn(1, "")
	tag := packetline.Tag(evilName, evilLink)
	p := echo(t, tag, packetline.In, "10.66.0.1", "10.66.0.2", false, 1)
	fc.last.push(p)
	h.tickCapture()
	scr := h.screen()
	assertInert(t, scr)
	if !strings.Contains(scr, `e\x1b]0;pwn\x07@evil\x1b[31mred\x07\u{202E}`) ||
		!strings.Contains(scr, `.000000 e\x1b]0;pwn\x07 In IP 10.66.0.1`) {
		t.Errorf("the hostile tag is not shown escaped:\n%s", scr)
	}
}

// When every interface has gone away the pane says so and stops looking.
func TestCaptureEnded(t *testing.T) {
	h, fc := captureHarness(t, Options{})
	h.startOn(0, "")
	fc.last.Stop() // as the kernel ends it: Done closes
	h.send(h.capturePane().waitDone()())
	if !strings.Contains(h.screen(), "CAPTURE  ended: the interfaces went away") {
		t.Errorf("an ended capture:\n%s", h.screen())
	}
	_, cmd := h.m.Update(captureTickMsg{h.capturePane().id})
	if cmd != nil {
		t.Errorf("an ended capture still ticks")
	}
}
