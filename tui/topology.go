package tui

import (
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// topoPane is the wiring across namespaces (model.Topology) as a tree;
// enter on a line opens its namespace with its interface selected.
type topoPane struct {
	linesPane
	targets []model.TopoLine
	// find is the text / looked for last; n looks for the next line.
	find string
	// found is the line find landed on, and far whether the text found
	// there is about the line's other end (a port's peer, a pair's second
	// end): enter on that line opens the namespace the text belongs to.
	found int
	far   bool
}

func topoKeys() []binding[*topoPane] {
	return paneKeys(
		binding[*topoPane]{act: ActFollow, help: "open the namespace of the line", short: "open", foot: 4, run: (*topoPane).open},
		// The footer keeps the main screen's word for /.
		binding[*topoPane]{act: ActFilter, help: "find a line", short: "filter", foot: 5, run: (*topoPane).askFind},
		binding[*topoPane]{keys: []string{"n"}, help: "find the next line", run: func(p *topoPane) tea.Cmd {
			if p.find != "" {
				p.findNext(p.sc.cursor + 1)
			}
			return nil
		}},
		binding[*topoPane]{act: ActTopology, help: "back", run: func(p *topoPane) tea.Cmd { return p.back("") }},
	)
}

// openTopology shows the topology of the snapshot on screen (t).
func openTopology(s *mainScreen) tea.Cmd {
	if s.snap() == nil {
		return nil
	}
	p := &topoPane{linesPane: linesPane{c: s.c, cursor: true}, found: -1}
	p.refresh(s.snap())
	return s.c.openPane(p)
}

func (p *topoPane) key(msg tea.KeyPressMsg) tea.Cmd { return paneKey(p.c, topoKeys(), p, msg) }
func (p *topoPane) footer() (keys, tail []key.Binding) {
	return paneFooter(p.c, topoKeys(), p)
}

// refresh lays the tree out again from snap, keeping the cursor on the
// same line number.
func (p *topoPane) refresh(snap *model.Snapshot) {
	p.targets = model.BuildTopology(snap).Lines(p.c.st.Paint)
	p.lines = make([]string, len(p.targets))
	for i := range p.targets {
		p.lines[i] = p.targets[i].Text
	}
	// The tree may have changed under the line found: what it is about
	// is that line's text now.
	if p.found >= 0 {
		if p.found >= len(p.targets) {
			p.found = -1
		} else if ok, far := p.findIn(p.found); !ok {
			p.found = -1
		} else {
			p.far = far
		}
	}
	p.title = "TOPOLOGY  " + strconv.Itoa(len(snap.Namespaces)) + " namespaces  ·  enter opens the namespace of a line"
	if done, _, reading := p.c.read.reading(); reading {
		// The wiring of namespaces not read yet is missing; it comes as
		// they are read (refresh follows every chunk).
		p.title = "TOPOLOGY  " + strconv.Itoa(len(snap.Namespaces)) + " namespaces, " + strconv.Itoa(done) + " read so far"
	}
	p.sc.set(len(p.lines), p.sc.height)
}

func (p *topoPane) click(y int) tea.Cmd {
	if i := p.sc.offset + y - 1; y >= 1 && i < len(p.lines) {
		if i == p.sc.cursor {
			return p.open()
		}
		p.sc.to(i)
	}
	return nil
}

// open asks for the namespace of the line under the cursor, on its Links
// tab with the line's interface selected.
func (p *topoPane) open() tea.Cmd {
	if p.sc.cursor >= len(p.targets) {
		return nil
	}
	t := p.targets[p.sc.cursor]
	if p.far && p.found == p.sc.cursor {
		if t.FarNs == (model.NsKey{}) {
			p.c.setStatus("lazyns cannot see the namespace of "+model.Visible(p.find)+"'s end", true)
			return nil
		}
		t.Ns, t.Link = t.FarNs, t.FarLink
	}
	if t.Ns == (model.NsKey{}) {
		p.c.setStatus("this line names no namespace", false)
		return nil
	}
	p.c.ask(openNsMsg{key: t.Ns, links: true, link: t.Link, gone: "that namespace is gone"})
	return nil
}

// askFind asks for text to find in the tree (a namespace, an interface, an
// address): with hundreds of namespaces scrolling is no way to get there.
func (p *topoPane) askFind() tea.Cmd {
	d := NewDialog("Find in the topology", func(v map[string]string) (tea.Cmd, error) {
		text := strings.TrimSpace(v["text"])
		if text == "" {
			return nil, errors.New("text: part of a namespace, interface or address")
		}
		p.find = text
		p.findNext(p.sc.cursor)
		return nil, nil
	}, TextField("text", "find", "qrouter-e945, tap76de, 10.0.0.1", ""))
	d.Text = "The cursor goes to the first line from here that contains it; n finds the next; enter opens the namespace the text belongs to."
	return p.c.openDialog(d)
}

// findNext moves the cursor to the first line at or after from (wrapping
// around) whose text contains p.find, case-insensitively, and notes which
// end of the line the text is about.
func (p *topoPane) findNext(from int) {
	n := len(p.lines)
	for i := 0; i < n; i++ {
		at := (from + i) % n
		if ok, far := p.findIn(at); ok {
			p.sc.to(at)
			p.found, p.far = at, far
			p.c.setStatus("", false)
			return
		}
	}
	p.found = -1
	p.c.setStatus("nothing in the topology contains "+model.Visible(p.find), true)
}

// findIn reports whether line at contains p.find, and whether it is first
// found in the part about the line's other end.
func (p *topoPane) findIn(at int) (ok, far bool) {
	t := &p.targets[at]
	pos := strings.Index(strings.ToLower(ansi.Strip(t.Text)), strings.ToLower(p.find))
	if pos < 0 {
		return false, false
	}
	return true, t.FarAt > 0 && pos >= len(strings.ToLower(ansi.Strip(t.Text[:t.FarAt])))
}
