package tui

import (
	"errors"
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// Names first (issue 18): the list is drawn from discovery alone (names,
// holders, marks: a readdir, the mount table and a walk of /proc), then
// the namespaces are read a chunk at a time, those on screen first, the
// rest in the background, the header counting them. On a large host only
// the namespace shown is kept whole; the others keep what the list, the
// filter and the topology need (links and addresses), not their routes,
// rules and neighbours.

// nsState is how much of a namespace the snapshot on screen holds.
type nsState uint8

const (
	nsUnread nsState = iota // found by discovery; nothing read inside yet
	nsRows                  // read, kept compact: its links and addresses
	nsFull                  // everything read
)

// keepFullUpTo is how many namespaces a host may have for every one of
// them to be kept whole (about 9 KB each with routes, rules and
// neighbours: 20 MB at this size) and read in one go, every veth peer
// resolved in the same read, the namespace shown whole without a read of
// its own. Beyond, memory is what matters (90 MB whole at ten thousand,
// 32 MB compact: BenchmarkHeld10k). A variable, for the benchmark.
var keepFullUpTo = 2500

// Of a larger host, readChunk namespaces are read at a time (the screen's
// first: see nextChunk), and at most maxFull kept whole: those read again
// after a change and the one shown, the rest compact once there are more.
const (
	readChunk = 500
	maxFull   = 64
)

// hostRead is what the UI holds of each namespace of the snapshot on
// screen and what it still has to read. It changes with the snapshot, on
// the UI goroutine only.
type hostRead struct {
	state   map[model.NsKey]nsState
	pos     map[model.NsKey]int  // positions in the snapshot on screen
	pending map[model.NsKey]bool // to read, or to read again
	// screen and asked are the namespaces being read (nil: none): those
	// on screen, and a chunk of the rest (readNext).
	screen, asked []model.NsKey
	next          int // where the walk for the next chunk resumes
	// rows is keepFullUpTo's verdict for the snapshot on screen: keep
	// namespaces compact, and read them a chunk at a time.
	rows bool
	// peersLeft are namespaces read with a veth peer in a chunk not read
	// yet, to read again once the round ends (readDone).
	peersLeft map[model.NsKey]bool
	// filling is the compact namespace shown being read whole again
	// (fillShown); it stays set if that read brought nothing whole, so
	// the same namespace is not asked for again and again.
	filling model.NsKey
}

func newHostRead() hostRead {
	return hostRead{state: map[model.NsKey]nsState{}, pos: map[model.NsKey]int{}, pending: map[model.NsKey]bool{},
		peersLeft: map[model.NsKey]bool{}}
}

// of is how much of ns is held; a stale name has nothing to read.
func (r *hostRead) of(ns *model.Namespace) nsState {
	if ns.Stale {
		return nsFull
	}
	return r.state[ns.Key]
}

// reading reports whether namespaces remain to be read, and how many of
// those listed are read: the header's progress. (Counted over the list,
// not since the last discovery: on a host where namespaces come and go
// all the time it would start again from 0 every second.)
func (r *hostRead) reading() (done, total int, ok bool) {
	left := len(r.pending) + len(r.asked) + len(r.screen)
	if left == 0 {
		return 0, 0, false
	}
	return max(len(r.pos)-left, 0), len(r.pos), true
}

// Messages of the reading.
type (
	discoveredMsg struct {
		snap *model.Snapshot
		err  error
		took time.Duration
	}
	readMsg struct {
		keys []model.NsKey
		nss  []model.Namespace
		err  error
	}
)

// discover finds the namespaces of the host, without reading inside.
func (m *Model) discover() tea.Cmd {
	ctx, src := m.c.ctx, m.c.Source
	return func() tea.Msg {
		start := time.Now()
		snap, err := src.Discover(ctx)
		return discoveredMsg{snap, err, time.Since(start)}
	}
}

// showDiscovered lists snap, the namespaces found, at once. One already
// on screen keeps what was read of it (the namespaces that appeared are
// the only ones read, and one that vanished is simply no longer listed),
// unless all asks for everything to be read again.
func (m *Model) showDiscovered(snap *model.Snapshot, all bool) {
	r := &m.hostRead
	old, oldIndex := m.snap, m.main.list.index
	next := newHostRead()
	next.rows = len(snap.Namespaces) > keepFullUpTo
	// A chunk being read goes on: under churn, finding the namespaces
	// again every few hundred milliseconds would otherwise drop every
	// chunk before it lands. What it brings is put where its namespaces
	// are now; one gone meanwhile is left out.
	next.asked, next.screen = r.asked, r.screen
	inFlight := map[model.NsKey]bool{}
	for _, k := range slices.Concat(r.asked, r.screen) {
		inFlight[k] = true
	}
	index := make(filterIndex, len(snap.Namespaces))
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if ns.Stale {
			index[i] = searchText(ns)
			continue
		}
		next.pos[ns.Key] = i
		var had *model.Namespace
		if old != nil {
			if p, ok := r.pos[ns.Key]; ok && p < len(old.Namespaces) && old.Namespaces[p].Key == ns.Key {
				had = &old.Namespaces[p]
			}
		}
		if had == nil || r.state[ns.Key] == nsUnread {
			if !inFlight[ns.Key] {
				next.pending[ns.Key] = true
			}
			index[i] = searchText(ns)
			continue
		}
		// Who holds it is discovery's, fresh; what is inside is the read's.
		ns.Links, ns.Routes, ns.Rules, ns.Neighbours = had.Links, had.Routes, had.Rules, had.Neighbours
		ns.NsIDs, ns.Err, ns.Netfilter = had.NsIDs, had.Err, had.Netfilter
		next.state[ns.Key] = r.state[ns.Key]
		// Its search text is the same but for a new display name (another
		// process holding it longest): at ten thousand namespaces making
		// them all again was most of a set change's time.
		if p := r.pos[ns.Key]; p < len(oldIndex) && ns.DisplayName() == had.DisplayName() {
			index[i] = oldIndex[p]
		} else {
			index[i] = searchText(ns)
		}
		if (all || r.pending[ns.Key]) && !inFlight[ns.Key] {
			next.pending[ns.Key] = true
		}
	}
	next.peersLeft = r.peersLeft
	m.hostRead = next
	m.showSnapshot(snap, index)
}

