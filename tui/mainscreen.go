package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// Which half of the main screen has the keyboard.
const (
	focusList = iota
	focusDetail
)

// mainScreen is the screen lazyns opens on: the list of namespaces beside
// the detail pane of the one selected. It owns both, says which has the
// focus, and keeps the detail pane on the list's selection. Its keys are
// mainKeys; what they need from the rest of the UI they ask the root for.
type mainScreen struct {
	c      *common
	list   nsList
	detail detailPane
	focus  int
	keys   []mainKey // mainKeys as this session has them (build)
	width  int       // of the screen: the status line's room
}

func newMainScreen(c *common) mainScreen {
	return mainScreen{c: c, list: newNsList(c), detail: newDetailPane(c), keys: build(c, mainKeys())}
}

func (s *mainScreen) shared() *common { return s.c }

// snap is the snapshot on screen; nil until the first is read.
func (s *mainScreen) snap() *model.Snapshot { return s.list.snap }

// selected is the namespace under the list's cursor, or nil.
func (s *mainScreen) selected() *model.Namespace { return s.list.selected() }

// setSnapshot shows snap, whose filter index is index, keeping the
// selected namespace, tab and row where they still exist.
func (s *mainScreen) setSnapshot(snap *model.Snapshot, index filterIndex) {
	s.list.setSnapshot(snap, index)
	s.detail.show(snap, s.selected())
}

// setSize lays the screen out as l says, width columns wide.
func (s *mainScreen) setSize(l layout, width int) {
	s.width = width
	s.list.setSize(l.listW, l.bodyH, width)
	s.detail.setHeight(l.rowsH)
}

func (s *mainScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case s.list.filtering:
		return s.onList(func(l *nsList) tea.Cmd { return filterKey(l, msg) })
	case s.detail.filtering:
		return filterKey(&s.detail, msg)
	}
	cmd, _ := dispatch(s.keys, s, msg.String(), s.guard)
	return cmd
}

// run does what the binding of act does, as its key would.
func (s *mainScreen) run(act string) tea.Cmd {
	for i := range s.keys {
		if b := &s.keys[i]; b.act == act {
			return runBinding(b, s, s.guard)
		}
	}
	return nil
}

// footer is the footer's keys for where the focus is.
func (s *mainScreen) footer() (keys, tail []key.Binding) {
	return footer(s.keys, s, s.focus == focusDetail)
}

// onList runs f on the list and, when that selects another namespace,
// shows it in the detail pane from its first row.
func (s *mainScreen) onList(f func(*nsList) tea.Cmd) tea.Cmd {
	prev := s.list.ref()
	cmd := f(&s.list)
	return tea.Batch(cmd, s.selectionChanged(prev))
}

func (s *mainScreen) selectionChanged(prev nsRef) tea.Cmd {
	if s.list.ref() == prev {
		return nil
	}
	s.detail.reset()
	s.detail.show(s.snap(), s.selected())
	return s.detail.loadLazy()
}

// open shows the namespace msg names (openNsMsg): selected in the list
// (its filter cleared if it hides it), in the detail pane from its first
// row or on the link asked for.
func (s *mainScreen) open(msg openNsMsg) tea.Cmd {
	if !s.list.selectKey(msg.key) {
		s.c.setStatus(msg.gone, true)
		return nil
	}
	if msg.links {
		s.focus, s.detail.tab = focusDetail, tabLinks
	}
	s.detail.reset()
	s.detail.show(s.snap(), s.selected())
	s.detail.toLink(msg.link)
	if msg.say != nil {
		s.c.setStatus(msg.say(s.selected()), false)
	}
	return s.detail.loadLazy()
}

// The handlers of the main screen's own keys (mainKeys).

func (s *mainScreen) move(act string) tea.Cmd {
	if s.focus == focusList {
		return s.onList(func(l *nsList) tea.Cmd { l.sc.applyMove(act); return nil })
	}
	s.detail.sc.applyMove(act)
	return nil
}

func (s *mainScreen) switchFocus() tea.Cmd {
	s.focus = 1 - s.focus
	return nil
}

// startFilter filters the rows of the open tab when the detail pane has
// the focus and the tab's rows are filtered (detailPane.filtersRows),
// the namespaces otherwise.
func (s *mainScreen) startFilter() tea.Cmd {
	if s.filteringRows() {
		return startFilter(&s.detail)
	}
	return startFilter(&s.list)
}

func (s *mainScreen) filteringRows() bool { return s.focus == focusDetail && s.detail.filtersRows() }

// filterSays is the footer's word for /.
func (s *mainScreen) filterSays() string {
	if s.filteringRows() {
		return "filter rows"
	}
	return "filter"
}

// typingFilter is the filter that has the keys, or nil.
func (s *mainScreen) typingFilter() filterer {
	switch {
	case s.list.filtering:
		return &s.list
	case s.detail.filtering:
		return &s.detail
	}
	return nil
}

// clearFilter clears the filter of what has the focus, the rows' first.
func (s *mainScreen) clearFilter() tea.Cmd {
	if s.filteringRows() && s.detail.filter.Value() != "" {
		s.detail.setFilter("")
		return nil
	}
	if s.list.filter.Value() == "" {
		return nil
	}
	return s.onList(func(l *nsList) tea.Cmd { l.setFilter(""); return nil })
}

