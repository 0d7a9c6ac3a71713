package tui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/gopacket/gopacket/layers"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
	"github.com/lazyns/lazyns/model/packetring"
	"github.com/lazyns/lazyns/model/pcapfilter"
)

// Capturer starts packet captures for c (Deps.Capturer; the cmd/lazyns
// adapter does it through nsops); without one c says so. Capturing only
// reads, so it works read-only; promiscuous mode stays off.
type Capturer interface {
	// StartCapture opens a socket on each point and hands their packets,
	// in time order, to deliver, from a goroutine of its own; a packet's
	// bytes are only valid during the call. filter is tcpdump's syntax,
	// checked by pcapfilter.Validate before.
	StartCapture(snap *model.Snapshot, points []model.CapturePoint, filter string, deliver func([]packetline.Packet)) (Capture, error)
}

// Capture is a running capture; its methods may be called from any
// goroutine.
type Capture interface {
	// Counts are the counts so far, one per point, in the order given.
	Counts() []PointCount
	// Done is closed when every interface has gone away, or after Stop.
	Done() <-chan struct{}
	// Stop ends the capture. It waits for the kernel to hand over what
	// it holds (tens of milliseconds): never from Update.
	Stop()
}

// PointCount is what a capture counted on one of its interfaces.
type PointCount struct {
	Tag  string          // packetline.Tag: "qr-1234@qrouter-7f…"
	Link layers.LinkType // of its packets: Ethernet, or raw IP
	// Seen is the packets read; Dropped those the kernel dropped because
	// lazyns fell behind.
	Seen, Dropped uint64
	Err           error // why it ended early: the interface went away
}

// captureForm asks what to capture on the link under the cursor (c): the
// link alone, both ends of a veth, every port of a bridge — the choices
// come first when there are several, the link alone chosen — and a
// filter in tcpdump's syntax, checked before anything opens.
func captureForm(s *mainScreen) tea.Cmd {
	t, _ := s.insideLink()
	c, snap := s.c, s.snap()
	choices := model.CaptureChoices(snap, t.ns.Key, t.link.Index)
	if len(choices) == 0 {
		c.setStatus("capture packets: "+model.Visible(t.link.Name)+" is not in the namespaces read: ctrl+r reads them again", true)
		return nil
	}
	var fields []Field
	if len(choices) > 1 {
		labels := make([]string, len(choices))
		for i, ch := range choices {
			labels[i] = ch.Label
		}
		fields = append(fields, ChoiceField("on", "on", labels, 0))
	}
	fields = append(fields, TextField("filter", "filter", "all packets, or tcpdump's syntax: icmp, port 53…", ""))
	where := model.Visible(t.link.Name) + " in " + model.Visible(t.ns.DisplayName())
	d := NewDialog("Capture on "+where, nil, fields...)
	d.Text = "One line per packet, as tcpdump -n prints them. Promiscuous mode stays off."
	if len(choices) > 1 {
		d.Text += " ←/→ choose where."
	}
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		filter := strings.TrimSpace(v["filter"])
		if err := pcapfilter.Validate(filter); err != nil {
			return nil, err
		}
		ch := choices[max(0, choiceIndex(d, "on"))]
		return startCapture(c, snap, ch, filter, captureFile(t.ns, t.link)), nil
	}
	return c.openDialog(d)
}

// captureMsg is a capture started, or why it could not start.
type captureMsg struct {
	id  int
	cap Capture
	err error
}

func (m captureMsg) paneID() int { return m.id }

// startCapture shows the capture pane and starts the capture in the
// background. The capture lives as long as the pane: closing it (esc, q)
// or ending the UI ends its context, and Stop then runs on a goroutine
// of its own, never on the UI's.
func startCapture(c *common, snap *model.Snapshot, ch model.CaptureChoice, filter, file string) tea.Cmd {
	ctx, cancel := context.WithCancel(c.ctx)
	p := newCapturePane(c, ch, filter, file, cancel)
	c.openPane(p)
	capturer, ring, id := c.Capturer, p.ring, p.id
	return func() tea.Msg {
		cap, err := capturer.StartCapture(snap, ch.Points, filter, ring.Push)
		if err != nil {
			return captureMsg{id: id, err: err}
		}
		context.AfterFunc(ctx, cap.Stop)
		return captureMsg{id: id, cap: cap}
	}
}

// newRing is the pane's ring: the last packets, bounded in count and
// bytes (packetring's defaults), tagged when there are several points.
func newRing(points int) *packetring.Ring {
	return packetring.New(0, 0, points > 1)
}