// readNext reads what is next to read, in two lanes: the rows on screen
// (and the namespace shown) not read yet, at once, even while a chunk of
// the rest is read in the background; and that next chunk, once the
// screen's read is done. Update calls it last, so whatever moved the list
// brings its rows in first.
func (m *Model) readNext() tea.Cmd {
	r := &m.hostRead
	if m.snap == nil {
		return nil
	}
	cmds := []tea.Cmd{m.fillShown()}
	if r.screen == nil {
		if keys := m.screenKeys(); len(keys) > 0 {
			r.screen = keys
			cmds = append(cmds, m.read(keys))
		}
	}
	if h := m.snap.Host(); r.asked == nil && (r.screen == nil || h != nil && r.pending[h.Key]) {
		if keys := m.nextChunk(); len(keys) > 0 {
			r.asked = keys
			cmds = append(cmds, m.read(keys))
		}
	}
	return tea.Batch(cmds...)
}

// read reads the namespaces of keys, no longer pending.
func (m *Model) read(keys []model.NsKey) tea.Cmd {
	for _, k := range keys {
		delete(m.hostRead.pending, k)
	}
	ctx, src, snap := m.c.ctx, m.c.Source, m.snap
	return func() tea.Msg {
		nss, err := src.Read(ctx, snap, keys)
		return readMsg{keys, nss, err}
	}
}

// fillShown reads the namespace shown again, whole, when it is kept
// compact: one at a time, as the cursor lands. It is a Reread rather
// than a chunk of one: its peers are resolved against the namespaces
// already read, where a chunk would read the host's links with it.
func (m *Model) fillShown() tea.Cmd {
	r := &m.hostRead
	ns := m.Selected()
	if ns == nil || ns.Stale || r.state[ns.Key] != nsRows || r.filling != (model.NsKey{}) {
		return nil
	}
	cmd := m.rereadPaced(ns.Key)
	if cmd != nil {
		r.filling = ns.Key
	}
	return cmd
}

// filled ends fillShown's reading of key, unless it left the namespace
// compact (an error: then it is not asked for again until another is).
func (m *Model) filled(key model.NsKey) {
	if r := &m.hostRead; r.filling == key && r.state[key] == nsFull {
		r.filling = model.NsKey{}
	}
}

// screenKeys are the namespace shown and the rows on screen not read
// yet, on a host read a chunk at a time.
func (m *Model) screenKeys() []model.NsKey {
	r := &m.hostRead
	if !r.rows {
		return nil
	}
	var keys []model.NsKey
	if ns := m.Selected(); ns != nil && !ns.Stale && !ns.Host && r.pending[ns.Key] {
		keys = append(keys, ns.Key)
	}
	m.main.list.eachOnScreen(func(ns *model.Namespace) {
		if r.pending[ns.Key] && !ns.Host && !slices.Contains(keys, ns.Key) {
			keys = append(keys, ns.Key)
		}
	})
	return keys
}