func (s *mainScreen) setTab(t int) tea.Cmd { return s.detail.setTab(t) }

// enter moves from the list into the detail pane, and there follows a veth.
func (s *mainScreen) enter() tea.Cmd {
	if s.focus == focusList {
		s.focus = focusDetail
		return nil
	}
	return s.detail.follow()
}

// enterSays is the footer's word for enter.
func (s *mainScreen) enterSays() string {
	if s.focus == focusDetail && s.detail.tab == tabLinks {
		return "follow veth"
	}
	return "open"
}

func (s *mainScreen) reload() tea.Cmd {
	s.c.setStatus("reloading…", false)
	s.c.ask(reloadAllMsg{})
	return nil
}

// need is what a binding of the main screen needs before it runs: the
// guard says why not in the status line, named by the binding, and the
// binding does not run.
type need uint16

// In the order the guard checks them.
const (
	needChanger  need = 1 << iota // a Changer to change the kernel through
	needSnapshot                  // the namespaces read
	needInside                    // a selected namespace something can start in (not stale)
	needNamed                     // a selected namespace a change can name: the host or a named one
	needLink                      // that, and a link under the detail cursor
	needRunner                    // a Runner for shells and commands
	needTracer
	needLabs
	needInsideLink // a link under the detail cursor, in a namespace that is not stale
	needCapturer
)

func (s *mainScreen) guard(b *mainKey) bool {
	what := b.what()
	fail := func(why string, isErr bool) bool {
		s.c.setStatus(what+": "+why, isErr)
		return false
	}
	n := b.needs
	if n&needChanger != 0 && s.c.Changer == nil {
		return fail("changes are not available in this build", true)
	}
	if n&needSnapshot != 0 && s.snap() == nil {
		return fail("still reading the namespaces", false)
	}
	why := "" // a binding needs one of these at most
	switch {
	case n&needInside != 0:
		_, why = s.inside()
	case n&needLink != 0:
		_, why = s.linked()
	case n&needNamed != 0:
		_, why = s.named()
	case n&needInsideLink != 0:
		_, why = s.insideLink()
	}
	if why != "" {
		return fail(why, true)
	}
	switch {
	case n&needRunner != 0 && s.c.Runner == nil, n&needTracer != 0 && s.c.Tracer == nil,
		n&needCapturer != 0 && s.c.Capturer == nil:
		return fail("not available in this build", true)
	case n&needLabs != 0 && s.c.Labs == nil:
		s.c.setStatus("labs are not available in this build", true)
		return false
	}
	return true
}

// inside is the selected namespace when something can start in it, or
// why nothing can.
func (s *mainScreen) inside() (*model.Namespace, string) {
	ns := s.selected()
	switch {
	case ns == nil:
		return nil, "no namespace selected"
	case ns.Stale:
		return nil, model.Visible(ns.Name) + " is stale: no namespace is mounted there"
	}
	return ns, ""
}

// target is what a change key acts on: the selected namespace, the name a
// change calls it by ("" for the host), and the link under the detail
// cursor.
type target struct {
	ns   *model.Namespace
	here string
	link *model.Link
}

// named is the selected namespace as a change names it, or why it cannot
// be changed. Changes reach the host and named namespaces (as ip -n does).
func (s *mainScreen) named() (target, string) {
	ns := s.selected()
	switch {
	case ns == nil:
		return target{}, "no namespace selected"
	case ns.Host:
		return target{ns: ns}, ""
	case ns.Stale:
		return target{}, model.Visible(ns.Name) + " is stale: no namespace is mounted there (D deletes the name)"
	case !ns.Named():
		return target{}, model.Visible(ns.DisplayName()) + " has no name under the netns directory; lazyns changes the host and named namespaces"
	}
	return target{ns: ns, here: ns.Name}, ""
}

// linked is named with the link under the detail cursor, on a tab whose
// rows are about links, or why there is none.
func (s *mainScreen) linked() (target, string) {
	t, why := s.named()
	if why != "" {
		return t, why
	}
	if t.link = s.cursorLink(t.ns); t.link == nil {
		return target{}, noLinkSelected
	}
	return t, ""
}

const noLinkSelected = "select a link first (tab to the detail pane, Links tab)"

// insideLink is the selected namespace, if something can start in it,
// with the link under the detail cursor; or why there is none. Reading
// a link (capture) reaches every namespace, named or not.
func (s *mainScreen) insideLink() (target, string) {
	ns, why := s.inside()
	if why != "" {
		return target{}, why
	}
	l := s.cursorLink(ns)
	if l == nil {
		return target{}, noLinkSelected
	}
	return target{ns: ns, link: l}, ""
}

// cursorLink is the link of ns under the detail cursor, on a tab whose
// rows are about links, or nil.
func (s *mainScreen) cursorLink(ns *model.Namespace) *model.Link {
	if r := s.detail.cursorRow(); r != nil && r.link != 0 && tabs[s.detail.tab].links {
		return ns.Link(r.link)
	}
	return nil
}

// view draws the list beside the detail pane.
func (s *mainScreen) view(l layout) []string {
	left := s.list.view(l.listW, l.bodyH, s.focus == focusList)
	right := s.detail.view(l, s.focus == focusDetail)
	sep := s.c.st.Separator.Render("│") + " "
	body := make([]string, l.bodyH)
	for i := range body {
		body[i] = left[i] + sep + right[i]
	}
	return body
}
