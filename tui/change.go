package tui

import (
	"context"
	"strconv"

	tea "charm.land/bubbletea/v2"
	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// Changer makes the changes the forms ask for; *nsops.System implements
// it. Each method checks its spec, refuses when read-only, changes the
// kernel all or nothing, and returns the iproute2 commands that do the
// same.
type Changer interface {
	AddNetns(model.NetnsSpec) ([]model.Cmd, error)
	DeleteNetns(model.NetnsSpec) ([]model.Cmd, error)
	VethInto(model.VethIntoSpec) ([]model.Cmd, error)
	AddBridge(model.BridgeSpec) ([]model.Cmd, error)
	SetMaster(model.MasterSpec) ([]model.Cmd, error)
	SetNoMaster(model.LinkRef) ([]model.Cmd, error)
	SetLinkState(model.LinkStateSpec) ([]model.Cmd, error)
	AddAddr(model.AddrSpec) ([]model.Cmd, error)
	DeleteAddr(model.AddrSpec) ([]model.Cmd, error)
	AddRoute(model.RouteSpec) ([]model.Cmd, error)
	DeleteRoute(model.RouteSpec) ([]model.Cmd, error)
	MoveLink(model.MoveSpec) ([]model.Cmd, error)
	DeleteLink(model.LinkRef) ([]model.Cmd, error)
	SetForwarding(...model.ForwardingSpec) ([]model.Cmd, error)
	AddRule(model.RuleSpec) ([]model.Cmd, error)
	DeleteRule(model.RuleSpec) ([]model.Cmd, error)
	AddMasquerade(model.MasqueradeSpec) ([]model.Cmd, error)
	DeleteMasquerade(model.MasqueradeSpec) ([]model.Cmd, error)
}

// changeDoneMsg is the end of a change run by runChange.
type changeDoneMsg struct {
	want []model.Cmd // what the change was to do, shown when it fails
	cmds []model.Cmd // what it did
	err  error
	read scope
	// fresh are the namespaces the change touched, read again after it;
	// found the namespaces found again, when the change needed the whole
	// host (they are then all read again, those on screen first).
	fresh []nsMsg
	found *model.Snapshot
}

// scope is what to read again after a change: the namespaces nss ("" =
// the host), or with all the whole host (a namespace came or went, a
// peer moved).
type scope struct {
	nss []string
	all bool
}

func within(nss ...string) scope { return scope{nss: nss} }

var everything = scope{all: true}

// runChange runs do in a command, off the UI goroutine, saying in the
// status line the commands it stands for. A change may start while another
// runs: each is all or nothing on its own.
func runChange(s *mainScreen, want []model.Cmd, sc scope, do func(Changer) ([]model.Cmd, error)) tea.Cmd {
	s.c.setStatus(cmdStatus(s.width, want, "…"), false)
	c, ctx, src, snap := s.c.Changer, s.c.ctx, s.c.Source, s.snap()
	return func() tea.Msg {
		cmds, err := do(c)
		msg := changeDoneMsg{want: want, cmds: cmds, err: err, read: sc}
		// Read back what the change touched before saying it is done, so
		// a form opened right after checks its values against the host
		// as it is now (a bridge just made is there to attach to).
		switch {
		case err != nil || sc.all:
			// A failed change undid itself, but the host may have moved
			// under it; a namespace came or went: read everything.
			if found, err := src.Discover(ctx); err == nil {
				msg.found = found
			}
		case snap != nil:
			msg.fresh = rereadNames(ctx, src, snap, sc.nss)
		}
		return msg
	}
}

// rereadNames reads the named namespaces ("" = the host) of snap again.
func rereadNames(ctx context.Context, src Source, snap *model.Snapshot, nss []string) []nsMsg {
	var out []nsMsg
	seen := map[model.NsKey]bool{}
	for _, name := range nss {
		ns := model.NsByName(snap, name)
		if ns == nil || seen[ns.Key] {
			continue
		}
		seen[ns.Key] = true
		fresh, err := src.Reread(ctx, snap, ns.Key)
		out = append(out, nsMsg{ns.Key, fresh, err})
	}
	return out
}

// cmdStatus is "$ ip -n blue link set veth1 up  ✓ done": the first
// command, cut to leave room for the outcome, and how many more ran.
func cmdStatus(width int, cmds []model.Cmd, outcome string) string {
	if len(cmds) == 0 {
		return outcome
	}
	more := ""
	if len(cmds) > 1 {
		more = "  (+" + strconv.Itoa(len(cmds)-1) + " more, H lists them)"
	}
	room := width - 2 - displaywidth.String(more) - 2 - min(displaywidth.String(outcome), width/2)
	return cut("$ "+cmds[0].String(), max(8, room)) + more + "  " + outcome
}

// changeDone records a change that happened, says how it went, and reads
// again what it touched.
func (m *Model) changeDone(msg changeDoneMsg) tea.Cmd {
	// The host as it is now first: the row a delete took away is expected
	// to go, and the outcome below is what the status line should say.
	for _, ns := range msg.fresh {
		m.gotNamespace(ns)
	}
	if msg.found != nil {
		m.showDiscovered(msg.found, true)
	}
	if msg.err != nil {
		m.c.setStatus(cmdStatus(m.width, msg.want, "✗ "+model.Visible(msg.err.Error())), true)
	} else {
		m.c.history.Record(msg.cmds...)
		m.c.setStatus(cmdStatus(m.width, msg.cmds, "✓ done"), false)
	}
	if m.pane != nil {
		m.pane.refresh(m.snap)
	}
	// A live tab on screen shows what the change did at once, rather
	// than at its next reading: no netlink event says a sysctl or a
	// firewall rule changed.
	live := m.main.detail.readLiveNow()
	if msg.found == nil && (msg.read.all || msg.err != nil) {
		return tea.Batch(m.requestSnapshot(true), live)
	}
	return live
}
