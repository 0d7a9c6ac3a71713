package tui

import (
	"fmt"
	"sync"

	"github.com/lazyns/lazyns/model"
)

// fakeChanger records every change asked of it and answers with the
// spec's own commands, or with err when set.
type fakeChanger struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (f *fakeChanger) note(method string, spec any, cmds []model.Cmd) ([]model.Cmd, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s %+v", method, spec))
	if f.err != nil {
		return nil, f.err
	}
	return cmds, nil
}

func (f *fakeChanger) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeChanger) AddNetns(s model.NetnsSpec) ([]model.Cmd, error) {
	return f.note("AddNetns", s, s.AddCmds())
}
func (f *fakeChanger) DeleteNetns(s model.NetnsSpec) ([]model.Cmd, error) {
	return f.note("DeleteNetns", s, s.DeleteCmds())
}
func (f *fakeChanger) VethInto(s model.VethIntoSpec) ([]model.Cmd, error) {
	return f.note("VethInto", s, s.Cmds())
}
func (f *fakeChanger) AddBridge(s model.BridgeSpec) ([]model.Cmd, error) {
	return f.note("AddBridge", s, s.Cmds())
}
func (f *fakeChanger) SetMaster(s model.MasterSpec) ([]model.Cmd, error) {
	return f.note("SetMaster", s, s.Cmds())
}
func (f *fakeChanger) SetNoMaster(r model.LinkRef) ([]model.Cmd, error) {
	return f.note("SetNoMaster", r, r.NoMasterCmds())
}
func (f *fakeChanger) SetLinkState(s model.LinkStateSpec) ([]model.Cmd, error) {
	return f.note("SetLinkState", s, s.Cmds())
}
func (f *fakeChanger) AddAddr(s model.AddrSpec) ([]model.Cmd, error) {
	return f.note("AddAddr", s, s.AddCmds())
}
func (f *fakeChanger) DeleteAddr(s model.AddrSpec) ([]model.Cmd, error) {
	return f.note("DeleteAddr", s, s.DeleteCmds())
}
func (f *fakeChanger) AddRoute(s model.RouteSpec) ([]model.Cmd, error) {
	return f.note("AddRoute", s, s.AddCmds())
}
func (f *fakeChanger) DeleteRoute(s model.RouteSpec) ([]model.Cmd, error) {
	return f.note("DeleteRoute", s, s.DeleteCmds())
}
func (f *fakeChanger) MoveLink(s model.MoveSpec) ([]model.Cmd, error) {
	return f.note("MoveLink", s, s.Cmds())
}
func (f *fakeChanger) DeleteLink(r model.LinkRef) ([]model.Cmd, error) {
	return f.note("DeleteLink", r, r.DeleteCmds())
}
func (f *fakeChanger) SetForwarding(specs ...model.ForwardingSpec) ([]model.Cmd, error) {
	var cmds []model.Cmd
	for _, s := range specs {
		cmds = append(cmds, s.Cmds()...)
	}
	return f.note("SetForwarding", specs, cmds)
}
func (f *fakeChanger) AddRule(s model.RuleSpec) ([]model.Cmd, error) {
	return f.note("AddRule", s, s.AddCmds())
}
func (f *fakeChanger) DeleteRule(s model.RuleSpec) ([]model.Cmd, error) {
	return f.note("DeleteRule", s, s.DeleteCmds())
}
func (f *fakeChanger) AddMasquerade(s model.MasqueradeSpec) ([]model.Cmd, error) {
	return f.note("AddMasquerade", s, s.AddCmds())
}
func (f *fakeChanger) DeleteMasquerade(s model.MasqueradeSpec) ([]model.Cmd, error) {
	return f.note("DeleteMasquerade", s, s.DeleteCmds(0, false))
}
