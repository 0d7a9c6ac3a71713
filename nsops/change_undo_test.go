package nsops

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// failAt makes the named step of the next multi-step change fail (or run
// act first and fail only if act does), until the test ends.
func failAt(t *testing.T, step string, act func() error) {
	t.Cleanup(func() { stepHook = nil })
	stepHook = func(s string) error {
		if s != step {
			return nil
		}
		if act != nil {
			return act()
		}
		return errors.New("injected failure at " + step)
	}
}

func TestVethIntoAllOrNothing(t *testing.T) {
	s := changeSystem(t)
	blue := nstest.Netns(t)
	br, h := nstest.Name("br"), nstest.Name("h")
	nstest.HostLink(t, br)
	nstest.HostLink(t, h)
	nstest.IP(t, "link", "add", br, "type", "bridge")
	nstest.IP(t, "-n", blue, "link", "add", "taken", "type", "bridge")
	spec := model.VethIntoSpec{Name: h, Bridge: br, Addr: "10.0.1.254/24", PeerNs: blue, PeerName: "eth0", PeerAddr: "10.0.1.1/24"}
	state := func() string { return kernelState(t, []string{blue}, br, h) }
	before := state()

	for _, step := range []string{"master", "addr", "peer addr", "up", "peer up", "peer lo up"} {
		failAt(t, step, nil)
		_, err := s.VethInto(spec)
		wantErr(t, err, "injected failure at "+step)
		settle(t, before, state)
	}
	stepHook = nil

	bad := spec
	bad.PeerName = "taken"
	_, err := s.VethInto(bad)
	wantErr(t, err, "a link named taken already exists in "+blue)
	settle(t, before, state)

	bad = spec
	bad.Bridge = "nobr" + nstest.Name("")[:6]
	_, err = s.VethInto(bad)
	wantErr(t, err, "no bridge "+bad.Bridge+" in host")
	settle(t, before, state)

	bad = spec
	bad.PeerAddr = "10.0.1.1/33"
	_, err = s.VethInto(bad)
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != "peer address" {
		t.Fatalf("bad address: %v", err)
	}

	cmds, err := s.VethInto(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cmdStrings(cmds), cmdStrings(spec.Cmds()); got != want {
		t.Errorf("cmds\n%s\nwant\n%s", got, want)
	}
	near, far := linkIn(t, "", h), linkIn(t, blue, "eth0")
	if near["master"] != br || !hasFlag(near, "UP") || !hasFlag(far, "UP") || !hasFlag(linkIn(t, blue, "lo"), "UP") {
		t.Fatalf("not all done: %v / %v", near, far)
	}
	if a := addrsOf(far); len(a) != 1 || a[0] != "10.0.1.1/24" {
		t.Fatalf("peer addresses %v", a)
	}
}

// Between two namespaces, lo comes up in both (a fresh namespace's lo is
// down, and nothing answers on 127.0.0.1 there); a failure after the first
// lo up takes that lo down again.
func TestVethIntoBringsUpLoOnBothSides(t *testing.T) {
	s := changeSystem(t)
	red, blue := nstest.Netns(t), nstest.Netns(t)
	spec := model.VethIntoSpec{Ns: red, Name: "r0", Addr: "10.0.7.1/24", PeerNs: blue, PeerName: "b0", PeerAddr: "10.0.7.2/24"}
	state := func() string { return kernelState(t, []string{red, blue}) }
	before := state()
	for _, step := range []string{"lo up", "peer lo up"} {
		failAt(t, step, nil)
		_, err := s.VethInto(spec)
		wantErr(t, err, "injected failure at "+step)
		settle(t, before, state)
	}
	stepHook = nil
	cmds, err := s.VethInto(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{red, blue} {
		if !hasFlag(linkIn(t, ns, "lo"), "UP") {
			t.Errorf("lo is not up in %s", ns)
		}
		if want := "ip -n " + ns + " link set dev lo up"; !strings.Contains(cmdStrings(cmds), want) {
			t.Errorf("the commands do not say %q:\n%s", want, cmdStrings(cmds))
		}
	}
	// lo up in both is what the commands say: run again by hand, they
	// build the same.
	if out, err := exec.Command("ip", "netns", "exec", red, "ping", "-c1", "-W1", "127.0.0.1").CombinedOutput(); err != nil {
		t.Errorf("ping 127.0.0.1 in %s: %v\n%s", red, err, out)
	}
}

func TestVethIntoNamespaceDeletedMidway(t *testing.T) {
	s := changeSystem(t)
	blue := nstest.Netns(t)
	h := nstest.Name("h")
	nstest.HostLink(t, h)
	state := func() string { return kernelState(t, []string{blue}, h) }
	// As it will be: blue gone, nothing of ours in the host.
	failAt(t, "peer addr", func() error {
		_ = exec.Command("ip", "netns", "del", blue).Run()
		return nil
	})
	_, err := s.VethInto(model.VethIntoSpec{Name: h, PeerNs: blue, PeerName: "eth0", PeerAddr: "10.0.1.1/24"})
	wantErr(t, err, "namespace "+blue+" no longer exists")
	settle(t, "netns "+blue+"\n  absent\nhost\n", state)
}

func TestAddNetnsUndo(t *testing.T) {
	s := changeSystem(t)
	name := nstest.Name("ns")
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	failAt(t, "netns mount", nil)
	_, err := s.AddNetns(model.NetnsSpec{Name: name})
	wantErr(t, err, "injected failure")
	if _, err := os.Lstat(filepath.Join(DefaultNetnsDir, name)); !os.IsNotExist(err) {
		t.Fatalf("a failed add left %s: %v", name, err)
	}
}

func TestReadOnlyRefusesEveryChange(t *testing.T) {
	s := changeSystem(t)
	blue := nstest.Netns(t)
	h := nstest.Name("h")
	nstest.HostLink(t, h)
	nstest.IP(t, "-n", blue, "link", "add", "p0", "type", "veth", "peer", "name", "p1")
	nstest.IP(t, "-n", blue, "link", "add", "br0", "type", "bridge")
	nstest.IP(t, "-n", blue, "addr", "add", "10.0.1.1/24", "dev", "p0")
	nstest.IP(t, "-n", blue, "link", "set", "p0", "up")
	nstest.IP(t, "-n", blue, "route", "add", "10.2.0.0/16", "dev", "p0")
	// Off, not the host's value it starts with: the last check shows that
	// the refused SetForwarding left it off.
	nstest.Forwarding(t, blue, false)
	newNs := nstest.Name("ns")
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", newNs).Run() })
	s.ReadOnly = true
	state := func() string { return kernelState(t, []string{blue, newNs}, h) }
	before := state()
	changes := map[string]func() ([]model.Cmd, error){
		"AddNetns":     func() ([]model.Cmd, error) { return s.AddNetns(model.NetnsSpec{Name: newNs}) },
		"DeleteNetns":  func() ([]model.Cmd, error) { return s.DeleteNetns(model.NetnsSpec{Name: blue}) },
		"AddVeth":      func() ([]model.Cmd, error) { return s.AddVeth(model.VethSpec{Name: h, PeerNs: blue, PeerName: "x"}) },
		"AddBridge":    func() ([]model.Cmd, error) { return s.AddBridge(model.BridgeSpec{Ns: blue, Name: "br1"}) },
		"SetMaster":    func() ([]model.Cmd, error) { return s.SetMaster(model.MasterSpec{Ns: blue, Link: "p1", Bridge: "br0"}) },
		"SetNoMaster":  func() ([]model.Cmd, error) { return s.SetNoMaster(model.LinkRef{Ns: blue, Name: "p1"}) },
		"SetLinkState": func() ([]model.Cmd, error) { return s.SetLinkState(model.LinkStateSpec{Ns: blue, Name: "p0"}) },
		"AddAddr": func() ([]model.Cmd, error) {
			return s.AddAddr(model.AddrSpec{Ns: blue, Dev: "p1", CIDR: "10.0.9.1/24"})
		},
		"DeleteAddr": func() ([]model.Cmd, error) {
			return s.DeleteAddr(model.AddrSpec{Ns: blue, Dev: "p0", CIDR: "10.0.1.1/24"})
		},
		"AddRoute": func() ([]model.Cmd, error) {
			return s.AddRoute(model.RouteSpec{Ns: blue, Dst: "10.3.0.0/16", Dev: "p0"})
		},
		"DeleteRoute": func() ([]model.Cmd, error) {
			return s.DeleteRoute(model.RouteSpec{Ns: blue, Dst: "10.2.0.0/16", Dev: "p0"})
		},
		"MoveLink": func() ([]model.Cmd, error) { return s.MoveLink(model.MoveSpec{Ns: blue, Name: "p1"}) },
		"RenameLink": func() ([]model.Cmd, error) {
			return s.RenameLink(model.RenameSpec{Ns: blue, Name: "p1", NewName: "p9"})
		},
		"DeleteLink": func() ([]model.Cmd, error) { return s.DeleteLink(model.LinkRef{Ns: blue, Name: "p0"}) },
		"SetForwarding": func() ([]model.Cmd, error) {
			return s.SetForwarding(model.ForwardingSpec{Ns: blue, On: true})
		},
		"VethInto": func() ([]model.Cmd, error) {
			return s.VethInto(model.VethIntoSpec{Name: h, PeerNs: blue, PeerName: "y"})
		},
	}
	for name, change := range changes {
		cmds, err := change()
		if !errors.Is(err, ErrReadOnly) || cmds != nil {
			t.Errorf("%s read-only: %v, %v", name, cmds, err)
		}
	}
	if after := state(); after != before {
		t.Fatalf("read-only changed the kernel\nbefore:\n%s\nafter:\n%s", before, after)
	}
	out, _ := exec.Command("ip", "netns", "exec", blue, "cat", "/proc/sys/net/ipv4/ip_forward").Output()
	if strings.TrimSpace(string(out)) != "0" {
		t.Fatal("read-only turned forwarding on")
	}
}

// Forwarding of both families at once: both set, the host's untouched;
// when IPv6's cannot be written, IPv4's is as it was before.
func TestSetForwardingBothAllOrNothing(t *testing.T) {
	s := changeSystem(t)
	r := nstest.Netns(t)
	read := func(key string) string {
		return strings.TrimSpace(nstest.IP(t, "netns", "exec", r, "sysctl", "-n", key))
	}
	nstest.Forwarding(t, r, false)
	nstest.IP(t, "netns", "exec", r, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
	hostV6 := strings.TrimSpace(nstest.Sh(t, "sysctl -n net.ipv6.conf.all.forwarding"))

	both := []model.ForwardingSpec{{Ns: r, On: true}, {Ns: r, On: true, IPv6: true}}
	failAt(t, "forwarding net.ipv6.conf.all.forwarding", nil)
	_, err := s.SetForwarding(both...)
	wantErr(t, err, "injected failure at forwarding net.ipv6.conf.all.forwarding")
	if got := read("net.ipv4.ip_forward"); got != "0" {
		t.Fatalf("a failed change left IPv4 forwarding at %s", got)
	}
	stepHook = nil

	cmds, err := s.SetForwarding(both...)
	if err != nil {
		t.Fatal(err)
	}
	want := "ip netns exec " + r + " sysctl -w net.ipv4.ip_forward=1\nip netns exec " + r + " sysctl -w net.ipv6.conf.all.forwarding=1"
	if got := cmdStrings(cmds); got != want {
		t.Errorf("cmds\n%s\nwant\n%s", got, want)
	}
	if read("net.ipv4.ip_forward") != "1" || read("net.ipv6.conf.all.forwarding") != "1" {
		t.Fatal("forwarding not on in both families")
	}
	if got := strings.TrimSpace(nstest.Sh(t, "sysctl -n net.ipv6.conf.all.forwarding")); got != hostV6 {
		t.Fatalf("the host's IPv6 forwarding went from %s to %s", hostV6, got)
	}
}
