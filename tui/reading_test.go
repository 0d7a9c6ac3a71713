package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// bigHarness is the UI over n OpenStack-like fake namespaces at 120×40,
// whose reads wait while block is open (nil: they do not).
func bigHarness(t *testing.T, n int, block chan struct{}) *harness {
	t.Helper()
	src := newFakeSource(bigSnapshot(n))
	src.block = block
	m := New(Deps{Source: src}, Options{Hostname: "vm", Refresh: -1})
	t.Cleanup(m.Close)
	h := &harness{t: t, m: m, src: src}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	if block != nil {
		h.send(m.discover()())
		return h
	}
	h.readAll()
	return h
}

// readAll finds the namespaces and reads every chunk the UI asks for, in
// this goroutine (the harness gives a command 50 ms, which a loaded
// machine may not give the fake's reads); what the last read asks for
// after it (rereads) is run by the harness.
func (h *harness) readAll() {
	if _, _, reading := h.m.hostRead.reading(); !reading {
		h.m.Update(h.m.discover()()) // the first read's command is run below
	}
	src := h.m.c.Source
	for {
		r := &h.m.hostRead
		keys := r.screen
		if keys == nil {
			keys = r.asked
		}
		if keys == nil {
			return
		}
		nss, err := src.Read(h.m.c.ctx, h.m.Snapshot(), keys)
		_, cmd := h.m.Update(readMsg{keys, nss, err})
		if r.asked == nil && r.screen == nil {
			h.settle(cmd)
		}
	}
}

// Issue 18: the list of ten thousand namespaces is on screen before any
// namespace is read — here none ever is — with the reading counted in
// the header and the rows saying they are not read yet.
func TestNamesFirst(t *testing.T) {
	block := make(chan struct{})
	h := bigHarness(t, 10000, block)
	scr := h.screen()
	if n := h.src.count("read"); n != 0 {
		t.Fatalf("%d namespaces read with every read blocked", n)
	}
	if !strings.Contains(scr, "10001 namespaces  ·  reading 0/10001") {
		t.Errorf("the header does not count the reading:\n%s", scr)
	}
	lines := strings.Split(scr, "\n")
	all := bigSnapshot(10000).Namespaces
	want := all[:36] // the rows of a 40-line screen
	for i, ns := range want {
		row := lines[2+i]
		name := ns.DisplayName()
		if !strings.Contains(row, name[:min(len(name), 30)]) || !strings.Contains(row, "…") {
			t.Errorf("row %d is not %s, unread:\n%s", i, name, row)
		}
	}
	if !strings.Contains(scr, "reading…") {
		t.Errorf("the detail pane does not say it is reading:\n%s", scr)
	}
	// The list moves, and filters by name, while nothing is read.
	h.keys("G")
	if got := h.selected(); got != all[10000].Name {
		t.Errorf("G selected %q", got)
	}
	h.keys("/", "5d524d2f270f", "enter")
	if !strings.Contains(h.screen(), "NAMESPACES  1/10001 so far") {
		t.Errorf("a filter while reading does not say its matches may grow:\n%s", h.screen())
	}
	h.keys("esc", "/", "10.0.0.1", "enter")
	if h.m.main.list.filter.Value() != "10.0.0.1" || !strings.Contains(h.screen(), "nothing matches yet") {
		t.Errorf("an address no namespace read so far has:\n%s", h.screen())
	}
}

// unblock lets the fake's reads go, waits for the blocked reads under
// way (the screen's and the host's) to count their namespaces, and
// delivers their answers as read from snap (the harness gave up waiting
// for them).
func (h *harness) unblock(block chan struct{}, snap *model.Snapshot) {
	lanes := [][]model.NsKey{h.m.hostRead.screen, h.m.hostRead.asked}
	h.src.mu.Lock()
	h.src.block = nil
	h.src.mu.Unlock()
	close(block)
	for h.src.count("read") < len(lanes[0])+len(lanes[1]) {
		time.Sleep(time.Millisecond)
	}
	for _, keys := range lanes {
		h.m.Update(answer(keys, snap))
	}
}

