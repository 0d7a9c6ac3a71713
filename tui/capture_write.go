package tui

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetring"
	"github.com/lazyns/lazyns/model/pcapng"
)

// captureFile is the stem of the file w offers for a capture started on
// link of ns: "/tmp/lazyns-<ns>-<iface>", with every character a file
// name or a shell would trip on made "_" (names are data).
func captureFile(ns *model.Namespace, link *model.Link) string {
	clean := func(s string, n int) string {
		b := []byte(s)
		for i, c := range b {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				b[i] = '_'
			}
		}
		return string(b[:min(len(b), n)])
	}
	return filepath.Join(os.TempDir(), "lazyns-"+clean(ns.DisplayName(), 48)+"-"+clean(link.Name, 16))
}

// capturePath is the file w offers: the stem and the time.
func capturePath(stem string, now time.Time) string {
	return stem + "-" + now.Format("20060102-150405") + ".pcapng"
}

// writeForm asks where to write what the pane holds as pcapng (w).
func (p *capturePane) writeForm() tea.Cmd {
	held := p.ring.Held()
	if p.cap == nil || held == 0 {
		p.c.setStatus("nothing to write: no packet captured yet", false)
		return nil
	}
	path := capturePath(p.file, time.Now())
	d := NewDialog("Write the capture as pcapng", nil, TextField("path", "path", path, path))
	d.Text = "The " + plural(held, "packet") + " held, for tcpdump -r or Wireshark."
	cap, ring, filter := p.cap, p.ring, p.filter
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		path := strings.TrimSpace(v["path"])
		if path == "" {
			return nil, errors.New("path: give a file to write, such as " + capturePath(p.file, time.Now()))
		}
		return writeCapture(path, cap, ring, filter, false), nil
	}
	return p.c.openDialog(d)
}

// captureWrittenMsg is the end of writing a capture; exists asks before
// replacing a file that is there, again asks to.
type captureWrittenMsg struct {
	path    string
	packets int
	letGo   uint64 // older packets the ring no longer held
	exists  bool
	again   func(replace bool) tea.Cmd
	err     error
}

// writeCapture writes every packet the ring holds to path as pcapng, one
// interface block per point of the capture, in a command. Unless
// replace, a file already there is left alone and the answer asks.
func writeCapture(path string, cap Capture, ring *packetring.Ring, filter string, replace bool) tea.Cmd {
	return func() tea.Msg {
		// Packets are private to whoever captured them.
		path, f, exists, err := createFile(path, replace, 0o600)
		msg := captureWrittenMsg{path: path, exists: exists, again: func(replace bool) tea.Cmd {
			return writeCapture(path, cap, ring, filter, replace)
		}}
		if exists {
			return msg
		}
		if err != nil {
			msg.err = err
			return msg
		}
		var ifaces []pcapng.Interface
		for _, c := range cap.Counts() {
			ifaces = append(ifaces, pcapng.Interface{Tag: c.Tag, Link: c.Link, Filter: filter})
		}
		msg.letGo, _ = ring.Range()
		ps := ring.Packets()
		msg.packets = len(ps)
		w, err := pcapng.NewWriter(f, ifaces...)
		for i := 0; err == nil && i < len(ps); i++ {
			err = w.WritePacket(&ps[i])
		}
		if err == nil {
			err = w.Flush()
		}
		if msg.err = errors.Join(err, f.Close()); msg.err != nil {
			os.Remove(path) // no half a file
		}
		return msg
	}
}

// captureWritten says where the capture went, or asks before replacing a
// file. It is the root's: the pane may be closed by then.
func captureWritten(c *common, msg captureWrittenMsg) tea.Cmd {
	path := model.Visible(msg.path)
	switch {
	case msg.exists:
		return c.openDialog(NewConfirm("Replace "+path+"?", path+" exists. Replace it with the capture?", func() tea.Cmd {
			return msg.again(true)
		}))
	case msg.err != nil:
		c.setStatus("writing the capture: "+model.Visible(msg.err.Error()), true)
	default:
		say := "wrote " + plural(msg.packets, "packet") + " to " + path
		if msg.letGo > 0 {
			say += " (the last held; " + strconv.FormatUint(msg.letGo, 10) + " older ones were let go)"
		}
		c.setStatus(say+" (tcpdump -nr reads it)", false)
	}
	return nil
}
