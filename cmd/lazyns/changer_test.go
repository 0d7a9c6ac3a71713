package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
	"github.com/lazyns/lazyns/tui"
)

// With --read-only the UI's Changer itself refuses every change, whatever
// the UI does: nothing reaches the kernel.
func TestReadOnlyChangerRefusesEverything(t *testing.T) {
	nstest.RequireRoot(t)
	ns := nstest.Netns(t)
	a := &app{readOnly: true, netnsDir: "/run/netns"}
	defer a.close()
	c, err := newChanger(a)
	if err != nil {
		t.Fatal(err)
	}
	before := nstest.IP(t, "-n", ns, "-d", "addr")
	veth, peer, br := nstest.Name("v"), nstest.Name("p"), nstest.Name("b")
	fresh := nstest.Name("ns")
	changes := map[string]func(tui.Changer) ([]model.Cmd, error){
		"AddNetns":    func(c tui.Changer) ([]model.Cmd, error) { return c.AddNetns(model.NetnsSpec{Name: fresh}) },
		"DeleteNetns": func(c tui.Changer) ([]model.Cmd, error) { return c.DeleteNetns(model.NetnsSpec{Name: ns}) },
		"VethInto": func(c tui.Changer) ([]model.Cmd, error) {
			return c.VethInto(model.VethIntoSpec{Name: veth, PeerNs: ns, PeerName: peer, PeerAddr: "10.0.1.2/24"})
		},
		"AddBridge": func(c tui.Changer) ([]model.Cmd, error) { return c.AddBridge(model.BridgeSpec{Ns: ns, Name: br}) },
		"SetMaster": func(c tui.Changer) ([]model.Cmd, error) {
			return c.SetMaster(model.MasterSpec{Ns: ns, Link: "lo", Bridge: br})
		},
		"SetNoMaster": func(c tui.Changer) ([]model.Cmd, error) { return c.SetNoMaster(model.LinkRef{Ns: ns, Name: "lo"}) },
		"SetLinkState": func(c tui.Changer) ([]model.Cmd, error) {
			return c.SetLinkState(model.LinkStateSpec{Ns: ns, Name: "lo", Up: true})
		},
		"AddAddr": func(c tui.Changer) ([]model.Cmd, error) {
			return c.AddAddr(model.AddrSpec{Ns: ns, Dev: "lo", CIDR: "10.9.9.9/32"})
		},
		"DeleteAddr": func(c tui.Changer) ([]model.Cmd, error) {
			return c.DeleteAddr(model.AddrSpec{Ns: ns, Dev: "lo", CIDR: "127.0.0.1/8"})
		},
		"AddRoute": func(c tui.Changer) ([]model.Cmd, error) {
			return c.AddRoute(model.RouteSpec{Ns: ns, Dst: "10.8.0.0/16", Dev: "lo"})
		},
		"DeleteRoute": func(c tui.Changer) ([]model.Cmd, error) {
			return c.DeleteRoute(model.RouteSpec{Ns: ns, Dst: "10.8.0.0/16", Dev: "lo"})
		},
		"MoveLink": func(c tui.Changer) ([]model.Cmd, error) {
			return c.MoveLink(model.MoveSpec{Ns: ns, Name: "lo", ToNs: ""})
		},
		"DeleteLink": func(c tui.Changer) ([]model.Cmd, error) { return c.DeleteLink(model.LinkRef{Ns: ns, Name: "lo"}) },
	}
	for name, change := range changes {
		cmds, err := change(c)
		if !errors.Is(err, nsops.ErrReadOnly) || cmds != nil {
			t.Errorf("%s: %v, %v; want ErrReadOnly and no commands", name, cmds, err)
		}
	}
	if after := nstest.IP(t, "-n", ns, "-d", "addr"); after != before {
		t.Errorf("namespace %s changed:\n%s\nwas:\n%s", ns, after, before)
	}
	// Other tests change the host meanwhile: look for this test's names.
	if out, err := exec.Command("ip", "link", "show", "dev", veth).CombinedOutput(); err == nil {
		t.Errorf("veth %s was made:\n%s", veth, out)
	}
	if _, err := os.Stat(filepath.Join("/run/netns", fresh)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("namespace %s was made: %v", fresh, err)
	}
}
