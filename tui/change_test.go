package tui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// changeModel is the explorer over the fake snapshot with a fake Changer,
// driven by direct Update calls.
func changeModel(t *testing.T, opt Options) (*Model, *fakeChanger) {
	m, fc, _ := changeModelSource(t, opt)
	return m, fc
}

func changeModelSource(t *testing.T, opt Options) (*Model, *fakeChanger, *fakeSource) {
	t.Helper()
	src := newFakeSource(fakeSnapshot())
	opt.Hostname, opt.NoColor, opt.Theme = "vm", true, "dark"
	fc := &fakeChanger{}
	m := New(Deps{Source: src, Changer: fc}, opt)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(readHost(src.snap))
	return m, fc, src
}

// formKey is press with the keys the forms need besides.
func formKey(k string) tea.KeyPressMsg {
	switch k {
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	return press(k)
}

// send presses keys and returns the command of the last.
func send(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(formKey(k))
	}
	return cmd
}

func typeIn(m *Model, s string) {
	for _, r := range s {
		m.Update(formKey(string(r)))
	}
}

// finish runs the command a submitted form returned and hands its
// answer back to the model.
func finish(t *testing.T, m *Model, cmd tea.Cmd) changeDoneMsg {
	t.Helper()
	if cmd == nil {
		t.Fatalf("no change started; dialog error %q, status %q", dialogErr(m), m.c.status)
	}
	done, ok := cmd().(changeDoneMsg)
	if !ok {
		t.Fatalf("the command did not run a change")
	}
	m.Update(done)
	return done
}

func dialogErr(m *Model) string {
	if m.dialog == nil {
		return ""
	}
	return m.dialog.err
}

