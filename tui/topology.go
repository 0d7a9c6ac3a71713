package tui

import (
	"strconv"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// topoPane is the wiring across namespaces (model.Topology) as a tree;
// enter on a line opens its namespace with its interface selected.
type topoPane struct {
	linesPane
	targets []model.TopoLine
}

func (m *Model) openTopology() tea.Cmd {
	if m.snap == nil {
		return nil
	}
	p := &topoPane{linesPane: linesPane{cursor: true}}
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
	p.title = "TOPOLOGY  " + strconv.Itoa(len(m.snap.Namespaces)) + " namespaces  ·  enter opens the namespace of a line"
	p.sc.set(len(p.lines), p.sc.height)
}

func (p *topoPane) render(m *Model, height int) []string { return p.renderLines(m, height) }
func (p *topoPane) actions() []string                    { return []string{ActFollow} }
func (p *topoPane) close()                               {}

func (p *topoPane) key(m *Model, _ tea.KeyPressMsg, act string) tea.Cmd {
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