// answer is the read of keys, as snap has them.
func answer(keys []model.NsKey, snap *model.Snapshot) readMsg {
	msg := readMsg{keys: keys}
	for _, k := range keys {
		if ns := snap.Find(k); ns != nil {
			msg.nss = append(msg.nss, *ns)
		}
	}
	return msg
}

// The rows on screen and the namespace shown are read first, then the
// rest a chunk at a time; off screen a large host keeps compact rows.
func TestReadScreenFirstThenCompact(t *testing.T) {
	block := make(chan struct{})
	h := bigHarness(t, 3000, block)
	first, host := h.m.hostRead.screen, h.m.hostRead.asked
	if len(first) != 35 || slices.Contains(first, kHost) || !slices.Equal(host, []model.NsKey{kHost}) {
		t.Fatalf("the first reads ask for %d namespaces and %v; want the 35 rows on screen besides the host", len(first), host)
	}
	// The blocked reads end; the rest is read here.
	h.unblock(block, h.src.snap)
	h.readAll()
	if _, _, reading := h.m.hostRead.reading(); reading {
		t.Fatal("the reading never ended")
	}
	if n := h.src.count("read"); n != 3001 {
		t.Errorf("%d namespaces read for 3001", n)
	}
	snap := h.m.Snapshot()
	shown := h.m.Selected()
	if shown.Key != kHost || h.m.hostRead.of(shown) != nsFull {
		t.Errorf("the namespace shown, %s, is not whole", shown.DisplayName())
	}
	far := &snap.Namespaces[2500]
	if far.Routes != nil || len(far.Links) != 3 || h.m.hostRead.of(far) != nsRows {
		t.Errorf("a namespace off screen keeps %d routes, %d links", len(far.Routes), len(far.Links))
	}
	if !strings.Contains(h.screen(), "3 ifs") || strings.Contains(h.screen(), "reading") {
		t.Errorf("the rows are not read:\n%s", h.screen())
	}
	// Its addresses are searched though its routes are let go; shown,
	// it is read whole again, and its routes come on screen.
	h.keys("/", far.Links[1].Addrs[0].CIDR(), "enter")
	if h.selected() != far.Name {
		t.Fatalf("filter by the address of a compact row selected %q", h.selected())
	}
	h.keys("tab", "3")
	if h.src.count("Reread") != 1 || h.m.hostRead.of(h.m.Selected()) != nsFull {
		t.Fatalf("the namespace selected was not read whole again (%d rereads)", h.src.count("Reread"))
	}
	if !strings.Contains(h.screen(), "default") || !strings.Contains(h.screen(), "172.16.0.1") {
		t.Errorf("its routes are not shown:\n%s", h.screen())
	}
}

// Moving through compact rows reads the one shown whole, one at a time:
// the cursor passing over others while it is read asks for none of them,
// and the one it stops on is read when that read ends. A namespace whose
// whole read matches its compact row (nothing but links) is whole too.
func TestFillShownOneAtATime(t *testing.T) {
	h := bigHarness(t, 3000, nil)
	cmd := h.m.readNext()
	if cmd != nil || h.m.hostRead.filling != (model.NsKey{}) {
		t.Fatal("the namespace shown (the host) is whole, yet read again")
	}
	_, first := h.m.Update(press("j"))
	filling := h.m.hostRead.filling
	if first == nil || filling != h.m.Selected().Key {
		t.Fatalf("the compact row selected is not read whole: %v", filling)
	}
	for range 5 {
		h.m.Update(press("j"))
	}
	if h.m.hostRead.filling != filling || len(h.m.rereading) != 1 {
		t.Fatalf("moving on started %d reads", len(h.m.rereading))
	}
	h.settle(first)
	shown := h.m.Selected()
	if h.m.hostRead.of(shown) != nsFull || h.src.count("Reread") != 2 {
		t.Errorf("the namespace the cursor stopped on was not read after (%d rereads)", h.src.count("Reread"))
	}
	// Nothing but links: its whole read is its compact row.
	bare := *h.m.Snapshot().Find(h.m.Snapshot().Namespaces[1500].Key)
	h.src.mu.Lock()
	h.src.reread[bare.Key] = &bare
	h.src.mu.Unlock()
	h.keys("/", bare.Name, "enter", "tab", "3")
	if h.m.hostRead.of(h.m.Selected()) != nsFull || strings.Contains(h.screen(), "reading…") {
		t.Errorf("a namespace without routes stays 'reading…':\n%s", h.screen())
	}
}