func wantCalls(t *testing.T, fc *fakeChanger, want ...string) {
	t.Helper()
	got := fc.recorded()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The fake snapshot's list: host, blue, evil, qdhcp, qrouter,
// docker 3f2a9c1b7d0e, pid 1234, ghost. The host's links: lo, eth0, br-ex,
// br-int, tap76….

func TestFormsCallTheChanger(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		typ  string // typed after the keys, before enter
		want string
	}{
		{"new netns", []string{"n"}, "", "AddNetns {Name:ns0}"},
		{"new netns named", []string{"n", "ctrl+u"}, "red", "AddNetns {Name:red}"},
		{"delete netns", []string{"j", "D"}, "", "DeleteNetns {Name:blue}"},
		{"delete stale name", []string{"G", "D"}, "", "DeleteNetns {Name:ghost}"},
		// A pair joins two namespaces: the peer starts in another one than
		// the first end, the next from the host, the host from any other.
		{"veth defaults", []string{"v"}, "", "VethInto {Ns: Name:veth0 Bridge: Addr: PeerNs:blue PeerName:veth1 PeerAddr:}"},
		{"veth from blue", []string{"j", "v"}, "", "VethInto {Ns:blue Name:veth0 Bridge: Addr: PeerNs: PeerName:veth1 PeerAddr:}"},
		{"veth from qdhcp", []string{"j", "j", "j", "v"}, "",
			"VethInto {Ns:" + dhcpName + " Name:veth0 Bridge: Addr: PeerNs: PeerName:veth1 PeerAddr:}"},
		{"veth from an unnamed one", []string{"j", "j", "j", "j", "j", "v"}, "",
			"VethInto {Ns: Name:veth0 Bridge: Addr: PeerNs:blue PeerName:veth1 PeerAddr:}"},
		{"veth into evil", []string{"v", "tab", "tab", "br-ex", "tab", "tab", "tab", "right", "tab"}, "10.0.1.2/24",
			"VethInto {Ns: Name:veth0 Bridge:br-ex Addr: PeerNs:evil\x1b[31mred\a\u202e PeerName:veth1 PeerAddr:10.0.1.2/24}"},
		{"bridge in blue", []string{"j", "b"}, "", "AddBridge {Ns:blue Name:br0}"},
		{"attach", []string{"tab", "j", "j", "j", "j", "m", "right"}, "", "SetMaster {Ns: Link:tap76de6d23-a8 Bridge:br-int}"},
		{"detach", []string{"tab", "j", "j", "j", "j", "M"}, "", "SetNoMaster {Ns: Name:tap76de6d23-a8}"},
		{"down", []string{"tab", "j", "u"}, "", "SetLinkState {Ns: Name:eth0 Up:false}"},
		{"address", []string{"tab", "j", "a"}, "10.0.1.1/24", "AddAddr {Ns: Dev:eth0 CIDR:10.0.1.1/24}"},
		{"route", []string{"tab", "j", "r"}, "10.0.2.0/24", "AddRoute {Ns: Dst:10.0.2.0/24 Gateway: Dev:eth0 Table:0 Metric:0}"},
		{"route via", []string{"r", "default", "tab"}, "10.0.1.254",
			"AddRoute {Ns: Dst:default Gateway:10.0.1.254 Dev: Table:0 Metric:0}"},
		{"route table metric", []string{"tab", "j", "r", "10.9.0.0/16", "tab", "tab", "tab", "16", "tab"}, "5",
			"AddRoute {Ns: Dst:10.9.0.0/16 Gateway: Dev:eth0 Table:16 Metric:5}"},
		{"move", []string{"tab", "j", "N", "right"}, "", "MoveLink {Ns: Name:eth0 ToNs:evil\x1b[31mred\a\u202e}"},
		{"delete link", []string{"tab", "j", "d"}, "", "DeleteLink {Ns: Name:eth0}"},
		{"delete address", []string{"2", "tab", "j", "d"}, "", "DeleteAddr {Ns: Dev:eth0 CIDR:192.168.122.10/24}"},
		{"delete route", []string{"3", "tab", "d"}, "", "DeleteRoute {Ns: Dst:default Gateway:192.168.122.1 Dev:eth0 Table:0 Metric:0}"},
		{"delete route in table 16", []string{"j", "j", "j", "j", "3", "tab", "j", "j", "d"}, "",
			"DeleteRoute {Ns:qrouter-e945b6b1-54be-49ef-95ed-5d524d2f3616 Dst:default Gateway:10.0.0.254 Dev:qr-76de6d23-a8 Table:16 Metric:0}"},
	}
	direct := map[string]bool{"detach": true, "down": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fc := changeModel(t, Options{})
			keys := c.keys
			if direct[c.name] {
				keys = keys[:len(keys)-1]
			}
			for _, k := range keys {
				if len(k) > 1 && k != "tab" && k != "right" && k != "ctrl+u" {
					typeIn(m, k)
					continue
				}
				send(m, k)
			}
			var done changeDoneMsg
			if direct[c.name] {
				// Detach and up/down act at once, without a form.
				if m.dialog != nil {
					t.Fatal("a dialog opened")
				}
				cmd := send(m, c.keys[len(c.keys)-1])
				if len(fc.recorded()) != 0 {
					t.Fatal("the change ran in Update, not in a command")
				}
				done = finish(t, m, cmd)
			} else {
				if m.dialog == nil {
					t.Fatalf("no dialog; status %q", m.c.status)
				}
				typeIn(m, c.typ)
				cmd := send(m, "enter")
				if len(fc.recorded()) != 0 {
					t.Fatal("the change ran in Update, not in a command")
				}
				done = finish(t, m, cmd)
			}
			wantCalls(t, fc, c.want)
			if done.err != nil || !strings.Contains(m.c.status, "✓ done") || !strings.HasPrefix(m.c.status, "$ ") {
				t.Fatalf("status %q", m.c.status)
			}
			if m.History().Len() != 1 {
				t.Fatalf("history holds %d changes, want 1", m.History().Len())
			}
		})
	}
}