// nextChunk is the next readChunk namespaces to read, in list order; all
// of them on a host kept whole, in one go.
func (m *Model) nextChunk() []model.NsKey {
	r, nss := &m.hostRead, m.snap.Namespaces
	size := readChunk
	if !r.rows {
		size = len(nss)
	}
	// The host first, alone and beside the rows on screen: most veths
	// of a large host end there, each later read resolves its peers
	// against it, and its thousands of links are the longest read, which
	// the rows do not wait for.
	if h := m.snap.Host(); r.rows && h != nil && r.pending[h.Key] {
		return []model.NsKey{h.Key}
	}
	var keys []model.NsKey
	from := r.next
	for n := 0; n < len(nss) && len(keys) < size && len(r.pending) > len(keys); n++ {
		i := (from + n) % len(nss)
		if k := nss[i].Key; r.pending[k] && !nss[i].Stale {
			keys = append(keys, k)
			r.next = i + 1
		}
	}
	return keys
}

// gotRead puts a chunk of namespaces read in place, compact unless shown
// (on a large host). One asked for and not in the answer is gone.
func (m *Model) gotRead(msg readMsg) tea.Cmd {
	r := &m.hostRead
	switch {
	case r.screen != nil && slices.Equal(msg.keys, r.screen):
		r.screen = nil
	case r.asked != nil && slices.Equal(msg.keys, r.asked):
		r.asked = nil
	default:
		return nil // for no read under way: dropped
	}
	if msg.err != nil {
		if !errors.Is(msg.err, m.c.ctx.Err()) || m.c.ctx.Err() == nil {
			m.c.setStatus("reading namespaces: "+model.Visible(msg.err.Error()), true)
		}
		// Left unread rather than asked for again and again.
		for _, k := range msg.keys {
			delete(r.pending, k)
		}
		return nil
	}
	next := &model.Snapshot{Namespaces: slices.Clone(m.snap.Namespaces), Warnings: m.snap.Warnings}
	index := slices.Clone(m.main.list.index)
	shown := model.NsKey{}
	if ns := m.Selected(); ns != nil {
		shown = ns.Key
	}
	got := make(map[model.NsKey]bool, len(msg.nss))
	var cmds []tea.Cmd
	for i := range msg.nss {
		ns := &msg.nss[i]
		p, ok := r.pos[ns.Key]
		if !ok {
			continue
		}
		got[ns.Key] = true
		state := nsFull
		if r.rows && ns.Key != shown {
			compact(ns)
			state = nsRows
		}
		next.Namespaces[p] = *ns
		index[p] = searchText(&next.Namespaces[p])
		r.state[ns.Key] = state
		if r.rows && unresolvedPeer(ns) {
			r.peersLeft[ns.Key] = true
		}
		// Changed while it was being read: what was read may be older
		// than the change.
		if m.changedWhileLoading[ns.Key] {
			delete(m.changedWhileLoading, ns.Key)
			cmds = append(cmds, m.rereadPaced(ns.Key))
		}
	}
	var gone []model.NsKey
	for _, k := range msg.keys {
		if _, listed := r.pos[k]; listed && !got[k] {
			gone = append(gone, k)
		}
	}
	if len(gone) > 0 {
		next, index = m.without(next, index, gone)
	}
	m.showSnapshot(next, index)
	m.compactIfMany()
	if _, _, reading := r.reading(); !reading {
		cmds = append(cmds, m.readDone()...)
	}
	return tea.Batch(cmds...)
}

// compact lets go of what only the detail pane shows.
func compact(ns *model.Namespace) {
	ns.Routes, ns.Rules, ns.Neighbours, ns.Netfilter = nil, nil, nil, nil
}

// without is snap and its index without the namespaces of keys (gone
// while they were read), the positions made again.
func (m *Model) without(snap *model.Snapshot, index filterIndex, keys []model.NsKey) (*model.Snapshot, filterIndex) {
	r := &m.hostRead
	drop := map[int]bool{}
	for _, k := range keys {
		drop[r.pos[k]] = true
		delete(r.state, k)
	}
	out := &model.Snapshot{Warnings: snap.Warnings}
	idx := make(filterIndex, 0, len(index))
	for i := range snap.Namespaces {
		if !drop[i] {
			out.Namespaces = append(out.Namespaces, snap.Namespaces[i])
			idx = append(idx, index[i])
		}
	}
	clear(r.pos)
	for i := range out.Namespaces {
		if ns := &out.Namespaces[i]; !ns.Stale {
			r.pos[ns.Key] = i
		}
	}
	return out, idx
}

