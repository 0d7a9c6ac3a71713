package tui

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
)

// traceSource is the fake source that can also trace: it answers with a
// fixed path from the qdhcp namespace over br-int to the qrouter.
type traceSource struct {
	*fakeSource
	asked []string
}

func (s *traceSource) Trace(_ context.Context, from model.NsKey, dst, src net.IP, probe trace.Probe) (*trace.Trace, error) {
	s.asked = append(s.asked, fmt.Sprintf("%v %v %v %v", from, dst, src, probe))
	return dhcpToRouter(), nil
}

func dhcpToRouter() *trace.Trace {
	return &trace.Trace{
		Verdict: trace.Delivered, Reason: "10.0.0.1 is an address of " + routerName,
		Ns: kRouter, NsName: routerName, Dst: net.ParseIP("10.0.0.1"), Src: net.ParseIP("10.0.0.2"),
		Hops: []trace.Hop{
			{Ns: kDHCP, NsName: dhcpName, Out: "ns-dae14f7d-11", Table: "main",
				Route:   "10.0.0.0/24 dev ns-dae14f7d-11 proto kernel scope link src 10.0.0.2 table main",
				Wire:    []string{"ns-dae14f7d-11 (" + dhcpName + ")", "tapdae14f7d-11 (host)", "br-int (host)", "tap76de6d23-a8 (host)", "qr-76de6d23-a8 (" + routerName + ")"},
				Command: "ip -n " + dhcpName + " route get 10.0.0.1"},
			{Ns: kRouter, NsName: routerName, In: "qr-76de6d23-a8", Table: "main",
				Route:   "local 10.0.0.1 dev qr-76de6d23-a8 proto kernel scope host src 10.0.0.1 table main",
				Command: "ip -n " + routerName + " route get 10.0.0.1 from 10.0.0.2 iif qr-76de6d23-a8"},
		},
		Reply: &trace.Trace{Verdict: trace.Delivered, Reason: "10.0.0.2 is an address of " + dhcpName,
			Ns: kDHCP, NsName: dhcpName, Hops: []trace.Hop{{NsName: routerName}, {NsName: dhcpName}}},
	}
}

func newTraceModel(t *testing.T, w, h int, src Source) (*teatest.TestModel, *Model) {
	deps := Deps{Source: src}
	if tracer, ok := src.(Tracer); ok {
		deps.Tracer = tracer
	}
	m := New(deps, Options{Hostname: "vm", NoColor: true, Theme: "dark"})
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	waitScreen(t, tm, "8 namespaces")
	waitRead(t, tm)
	return tm, m
}

// traceFromDHCP selects the qdhcp namespace, presses T and traces to
// 10.0.0.1.
func traceFromDHCP(tm *teatest.TestModel) {
	for _, k := range []string{"j", "j", "j", "T"} {
		tm.Send(press(k))
	}
	typeText(tm, "10.0.0.1")
	tm.Send(press("enter"))
}

func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

func TestTraceGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("path_%dx%d", size[0], size[1]), func(t *testing.T) {
			src := &traceSource{fakeSource: newFakeSource(fakeSnapshot())}
			tm, _ := newTraceModel(t, size[0], size[1], src)
			traceFromDHCP(tm)
			waitScreen(t, tm, "reply delivered")
			out := screen(finalModel(t, tm))
			assertInert(t, out)
			golden.RequireEqual(t, out)
			if len(src.asked) != 1 || src.asked[0] != fmt.Sprintf("%v 10.0.0.1 <nil> icmp", kDHCP) {
				t.Errorf("asked %q", src.asked)
			}
		})
	}
}

func TestTraceEnterOpensHop(t *testing.T) {
	src := &traceSource{fakeSource: newFakeSource(fakeSnapshot())}
	tm, _ := newTraceModel(t, 120, 40, src)
	traceFromDHCP(tm)
	waitScreen(t, tm, "reply delivered")
	// The cursor starts on the first hop; down moves hop by hop, to the
	// qrouter's head ("● qrouter-…  in qr-…").
	tm.Send(press("j"))
	tm.Send(press("enter"))
	waitScreen(t, tm, "trace: opened")
	m := finalModel(t, tm)
	if m.pane != nil {
		t.Fatalf("the trace pane is still open")
	}
	if ns := m.Selected(); ns == nil || ns.Key != kRouter {
		t.Fatalf("selected %v, want the qrouter", ns)
	}
}