func TestInvalidFormCallsNothing(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		typ  string
		msg  string
	}{
		{"netns slash", []string{"n", "ctrl+u"}, "a/b", "name: a namespace name cannot contain '/'"},
		{"netns taken", []string{"n", "ctrl+u"}, "blue", "name: a namespace named blue already exists"},
		{"veth name taken", []string{"v", "ctrl+u"}, "eth0", "name: a link named eth0 already exists in host"},
		{"veth name too long", []string{"v", "ctrl+u"}, "abcdefghijklmnop", "at most 15"},
		{"veth bridge not a bridge", []string{"v", "tab", "tab"}, "eth0", "bridge: eth0 in host is not a bridge"},
		{"veth bad address", []string{"v", "tab", "tab", "tab"}, "10.0.1.1", "address: \"10.0.1.1\" has no prefix length"},
		{"bridge taken", []string{"b", "ctrl+u"}, "br-ex", "a link named br-ex already exists in host"},
		{"address", []string{"tab", "j", "a"}, "10.0.1.300/24", "is not an address with a prefix length"},
		{"address there", []string{"tab", "j", "a"}, "192.168.122.10/24", "address: 192.168.122.10/24 is already on eth0"},
		{"route nothing", []string{"r"}, "default", "gateway: give a gateway, a device, or both"},
		{"route host bits", []string{"tab", "j", "r"}, "10.0.2.1/24", "has host bits set"},
		{"route table", []string{"tab", "j", "r", "default", "tab", "tab", "tab"}, "x", "table: \"x\" is not a table"},
		{"move name taken", []string{"tab", "N"}, "", "to namespace: a link named lo already exists in blue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fc := changeModel(t, Options{})
			for _, k := range c.keys {
				if len(k) > 1 && k != "tab" && k != "right" && k != "ctrl+u" {
					typeIn(m, k)
					continue
				}
				send(m, k)
			}
			typeIn(m, c.typ)
			if cmd := send(m, "enter"); cmd != nil {
				t.Fatalf("a command was started")
			}
			if m.dialog == nil || !strings.Contains(m.dialog.err, c.msg) {
				t.Fatalf("dialog error %q, want %q", dialogErr(m), c.msg)
			}
			wantCalls(t, fc)
		})
	}
}

// Keys that cannot act say why in the status line and open nothing.
func TestChangeKeysSayWhyNot(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		msg  string
	}{
		{"delete host", []string{"D"}, "the host's own namespace cannot be deleted"},
		{"bridge in unnamed", []string{"j", "j", "j", "j", "j", "b"}, "has no name under the netns directory"},
		{"address in stale", []string{"G", "a"}, "is stale"},
		{"detach unattached", []string{"tab", "j", "M"}, "eth0 is not a port of a bridge"},
		{"attach without bridges", []string{"j", "tab", "m"}, "no bridge in blue"},
		{"delete lo", []string{"tab", "d"}, "lo cannot be deleted"},
		{"delete on the local rule", []string{"5", "d"}, "delete rule: the kernel's own rule for table 255"},
		{"delete on sockets", []string{"6", "d"}, "open the Links, Addresses, Routes, Rules or Firewall tab"},
		{"up without a link", []string{"5", "u"}, "select a link first"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fc := changeModel(t, Options{})
			send(m, c.keys...)
			if m.dialog != nil || !strings.Contains(m.c.status, c.msg) {
				t.Fatalf("dialog %v, status %q, want %q", m.dialog != nil, m.c.status, c.msg)
			}
			wantCalls(t, fc)
		})
	}
}

func TestReadOnlyChangesNothing(t *testing.T) {
	m, fc := changeModel(t, Options{ReadOnly: true})
	for _, k := range []string{"n", "D", "v", "b", "m", "M", "u", "a", "r", "N", "d"} {
		for _, pre := range [][]string{nil, {"tab", "j"}} {
			send(m, pre...)
			if cmd := send(m, k); cmd != nil {
				t.Fatalf("%s started a command", k)
			}
			if m.dialog != nil || !strings.Contains(m.c.status, "read-only") {
				t.Fatalf("%s: dialog %v, status %q", k, m.dialog != nil, m.c.status)
			}
			send(m, "tab")
		}
	}
	wantCalls(t, fc)
	send(m, "H")
	if _, ok := m.pane.(*historyPane); !ok {
		t.Fatal("H does not open the history when read-only")
	}
}

func TestFailedChangeSaysWhyAndIsNotRecorded(t *testing.T) {
	m, fc := changeModel(t, Options{})
	fc.err = errors.New("a link named veth0 already exists in blue")
	send(m, "v")
	finish(t, m, send(m, "enter"))
	if !m.c.statusErr || !strings.Contains(m.c.status, "✗ a link named veth0 already exists in blue") ||
		!strings.HasPrefix(m.c.status, "$ ip link add name veth0 type veth") {
		t.Fatalf("status %q (error %v)", m.c.status, m.c.statusErr)
	}
	if m.History().Len() != 0 {
		t.Fatal("a failed change went into the history")
	}
}

