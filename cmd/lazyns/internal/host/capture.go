package host

import (
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// nsCapturer captures for the UI's c: nsops.System.StartCapture behind
// tui.Capturer, promiscuous mode off.
type nsCapturer struct{ sys *nsops.System }

var _ tui.Capturer = nsCapturer{}

// NewCapturer captures packets for the UI's c on the host sys reads.
func NewCapturer(sys *nsops.System) tui.Capturer { return nsCapturer{sys: sys} }

func (c nsCapturer) StartCapture(snap *model.Snapshot, points []model.CapturePoint, filter string, deliver func([]packetline.Packet)) (tui.Capture, error) {
	cap, err := c.sys.StartCapture(snap, points, nsops.CaptureOptions{Filter: filter, Deliver: deliver})
	if err != nil {
		return nil, err // not a nil *Capture inside a non-nil interface
	}
	return capture{cap}, nil
}

// capture is a running nsops.Capture as the UI sees it.
type capture struct{ c *nsops.Capture }

func (c capture) Counts() []tui.PointCount {
	stats := c.c.Stats()
	out := make([]tui.PointCount, len(stats))
	for i, st := range stats {
		out[i] = tui.PointCount{Tag: st.Tag, Link: st.Link, Seen: st.Seen, Dropped: st.Dropped, Err: st.Err}
	}
	return out
}

func (c capture) Done() <-chan struct{} { return c.c.Done() }
func (c capture) Stop()                 { c.c.Stop() }