// Issue 18: a change of the set of namespaces reads only the namespaces
// that appeared; one that vanished is dropped, nothing read again.
func TestSetChangeReadsOnlyNew(t *testing.T) {
	h := bigHarness(t, 3000, nil)
	if _, _, reading := h.m.hostRead.reading(); reading {
		t.Fatal("the reading never ended")
	}
	reads := h.src.count("read")
	h.src.mu.Lock()
	next := bigSnapshot(3000)
	gone := next.Namespaces[1500]
	next.Namespaces = append(next.Namespaces[:1500], next.Namespaces[1501:]...)
	added := model.Namespace{Key: model.NsKey{Dev: 4, Ino: 99}, Name: "qrouter-aaaa-new", Links: []model.Link{lo()}}
	next.Namespaces = append(next.Namespaces, added)
	next.Sort()
	h.src.snap = next
	h.src.mu.Unlock()
	// The discovery the change asks for, answered here however loaded
	// the machine (the harness waits 50 ms for a command).
	if _, cmd := h.m.Update(changeMsg{model.Change{Namespaces: true}}); cmd == nil || !h.m.loading {
		t.Fatal("a change of the set of namespaces asked for no discovery")
	}
	h.m.Update(h.m.discover()())
	h.readAll()
	if n := h.src.count("read") - reads; n != 1 || h.src.readKeys[added.Key] != 1 {
		t.Errorf("%d namespaces read after one appeared (the new one %d times)", n, h.src.readKeys[added.Key])
	}
	snap := h.m.Snapshot()
	if snap.Find(gone.Key) != nil || snap.Find(added.Key) == nil || len(snap.Namespaces) != 3001 {
		t.Errorf("%d namespaces; the vanished one listed: %v, the new one: %v",
			len(snap.Namespaces), snap.Find(gone.Key) != nil, snap.Find(added.Key) != nil)
	}
	if kept := snap.Find(bigSnapshot(3000).Namespaces[1000].Key); len(kept.Links) != 3 || h.m.hostRead.of(kept) == nsUnread {
		t.Errorf("a namespace already read lost what was read of it: %d links", len(kept.Links))
	}
	if !strings.Contains(h.screen(), "3001 namespaces") || strings.Contains(h.screen(), "reading") {
		t.Errorf("header after the change:\n%s", h.screen())
	}
}

// A veth whose peer is in a chunk not read yet is read again once every
// namespace is, and its peer is then named.
func TestPeersAcrossChunksReadAgain(t *testing.T) {
	snap := bigSnapshot(3000)
	a, b := &snap.Namespaces[10], &snap.Namespaces[1400]
	la, lb := a.Link(2), b.Link(2)
	la.NetNsID, lb.NetNsID = 7, 8
	// As read in separate chunks: the peer known by its nsid only.
	la.Peer = &model.PeerRef{Index: 2, NsName: "nsid 7"}
	lb.Peer = &model.PeerRef{Index: 2, NsName: "nsid 8"}
	src := newFakeSource(snap)
	resolved := *a
	resolved.Links = append([]model.Link(nil), a.Links...)
	resolved.Links[1].Peer = &model.PeerRef{Ns: b.Key, Index: 2, Name: lb.Name, NsName: b.Name}
	src.reread[a.Key] = &resolved
	m := New(Deps{Source: src}, Options{Hostname: "vm", Refresh: -1})
	t.Cleanup(m.Close)
	h := &harness{t: t, m: m, src: src}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.readAll()
	if src.count("Reread") != 2 {
		t.Errorf("%d rereads; want the two namespaces with a peer unresolved", src.count("Reread"))
	}
	if p := m.Snapshot().Find(a.Key).Link(2).Peer; p.Ns != b.Key {
		t.Errorf("the peer is still %+v", p)
	}
	if src.count("read") != 3001 {
		t.Errorf("%d namespaces read", src.count("read"))
	}
}