func TestTraceDialogRefusesBadAddress(t *testing.T) {
	src := &traceSource{fakeSource: newFakeSource(fakeSnapshot())}
	tm, _ := newTraceModel(t, 80, 24, src)
	tm.Send(press("T"))
	typeText(tm, "10.0.0")
	tm.Send(press("enter"))
	waitScreen(t, tm, "is not an IP address")
	m := finalModel(t, tm)
	if m.dialog == nil || len(src.asked) != 0 {
		t.Fatalf("dialog %v, asked %q", m.dialog, src.asked)
	}
}

// The form's third field picks the packet: TCP or UDP to a port, traced
// through the firewall rules on ports; the pane's heading says which.
func TestTraceDialogTakesThePacket(t *testing.T) {
	src := &traceSource{fakeSource: newFakeSource(fakeSnapshot())}
	tm, _ := newTraceModel(t, 120, 40, src)
	tm.Send(press("T"))
	typeText(tm, "10.0.0.1")
	tm.Send(press("tab"))
	tm.Send(press("tab"))
	typeText(tm, "udp 53")
	tm.Send(press("enter"))
	waitScreen(t, tm, "to 10.0.0.1 udp port 53")
	m := finalModel(t, tm)
	want := fmt.Sprintf("%v 10.0.0.1 <nil> udp port 53", m.Selected().Key)
	if len(src.asked) != 1 || src.asked[0] != want {
		t.Fatalf("asked %q, want %q", src.asked, want)
	}
}

func TestTraceDialogRefusesBadPacket(t *testing.T) {
	src := &traceSource{fakeSource: newFakeSource(fakeSnapshot())}
	tm, _ := newTraceModel(t, 120, 40, src)
	tm.Send(press("T"))
	typeText(tm, "10.0.0.1")
	tm.Send(press("tab"))
	tm.Send(press("tab"))
	typeText(tm, "tcp")
	tm.Send(press("enter"))
	waitScreen(t, tm, "tcp needs a port")
	if m := finalModel(t, tm); m.dialog == nil || len(src.asked) != 0 {
		t.Fatalf("dialog %v, asked %q", m.dialog, src.asked)
	}
}

func TestParsePacket(t *testing.T) {
	for in, want := range map[string]string{"": "icmp", "ping": "icmp", "ICMP": "icmp", "tcp 80": "tcp port 80",
		"udp/53": "udp port 53", "443": "tcp port 443", " udp  5353 ": "udp port 5353"} {
		p, err := parsePacket(in)
		if err != nil || p.String() != want {
			t.Errorf("parsePacket(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for in, msg := range map[string]string{"tcp": "tcp needs a port", "udp 0": "from 1 to 65535", "tcp 70000": "from 1 to 65535",
		"ping 80": "a ping has no port", "sctp 9": `not "sctp"`, "tcp 80 81": "give ping, or tcp or udp", "tcp x": "is a number"} {
		if _, err := parsePacket(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("parsePacket(%q): %v, want %q", in, err, msg)
		}
	}
}

func TestTraceWithoutTracer(t *testing.T) {
	tm, _ := newTraceModel(t, 80, 24, newFakeSource(fakeSnapshot()))
	tm.Send(press("T"))
	waitScreen(t, tm, "trace: not available")
	if m := finalModel(t, tm); m.dialog != nil || m.pane != nil {
		t.Fatal("nothing should open without a tracer")
	}
}

// fixedTracer answers every trace with the path from the qdhcp namespace
// to the qrouter.
type fixedTracer struct{}

func (fixedTracer) Trace(context.Context, model.NsKey, net.IP, net.IP, trace.Probe) (*trace.Trace, error) {
	return dhcpToRouter(), nil
}

// A namespace opened from a trace hop is shown from its first row, on the
// tab that was open: the row the cursor was on belonged to another
// namespace. (Following a veth and enter in the topology open the same
// way, on the Links tab at their link.)
func TestTraceHopOpensFromTheTop(t *testing.T) {
	h := newHarnessWith(t, Options{}, Deps{Tracer: fixedTracer{}})
	h.keys("3", "tab", "j") // the host's second route
	if h.m.main.detail.sc.cursor != 1 {
		t.Fatalf("cursor on row %d, want 1", h.m.main.detail.sc.cursor)
	}
	h.keys("T")
	for _, r := range "10.0.0.1" {
		h.keys(string(r))
	}
	h.keys("enter", "j", "enter") // the second hop: the qrouter
	if h.selected() != routerName || h.m.pane != nil {
		t.Fatalf("on %q, pane %T", h.selected(), h.m.pane)
	}
	if d := &h.m.main.detail; d.tab != tabRoutes || d.sc.cursor != 0 || !strings.Contains(h.m.c.status, "trace: opened "+routerName) {
		t.Errorf("tab %d, row %d, status %q", d.tab, d.sc.cursor, h.m.c.status)
	}
}
