package tui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetring"
)

// captureEvery is how often the capture pane shows what came: often
// enough to read as live, rarely enough to cost nothing under a flood
// (only the lines on screen are formatted).
const captureEvery = 200 * time.Millisecond

// capturePane shows a capture: one line per packet, newest at the
// bottom, following unless scrolled back. The packets are in the ring
// (bounded however fast they come); the pane formats only the lines on
// screen, each time it looks.
type capturePane struct {
	linesPane
	id     int
	cancel context.CancelFunc // ends the capture
	ring   *packetring.Ring
	cap    Capture // nil until started
	label  string  // where: the choice made
	filter string
	file   string // the stem of the file w offers

	counts []PointCount
	// short is how the pane writes each point's tag: the namespace cut,
	// padded to one width (a qrouter's name would take the line).
	short  map[string]string
	err    error // it could not start
	ended  bool  // every interface went away
	paused bool
	// follow shows the newest packets; scrolled back, from is the number
	// of the first packet shown (packetring.Range numbers them).
	follow bool
	from   uint64
}

type (
	captureTickMsg struct{ id int }
	// captureDoneMsg says every interface of the capture went away.
	captureDoneMsg struct{ id int }
)

func (m captureTickMsg) paneID() int { return m.id }
func (m captureDoneMsg) paneID() int { return m.id }

func newCapturePane(c *common, ch model.CaptureChoice, filter, file string, cancel context.CancelFunc) *capturePane {
	return &capturePane{linesPane: linesPane{c: c}, id: c.nextID(), cancel: cancel, ring: newRing(len(ch.Points)),
		label: ch.Label, filter: filter, file: file, follow: true}
}

func captureKeys() []binding[*capturePane] {
	return paneKeys(
		binding[*capturePane]{keys: []string{"space"}, help: "pause / go on", short: "pause", foot: 4, run: (*capturePane).togglePause},
		binding[*capturePane]{keys: []string{"w"}, help: "write a pcapng file", short: "write", foot: 5, run: (*capturePane).writeForm},
	)
}

func (p *capturePane) key(msg tea.KeyPressMsg) tea.Cmd { return paneKey(p.c, captureKeys(), p, msg) }
func (p *capturePane) footer() (keys, tail []key.Binding) {
	return paneFooter(p.c, captureKeys(), p)
}

// close ends the capture (its Stop runs off the UI goroutine).
func (p *capturePane) close() { p.cancel() }

func (p *capturePane) update(msg paneMsg) tea.Cmd {
	switch msg := msg.(type) {
	case captureMsg:
		if msg.id != p.id {
			return nil
		}
		if msg.err != nil {
			p.err = msg.err
			return nil
		}
		p.cap = msg.cap
		p.short = shortTags(p.cap.Counts())
		p.look()
		return tea.Batch(p.tick(), p.waitDone())
	case captureTickMsg:
		if msg.id != p.id {
			return nil
		}
		p.look()
		if p.ended {
			return nil // nothing more will come
		}
		return p.tick()
	case captureDoneMsg:
		if msg.id == p.id {
			p.ended = true
			p.look()
		}
	}
	return nil
}

func (p *capturePane) tick() tea.Cmd {
	id := p.id
	return tea.Tick(captureEvery, func(time.Time) tea.Msg { return captureTickMsg{id} })
}

// waitDone says when every interface has gone away; after Stop, nobody
// listens for it.
func (p *capturePane) waitDone() tea.Cmd {
	done, id := p.cap.Done(), p.id
	return func() tea.Msg {
		<-done
		return captureDoneMsg{id}
	}
}

// rowsH is how many packet lines the pane has room for: its height less
// the title and the line of counts.
func (p *capturePane) rowsH() int { return max(1, p.height-2) }

// look reads the counts and formats the lines on screen: the newest when
// following, else from the packet scrolled to (or the oldest held, when
// that one has gone).
func (p *capturePane) look() {
	if p.cap != nil {
		p.counts = p.cap.Counts()
	}
	if p.follow {
		p.lines, p.from = p.ring.Tail(p.rowsH())
	} else {
		p.lines, p.from = p.ring.Lines(p.from, p.rowsH())
	}
	for i, l := range p.lines {
		p.lines[i] = p.shorten(model.Visible(l))
	}
}

// shortNs is how much of a namespace's name a tag in the pane keeps when
// it must name one: "qrouter-" and the first part of its UUID.
const shortNs = 16