// compactIfMany keeps whole, on a large host, only the namespace shown
// once more than maxFull are: rereads after changes make them whole.
func (m *Model) compactIfMany() {
	r := &m.hostRead
	if !r.rows {
		return
	}
	full := 0
	for _, s := range r.state {
		if s == nsFull {
			full++
		}
	}
	if full <= maxFull {
		return
	}
	shown := m.Selected()
	next := &model.Snapshot{Namespaces: slices.Clone(m.snap.Namespaces), Warnings: m.snap.Warnings}
	for i := range next.Namespaces {
		ns := &next.Namespaces[i]
		if !ns.Stale && r.state[ns.Key] == nsFull && (shown == nil || ns.Key != shown.Key) {
			compact(ns)
			r.state[ns.Key] = nsRows
		}
	}
	m.showSnapshot(next, m.main.list.index)
}

// readDone follows the end of a round of reading: the namespaces whose
// veth peers were in another chunk are read again, now that every
// namespace is there to resolve them against; and without privileges the
// status line says how many could not be read and why.
func (m *Model) readDone() []tea.Cmd {
	var cmds []tea.Cmd
	m.peersFromTheOtherEnd()
	// A peer in a namespace lazyns cannot see stays unresolved however
	// often its namespace is read: a few rereads, not thousands.
	for key := range m.hostRead.peersLeft {
		delete(m.hostRead.peersLeft, key)
		if len(cmds) < maxFull {
			cmds = append(cmds, m.rereadPaced(key))
		}
	}
	if note := m.privilegeNote(); note != "" && m.c.status == "" {
		m.c.setStatus(note, true)
	}
	return cmds
}

// peersFromTheOtherEnd names the peers left unresolved (peersLeft) from
// the other end of each veth, where that end was read in another chunk
// and names this one: the host, read with the first chunk, learns most
// of its peers so, without being read again (at ten thousand namespaces
// a read of its sixteen thousand links and opening every namespace).
func (m *Model) peersFromTheOtherEnd() {
	r := &m.hostRead
	if len(r.peersLeft) == 0 {
		return
	}
	type end struct {
		ns    model.NsKey
		index int
	}
	back := map[end]model.PeerRef{}
	for i := range m.snap.Namespaces {
		ns := &m.snap.Namespaces[i]
		for j := range ns.Links {
			if l := &ns.Links[j]; l.Peer != nil && l.Peer.Ns != (model.NsKey{}) && l.Peer.Ns != ns.Key {
				back[end{l.Peer.Ns, l.Peer.Index}] = model.PeerRef{Ns: ns.Key, Index: l.Index, Name: l.Name, NsName: ns.DisplayName()}
			}
		}
	}
	var next *model.Snapshot
	for key := range r.peersLeft {
		p, ok := r.pos[key]
		if !ok {
			delete(r.peersLeft, key)
			continue
		}
		var links []model.Link
		for j, l := range m.snap.Namespaces[p].Links {
			ref, ok := back[end{key, l.Index}]
			if !ok || !unresolved(&l) || peerIndex(&l) != ref.Index {
				continue
			}
			if links == nil {
				links = slices.Clone(m.snap.Namespaces[p].Links)
			}
			links[j].Peer = &ref
		}
		if links == nil {
			continue
		}
		if next == nil {
			next = &model.Snapshot{Namespaces: slices.Clone(m.snap.Namespaces), Warnings: m.snap.Warnings}
		}
		next.Namespaces[p].Links = links
		if !unresolvedPeer(&next.Namespaces[p]) {
			delete(r.peersLeft, key)
		}
	}
	if next != nil {
		m.showSnapshot(next, m.main.list.index)
	}
}

// peerIndex is a veth's peer's index in the peer's namespace: the kernel
// leaves IFLA_LINK out when it equals the link's own.
func peerIndex(l *model.Link) int {
	if l.HasParent && l.ParentIndex != 0 {
		return l.ParentIndex
	}
	return l.Index
}

// unresolved reports whether l is a veth whose peer's namespace its read
// could not name.
func unresolved(l *model.Link) bool {
	return l.Peer != nil && l.NetNsID != model.NoNsID && l.Peer.Ns == (model.NsKey{})
}

// unresolvedPeer reports whether a veth of ns points at a namespace its
// read could not name.
func unresolvedPeer(ns *model.Namespace) bool {
	return slices.ContainsFunc(ns.Links, func(l model.Link) bool { return unresolved(&l) })
}

// privilegeNote is what the commands print when namespaces were refused
// for want of privileges (host.PrivilegeNote), or "".
func (m *Model) privilegeNote() string {
	if m.c.opt.Unprivileged == "" {
		return ""
	}
	denied := 0
	for i := range m.snap.Namespaces {
		if errors.Is(m.snap.Namespaces[i].Err, model.ErrPermission) {
			denied++
		}
	}
	switch denied {
	case 0:
		return ""
	case 1:
		return "1 namespace could not be read: " + m.c.opt.Unprivileged
	}
	return fmt.Sprintf("%d namespaces could not be read: %s", denied, m.c.opt.Unprivileged)
}