// A small host is read in one go and kept whole, as before names first.
func TestSmallHostReadInOneGo(t *testing.T) {
	h := newHarness(t, Options{})
	if n := h.src.count("Read"); n != 1 {
		t.Errorf("%d reads for 8 namespaces", n)
	}
	for i := range h.m.Snapshot().Namespaces {
		if ns := &h.m.Snapshot().Namespaces[i]; h.m.hostRead.of(ns) != nsFull {
			t.Errorf("%s is not whole", ns.DisplayName())
		}
	}
	if got := fmt.Sprint(h.m.Snapshot().Find(kRouter).Routes[0].Gateway); got != "172.24.4.1" {
		t.Errorf("the router's first route: %s", got)
	}
}

// Namespaces found again while a chunk is read (churn) leave the chunk
// under way: it lands where its namespaces are now, one of it gone
// meanwhile is left out, and nothing is read twice.
func TestDiscoveryDuringReadKeepsChunk(t *testing.T) {
	block := make(chan struct{})
	h := bigHarness(t, 3000, block)
	first := h.m.hostRead.screen
	old := h.src.snap
	h.src.mu.Lock()
	next := bigSnapshot(3000)
	vanished := next.Namespaces[5] // on screen: in the chunk under way
	next.Namespaces = append(next.Namespaces[:5], next.Namespaces[6:]...)
	added := model.Namespace{Key: model.NsKey{Dev: 4, Ino: 99}, Name: "aaa-new", Links: []model.Link{lo()}}
	next.Namespaces = append(next.Namespaces, added)
	next.Sort()
	h.src.snap = next
	h.src.mu.Unlock()
	h.m.Update(changeMsg{model.Change{Namespaces: true}})
	h.m.Update(h.m.discover()())
	if len(h.m.hostRead.screen) != len(first) {
		t.Fatalf("the read under way was dropped: %d asked", len(h.m.hostRead.screen))
	}
	h.unblock(block, old) // read before one vanished
	h.readAll()
	snap := h.m.Snapshot()
	if len(snap.Namespaces) != 3001 || snap.Find(vanished.Key) != nil || snap.Host() == nil || snap.Find(added.Key) == nil {
		t.Errorf("%d namespaces; vanished listed %v, host %v, new %v", len(snap.Namespaces),
			snap.Find(vanished.Key) != nil, snap.Host() != nil, snap.Find(added.Key) != nil)
	}
	for k, n := range h.src.readKeys {
		if n != 1 {
			t.Errorf("%v read %d times", k, n)
		}
	}
	for i := range snap.Namespaces {
		if h.m.Unread(&snap.Namespaces[i]) {
			t.Fatalf("%s left unread", snap.Namespaces[i].DisplayName())
		}
	}
}

// The topology opened while namespaces are being read says how many of
// them its wiring covers.
func TestTopologyWhileReading(t *testing.T) {
	h := bigHarness(t, 3000, make(chan struct{}))
	h.keys("t")
	if !strings.Contains(h.screen(), "TOPOLOGY  3001 namespaces, 0 read so far") {
		t.Errorf("the topology does not say it is incomplete:\n%s", h.screen())
	}
}

