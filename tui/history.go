package tui

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// DefaultScriptPath is where w offers to write the history.
const DefaultScriptPath = "./lazyns-history.sh"

// historyPane lists every change of the session as the ip commands that
// do the same (H); w writes them as a script.
type historyPane struct {
	linesPane
}

func historyKeys() []binding[*historyPane] {
	return paneKeys(
		binding[*historyPane]{keys: []string{"w"}, help: "write the history as a script", run: (*historyPane).writeForm},
		binding[*historyPane]{act: ActHistory, help: "back", run: func(p *historyPane) tea.Cmd { return p.back("") }},
	)
}

// historyWrittenMsg is the end of writing the script. exists asks first
// before replacing a file that is there.
type historyWrittenMsg struct {
	path    string
	changes int
	exists  bool
	err     error
}

func openHistory(s *mainScreen) tea.Cmd {
	p := &historyPane{linesPane{c: s.c}}
	p.refresh(nil)
	return s.c.openPane(p)
}

func (p *historyPane) key(msg tea.KeyPressMsg) tea.Cmd { return paneKey(p.c, historyKeys(), p, msg) }
func (p *historyPane) footer() (keys, tail []key.Binding) {
	return paneFooter(p.c, historyKeys(), p)
}

// refresh lists the history again: a change may end while it is open.
func (p *historyPane) refresh(*model.Snapshot) {
	entries := p.c.history.Entries()
	p.lines = p.lines[:0]
	for _, e := range entries {
		p.lines = append(p.lines, p.c.st.Paint(model.RoleDim, "# "+e.Time.Format("15:04:05")))
		for _, c := range e.Cmds {
			p.lines = append(p.lines, c.String())
		}
	}
	if len(entries) == 0 {
		p.lines = append(p.lines, p.c.st.Paint(model.RoleDim, "no changes yet in this session"))
	}
	p.title = "HISTORY  " + plural(len(entries), "change") + " in this session  ·  w writes them as a script"
	p.sc.set(len(p.lines), p.sc.height)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// writeForm asks where to write the script.
func (p *historyPane) writeForm() tea.Cmd {
	h := &p.c.history
	n := h.Len()
	if n == 0 {
		p.c.setStatus("nothing to write: no changes yet in this session", false)
		return nil
	}
	d := NewDialog("Write the history as a script", nil, TextField("path", "path", DefaultScriptPath, DefaultScriptPath))
	d.Text = "A bash script of the " + plural(n, "change") + " as ip commands; run it as root to do them again."
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		path := strings.TrimSpace(v["path"])
		if path == "" {
			return nil, errors.New("path: give a file to write, such as " + DefaultScriptPath)
		}
		return writeScript(path, h.Script(), n, false), nil
	}
	return p.c.openDialog(d)
}

// writeScript writes the script, executable, in a command. Unless
// replace, a file already there is left alone and the answer asks.
func writeScript(path, script string, changes int, replace bool) tea.Cmd {
	return func() tea.Msg {
		path, f, exists, err := createFile(path, replace, 0o755)
		if exists {
			return historyWrittenMsg{path: path, changes: changes, exists: true}
		}
		if err == nil {
			_, err = f.WriteString(script)
			// The umask, or a file replaced, may have left other bits.
			err = errors.Join(err, f.Chmod(0o755), f.Close())
		}
		return historyWrittenMsg{path: path, changes: changes, err: err}
	}
}

// createFile creates the file at path (made absolute, as it is
// returned), or, unless replace, says that it exists and leaves it alone.
func createFile(path string, replace bool, perm os.FileMode) (abs string, f *os.File, exists bool, err error) {
	if a, err := filepath.Abs(path); err == nil {
		path = a
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !replace {
		flags |= os.O_EXCL
	}
	f, err = os.OpenFile(path, flags, perm)
	if errors.Is(err, fs.ErrExist) {
		return path, nil, true, nil
	}
	return path, f, false, err
}

// historyWritten says how writing the script went, or asks before
// replacing a file.
func historyWritten(c *common, msg historyWrittenMsg) tea.Cmd {
	path := model.Visible(msg.path)
	switch {
	case msg.exists:
		script := c.history.Script()
		return c.openDialog(NewConfirm("Replace "+path+"?", path+" exists. Replace it with the history?", func() tea.Cmd {
			return writeScript(msg.path, script, msg.changes, true)
		}))
	case msg.err != nil:
		c.setStatus("writing the history: "+model.Visible(msg.err.Error()), true)
	default:
		c.setStatus("wrote "+plural(msg.changes, "change")+" to "+path+"  ·  bash "+model.ShellQuote(msg.path)+" does them again", false)
	}
	return nil
}