// shortTags are the tags of points as the lines write them, padded to
// one width so that the columns align: the interface alone when no two
// points share its name (both ends of a veth, the ports of a bridge),
// else with its namespace cut to shortNs, else whole. A qrouter's full
// name would take the line. The line of counts names each in full.
func shortTags(points []PointCount) map[string]string {
	if len(points) < 2 {
		return nil
	}
	ifname := func(tag string) string {
		if at := strings.LastIndexByte(tag, '@'); at >= 0 {
			return tag[:at]
		}
		return tag
	}
	cutNs := func(tag string) string {
		if at := strings.LastIndexByte(tag, '@'); at >= 0 {
			return tag[:at+1] + cut(tag[at+1:], shortNs+1)
		}
		return tag
	}
	for _, form := range []func(string) string{ifname, cutNs} {
		out := make(map[string]string, len(points))
		seen := map[string]bool{}
		width := 0
		for _, pt := range points {
			short := form(pt.Tag)
			if seen[short] {
				out = nil
				break
			}
			seen[short] = true
			out[pt.Tag] = short
			width = max(width, displaywidth.String(short))
		}
		if out == nil {
			continue
		}
		for tag, short := range out {
			out[tag] = short + strings.Repeat(" ", width-displaywidth.String(short))
		}
		return out
	}
	return nil
}

// shorten writes a line's tag short: the tag follows the time.
func (p *capturePane) shorten(line string) string {
	at := strings.IndexByte(line, ' ') + 1
	if at == 0 {
		return line
	}
	rest := line[at:]
	for tag, short := range p.short {
		if strings.HasPrefix(rest, tag+" ") {
			return line[:at] + short + rest[len(tag):]
		}
	}
	return line
}

func (p *capturePane) setSize(width, height int) {
	resized := height != p.height
	p.width, p.height = width, height
	if resized {
		p.look()
	}
}

func (p *capturePane) togglePause() tea.Cmd {
	p.paused = !p.paused
	p.ring.SetPaused(p.paused)
	return nil
}

// move scrolls by packets; down to the newest follows again.
func (p *capturePane) move(act string) tea.Cmd {
	h := p.rowsH()
	switch act {
	case ActUp:
		p.scroll(-1)
	case ActDown:
		p.scroll(1)
	case ActPageUp:
		p.scroll(-max(1, h-1))
	case ActPageDown:
		p.scroll(max(1, h-1))
	case ActTop:
		first, _ := p.ring.Range()
		p.follow, p.from = false, first
		p.look()
	case ActBottom:
		p.follow = true
		p.look()
	}
	return nil
}

func (p *capturePane) wheel(d int) { p.scroll(d) }

// scroll moves the first packet shown by d; reaching the newest follows.
func (p *capturePane) scroll(d int) {
	first, next := p.ring.Range()
	h := uint64(p.rowsH())
	bottom := first
	if next > first+h {
		bottom = next - h
	}
	from := int64(max(p.from, first)) + int64(d)
	p.from = uint64(min(max(from, int64(first)), int64(bottom)))
	p.follow = p.from >= bottom && d > 0
	p.look()
}

func (p *capturePane) view() []string {
	st, width, height := &p.c.st, p.width, p.height
	out := make([]string, 0, height)
	out = append(out, fit(st.PaneTitle.Render(cut(p.heading(), width)), width))
	out = append(out, fit(st.Paint(model.RoleDim, cut(p.countsLine(), width)), width))
	switch {
	case p.err != nil:
		out = append(out, fit(st.StatusErr.Render(cut(model.Visible(p.err.Error()), width)), width))
	case p.cap == nil:
		out = append(out, fit(st.Paint(model.RoleDim, "starting…"), width))
	case len(p.lines) == 0:
		out = append(out, fit(st.Paint(model.RoleDim, "no packet yet"), width))
	}
	for _, l := range p.lines {
		if len(out) == height {
			break
		}
		out = append(out, fit(l, width))
	}
	for len(out) < height {
		out = append(out, strings.Repeat(" ", width))
	}
	return out[:height]
}

// heading is "CAPTURE  following  ·  where  ·  filter: icmp".
func (p *capturePane) heading() string {
	state := "following"
	switch {
	case p.err != nil:
		state = "failed"
	case p.cap == nil:
		state = "starting…"
	case p.ended:
		state = "ended: the interfaces went away"
	case p.paused:
		state = "paused, " + strconv.FormatUint(p.ring.Skipped(), 10) + " skipped (space goes on)"
	case !p.follow:
		state = "scrolled back (G follows)"
	}
	f := "no filter"
	if p.filter != "" {
		f = "filter: " + model.Visible(p.filter)
	}
	return "CAPTURE  " + state + "  ·  " + f + "  ·  " + p.label
}

// countsLine is "N packets seen, M dropped by the kernel", and each
// interface's counts when there are several.
func (p *capturePane) countsLine() string {
	var seen, dropped uint64
	for _, c := range p.counts {
		seen, dropped = seen+c.Seen, dropped+c.Dropped
	}
	parts := []string{plural(int(seen), "packet") + " seen, " + strconv.FormatUint(dropped, 10) + " dropped by the kernel"}
	if len(p.counts) < 2 {
		return parts[0]
	}
	for _, c := range p.counts {
		part := model.Visible(c.Tag) + " " + strconv.FormatUint(c.Seen, 10) + " seen, " + strconv.FormatUint(c.Dropped, 10) + " dropped"
		if c.Err != nil {
			part += " (gone)"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "  ·  ")
}
