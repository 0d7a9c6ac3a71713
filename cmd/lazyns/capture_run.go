package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
	"github.com/lazyns/lazyns/model/pcapng"
	"github.com/lazyns/lazyns/nsops"
)

// captureRun counts what a capture delivers to its sink and says when it
// should end: -c packets written, or the sink failed. deliver runs on the
// capture's own goroutine.
type captureRun struct {
	sink  captureSink
	limit uint64

	mu     sync.Mutex
	n      uint64
	perTag map[string]uint64
	over   bool
	werr   error
	full   chan struct{} // closed when -c packets are written
	failed chan struct{} // closed when the sink cannot take more
}

func newCaptureRun(sink captureSink, limit int) *captureRun {
	return &captureRun{sink: sink, limit: uint64(limit), perTag: map[string]uint64{},
		full: make(chan struct{}), failed: make(chan struct{})}
}

func (r *captureRun) deliver(ps []packetline.Packet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.over {
		return
	}
	if r.limit > 0 && r.n+uint64(len(ps)) > r.limit {
		ps = ps[:r.limit-r.n]
	}
	if err := r.sink.write(ps); err != nil {
		r.werr, r.over = err, true
		close(r.failed)
		return
	}
	r.n += uint64(len(ps))
	// A block's packets share their tag: count runs, not packets, by it.
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[j].Tag == ps[i].Tag {
			j++
		}
		r.perTag[ps[i].Tag] += uint64(j - i)
		i = j
	}
	if r.limit > 0 && r.n == r.limit {
		r.over = true
		close(r.full)
	}
}

func (r *captureRun) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.werr != nil {
		return fmt.Errorf("capture: writing packets: %w", r.werr)
	}
	return nil
}

// summary is the line for stderr: "N packets captured, M dropped by the
// kernel", and each interface's counts when there are several.
func (r *captureRun) summary(stats []nsops.PointStats) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var dropped uint64
	for _, st := range stats {
		dropped += st.Dropped
	}
	line := fmt.Sprintf("%s captured, %d dropped by the kernel", plural(r.n, "packet", "packets"), dropped)
	if len(stats) < 2 {
		return line
	}
	parts := make([]string, len(stats))
	for i, st := range stats {
		parts[i] = fmt.Sprintf("%s: %d captured, %d dropped", model.Visible(st.Tag), r.perTag[st.Tag], st.Dropped)
	}
	return line + " (" + strings.Join(parts, "; ") + ")"
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// captureSink is where the packets go: lines or pcapng.
type captureSink interface {
	write(ps []packetline.Packet) error
	// finish writes what ends the output (pcapng's counts) and flushes it.
	finish(stats []nsops.PointStats) error
	// abandon undoes what the sink made, when the capture never started.
	abandon()
}

// captureSink makes the sink -w asks for; a file is created now, before
// any socket is opened, and removed again if the capture cannot start.
func (a *app) captureSink(fl captureFlags, points []capturePoint) (captureSink, error) {
	if fl.write == "" {
		return &lineSink{w: bufio.NewWriterSize(a.stdout, 64<<10), f: packetline.NewFormatter(), tags: len(points) > 1}, nil
	}
	ifaces := make([]pcapng.Interface, len(points))
	for i, p := range points {
		ifaces[i] = pcapng.Interface{Tag: packetline.Tag(p.NsName, p.Name), Link: p.link, Filter: fl.filter}
	}
	s := &pcapSink{ifaces: ifaces, start: time.Now(), out: a.stdout}
	if fl.write != "-" {
		f, err := os.Create(fl.write)
		if err != nil {
			return nil, fmt.Errorf("capture: -w: %w", err)
		}
		s.file, s.out = f, f
	}
	w, err := pcapng.NewWriter(s.out, ifaces...)
	if err != nil {
		s.abandon()
		return nil, err
	}
	s.w = w
	return s, nil
}

// lineSink writes tcpdump -n lines, tagged when there are several
// interfaces, flushed after each batch so that they show as they come.
type lineSink struct {
	w    *bufio.Writer
	f    *packetline.Formatter
	buf  []byte
	tags bool
}

func (s *lineSink) write(ps []packetline.Packet) error {
	for i := range ps {
		p := &ps[i]
		if !s.tags {
			q := *p
			q.Tag = ""
			p = &q
		}
		s.buf = append(s.f.AppendLine(s.buf[:0], p), '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
	}
	return s.w.Flush()
}

func (s *lineSink) finish([]nsops.PointStats) error { return s.w.Flush() }
func (s *lineSink) abandon()                        {}

// pcapSink writes pcapng, flushed after each batch so that a reader at
// the other end of a pipe sees packets as they come.
type pcapSink struct {
	w      *pcapng.Writer
	ifaces []pcapng.Interface
	out    io.Writer
	file   *os.File // when -w names a file
	start  time.Time
}

func (s *pcapSink) write(ps []packetline.Packet) error {
	for i := range ps {
		if err := s.w.WritePacket(&ps[i]); err != nil {
			return err
		}
	}
	return s.w.Flush()
}

func (s *pcapSink) finish(stats []nsops.PointStats) error {
	end := time.Now()
	var err error
	for i, st := range stats {
		if i < len(s.ifaces) && err == nil {
			err = s.w.WriteStats(s.ifaces[i], pcapng.Stats{Start: s.start, End: end, Received: st.Received, Dropped: st.Dropped})
		}
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	if s.file != nil {
		if cerr := s.file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *pcapSink) abandon() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}