// The host, read with the first chunk, learns the peers of its veths
// from their other ends as they are read in later chunks: it is not
// read again for them.
func TestHostPeersFromTheOtherEnd(t *testing.T) {
	snap := bigSnapshot(3000)
	far := &snap.Namespaces[1400]
	tap := link(10, "tap-far", "veth", "fe:16:3e:00:00:10")
	tap.NetNsID, tap.HasParent, tap.ParentIndex = 5, true, 2
	tap.Peer = &model.PeerRef{Index: 2, NsName: "nsid 5"} // as the host's chunk read it
	snap.Namespaces[0].Links = append(snap.Namespaces[0].Links, tap)
	far.Link(2).Peer = &model.PeerRef{Ns: kHost, Index: 10, Name: "tap-far", NsName: "host"}
	src := newFakeSource(snap)
	m := New(Deps{Source: src}, Options{Hostname: "vm", Refresh: -1})
	t.Cleanup(m.Close)
	h := &harness{t: t, m: m, src: src}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.readAll()
	p := m.Snapshot().Host().Link(10).Peer
	if p.Ns != far.Key || p.Name != far.Link(2).Name || p.NsName != far.Name {
		t.Errorf("the host's veth points at %+v", p)
	}
	if n := src.count("Reread"); n != 0 {
		t.Errorf("%d rereads", n)
	}
	if !strings.Contains(h.screen(), far.Name[:20]) {
		t.Errorf("the Links tab of the host does not name the peer's namespace:\n%s", h.screen())
	}
}

// Rows scrolled to while a chunk of the rest is being read are read at
// once, beside it, not after it.
func TestScreenReadBesideChunk(t *testing.T) {
	h := bigHarness(t, 3000, make(chan struct{}))
	first := h.m.hostRead.screen
	h.m.Update(answer(first, h.src.snap))
	h.m.Update(answer(h.m.hostRead.asked, h.src.snap)) // the host
	r := &h.m.hostRead
	if len(r.asked) != readChunk || r.screen != nil {
		t.Fatalf("after the screen, a chunk of %d is read (screen %d)", len(r.asked), len(r.screen))
	}
	h.m.Update(press("G"))
	var rows []model.NsKey
	h.m.main.list.eachOnScreen(func(ns *model.Namespace) { rows = append(rows, ns.Key) })
	if len(r.asked) != readChunk || len(r.screen) != len(rows) || !slices.Contains(r.screen, rows[len(rows)-1]) {
		t.Errorf("the rows at the end wait for the chunk: screen %d of %d rows, chunk %d", len(r.screen), len(rows), len(r.asked))
	}
	if done, total, _ := r.reading(); done != len(first)+1 || total != 3001 {
		t.Errorf("progress %d/%d", done, total)
	}
}

// A change in the namespace shown while it is being made whole is read
// right after, not a pause later as a storm of changes would be: a link
// set down showed only after more than a second on a loaded host.
func TestChangeDuringFillReadAtOnce(t *testing.T) {
	h := bigHarness(t, 3000, nil)
	_, fill := h.m.Update(press("j"))
	key := h.m.hostRead.filling
	if fill == nil || key == (model.NsKey{}) {
		t.Fatal("the compact row selected is not being made whole")
	}
	h.m.Update(changeMsg{model.Change{Ns: key}})
	if !h.m.rereadAgain[key] {
		t.Fatal("the change during the fill asked for nothing more")
	}
	var paced tea.Msg
	for _, c := range fill().(tea.BatchMsg) {
		if c == nil {
			continue
		}
		if msg, ok := c().(pacedMsg); ok {
			paced = msg
		}
	}
	if paced == nil {
		t.Fatal("the fill read nothing")
	}
	before := h.src.count("Reread")
	// The harness runs what answers within 50 ms: a tick would not.
	h.send(paced)
	if n := h.src.count("Reread") - before; n != 1 {
		t.Errorf("%d reads at once after the fill; want the change's", n)
	}
}