func TestHistoryWritesTheScript(t *testing.T) {
	m, _ := changeModel(t, Options{})
	send(m, "tab", "j")
	finish(t, m, send(m, "u"))
	send(m, "H")
	p, ok := m.pane.(*historyPane)
	if !ok || !strings.Contains(strings.Join(p.lines, "\n"), "ip link set dev eth0 down") {
		t.Fatalf("history pane %v", m.pane)
	}
	path := filepath.Join(t.TempDir(), "replay.sh")
	send(m, "w", "ctrl+u")
	typeIn(m, path)
	cmd := send(m, "enter")
	m.Update(cmd())
	if !strings.Contains(m.c.status, "wrote 1 change to "+path) {
		t.Fatalf("status %q", m.c.status)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("script %v, %v", st, err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != m.History().Script() || !strings.Contains(string(b), "\nip link set dev eth0 down\n") {
		t.Fatalf("script:\n%s", b)
	}
	// A second write asks before replacing it.
	send(m, "w", "ctrl+u")
	typeIn(m, path)
	m.Update(send(m, "enter")())
	if m.dialog == nil || !strings.Contains(m.dialog.Title, "Replace") {
		t.Fatalf("no question before replacing; status %q", m.c.status)
	}
	m.Update(send(m, "y")())
	if !strings.Contains(m.c.status, "wrote 1 change") {
		t.Fatalf("status %q", m.c.status)
	}
}

// A choice far along a long list stays in sight.
func TestChoiceStaysInSight(t *testing.T) {
	m, _ := changeModel(t, Options{})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	send(m, "tab", "j", "N", "right", "right", "right")
	box := m.dialog.render(&m.c.st)
	if !strings.Contains(box, "‹qrouter-e945") || !strings.Contains(box, "…") {
		t.Fatalf("the chosen namespace is out of sight:\n%s", box)
	}
}

// After a change the view reads again what it touched: the namespace, or
// the whole host when namespaces come or go.
func TestChangeReadsAgain(t *testing.T) {
	run := func(cmd tea.Cmd) []tea.Msg {
		if cmd == nil {
			return nil
		}
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range b {
				if c != nil {
					out = append(out, c())
				}
			}
			return out
		}
		return []tea.Msg{msg}
	}
	m, _, src := changeModelSource(t, Options{})
	send(m, "j", "b")
	// The change's own command reads blue again before it reports, so the
	// snapshot is current by the time "done" shows.
	done, _ := send(m, "enter")().(changeDoneMsg)
	if src.count("Reread") != 1 || len(done.fresh) != 1 || done.fresh[0].key != kBlue {
		t.Fatalf("after a bridge in blue: %d rereads, fresh %v", src.count("Reread"), done.fresh)
	}
	_, cmd := m.Update(done)
	run(cmd)
	if src.count("Reread") != 1 || !strings.Contains(m.c.status, "done") {
		t.Fatalf("read again %d times; status %q", src.count("Reread"), m.c.status)
	}
	before := src.count("Discover")
	send(m, "n")
	done, _ = send(m, "enter")().(changeDoneMsg)
	_, cmd = m.Update(done)
	run(cmd)
	if src.count("Discover") != before+1 {
		t.Fatal("a new namespace did not read the host again")
	}
}

// Hostile names stay inert in a confirmation, the status line and the
// history, and reach the Changer as the exact bytes.
func TestHostileNamesInChanges(t *testing.T) {
	m, fc := changeModel(t, Options{})
	send(m, "j", "j", "tab", "j", "d")
	if m.dialog == nil {
		t.Fatalf("no confirmation; status %q", m.c.status)
	}
	assertInert(t, screen(m))
	finish(t, m, send(m, "y"))
	wantCalls(t, fc, "DeleteLink {Ns:"+evilName+" Name:"+evilLink+"}")
	assertInert(t, screen(m))
	if !strings.Contains(m.c.status, `$ ip -n $'evil\x1b[31mred\x07\xe2\x80\xae' link del dev $'e\x1b]0;pwn\x07'`) {
		t.Fatalf("status %q", m.c.status)
	}
	send(m, "H")
	assertInert(t, screen(m))
}
