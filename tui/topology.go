package tui

import (
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

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

func (m *Model) openTopology() tea.Cmd {
	if m.snap == nil {
		return nil
	}
	p := &topoPane{linesPane: linesPane{cursor: true}, found: -1}
	p.refresh(m)
	m.pane = p
	return nil
}

// refresh lays the tree out again from the snapshot on screen, keeping
// the cursor on the same line number.
func (p *topoPane) refresh(m *Model) {
	p.targets = model.BuildTopology(m.snap).Lines(m.st.Paint)
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
	p.title = "TOPOLOGY  " + strconv.Itoa(len(m.snap.Namespaces)) + " namespaces  ·  enter opens the namespace of a line"
	p.sc.set(len(p.lines), p.sc.height)
}

func (p *topoPane) render(m *Model, height int) []string { return p.renderLines(m, height) }
func (p *topoPane) actions() []string                    { return []string{ActFollow, ActFilter} }
func (p *topoPane) close()                               {}

func (p *topoPane) key(m *Model, msg tea.KeyPressMsg, act string) tea.Cmd {
	switch {
	case act == ActFilter:
		return p.askFind(m)
	case msg.String() == "n" && p.find != "":
		p.findNext(m, p.sc.cursor+1)
		return nil
	}
	switch act {
	case ActFollow:
		return p.open(m)
	case ActTopology:
		m.pane = nil
		return nil
	}
	p.move(act)
	return nil
}

func (p *topoPane) click(m *Model, y int) tea.Cmd {
	if i := p.sc.offset + y - 1; y >= 1 && i < len(p.lines) {
		if i == p.sc.cursor {
			return p.open(m)
		}
		p.sc.to(i)
	}
	return nil
}

// open leaves the topology for the namespace of the line under the cursor,
// on its Links tab with the line's interface selected.
func (p *topoPane) open(m *Model) tea.Cmd {
	if p.sc.cursor >= len(p.targets) {
		return nil
	}
	t := p.targets[p.sc.cursor]
	if p.far && p.found == p.sc.cursor {
		if t.FarNs == (model.NsKey{}) {
			m.setStatus("lazyns cannot see the namespace of "+model.Visible(p.find)+"'s end", true)
			return nil
		}
		t.Ns, t.Link = t.FarNs, t.FarLink
	}
	if t.Ns == (model.NsKey{}) {
		m.setStatus("this line names no namespace", false)
		return nil
	}
	prev := m.selRef()
	if !m.selectNs(t.Ns) {
		m.setStatus("that namespace is gone", true)
		return nil
	}
	m.pane = nil
	m.focus = focusDetail
	m.tab = tabLinks
	cmd := m.selectionChanged(prev)
	m.rows = scroller{height: m.rows.height}
	m.rebuildDetail()
	for i, r := range m.detail.rows {
		if t.Link != 0 && r.link == t.Link {
			m.rows.to(i)
		}
	}
	return cmd
}

// askFind asks for text to find in the tree (a namespace, an interface, an
// address): with hundreds of namespaces scrolling is no way to get there.
func (p *topoPane) askFind(m *Model) tea.Cmd {
	d := NewDialog("Find in the topology", func(v map[string]string) (tea.Cmd, error) {
		text := strings.TrimSpace(v["text"])
		if text == "" {
			return nil, errors.New("text: part of a namespace, interface or address")
		}
		p.find = text
		p.findNext(m, p.sc.cursor)
		return nil, nil
	}, TextField("text", "find", "qrouter-e945, tap76de, 10.0.0.1", ""))
	d.Text = "The cursor goes to the first line from here that contains it; n finds the next; enter opens the namespace the text belongs to."
	return m.OpenDialog(d)
}

// findNext moves the cursor to the first line at or after from (wrapping
// around) whose text contains p.find, case-insensitively, and notes which
// end of the line the text is about.
func (p *topoPane) findNext(m *Model, from int) {
	n := len(p.lines)
	for i := 0; i < n; i++ {
		at := (from + i) % n
		if ok, far := p.findIn(at); ok {
			p.sc.to(at)
			p.found, p.far = at, far
			m.setStatus("", false)
			return
		}
	}
	p.found = -1
	m.setStatus("nothing in the topology contains "+model.Visible(p.find), true)
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
