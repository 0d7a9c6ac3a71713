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
	"golang.org/x/sys/unix"
)

func TestAddDeleteNetns(t *testing.T) {
	s := changeSystem(t)
	for _, name := range []string{nstest.Name("ns"), "x$(id)`id` " + nstest.Name(""), "e\x1b[2J" + nstest.Name("")} {
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
		cmds, err := s.AddNetns(model.NetnsSpec{Name: name})
		if err != nil {
			t.Fatalf("add %q: %v", name, err)
		}
		if got, want := cmdStrings(cmds), "ip netns add "+model.ShellQuote(name); got != want {
			t.Errorf("cmds %q, want %q", got, want)
		}
		path := filepath.Join(DefaultNetnsDir, name)
		if _, ok := nsfsInode(path); !ok {
			t.Fatalf("%s is not a namespace after AddNetns", path)
		}
		// ip sees it and can work in it.
		nstest.IP(t, "-n", name, "link", "set", "lo", "up")
		if l := linkIn(t, name, "lo"); l == nil || !hasFlag(l, "UP") {
			t.Fatalf("lo in %q: %v", name, l)
		}
		_, err = s.AddNetns(model.NetnsSpec{Name: name})
		wantErr(t, err, "already exists")

		cmds, err = s.DeleteNetns(model.NetnsSpec{Name: name})
		if err != nil {
			t.Fatalf("delete %q: %v", name, err)
		}
		if got, want := cmdStrings(cmds), "ip netns del "+model.ShellQuote(name); got != want {
			t.Errorf("cmds %q, want %q", got, want)
		}
		if _, err := os.Lstat(path); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", path, err)
		}
		mounts, _ := os.ReadFile("/proc/self/mountinfo")
		if strings.Contains(string(mounts), " "+path+" ") {
			t.Errorf("mount of %s left behind", path)
		}
		_, err = s.DeleteNetns(model.NetnsSpec{Name: name})
		wantErr(t, err, "no namespace")
	}
	// The netns directory is a shared mount, as ip makes it.
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	shared := false
	for _, line := range strings.Split(string(mounts), "\n") {
		f := strings.Fields(line)
		if len(f) > 6 && f[4] == DefaultNetnsDir && strings.Contains(line, "shared:") {
			shared = true
		}
	}
	if !shared {
		t.Errorf("%s is not a shared mount", DefaultNetnsDir)
	}
}

func TestDeleteStaleNetnsName(t *testing.T) {
	s := changeSystem(t)
	name := nstest.Name("st")
	path := filepath.Join(DefaultNetnsDir, name)
	if err := os.WriteFile(path, nil, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
	_, err := s.AddNetns(model.NetnsSpec{Name: name})
	wantErr(t, err, "stale name")
	if _, err := s.DeleteNetns(model.NetnsSpec{Name: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("stale name left: %v", err)
	}
}

func TestAddVeth(t *testing.T) {
	s := changeSystem(t)
	blue, red := nstest.Netns(t), nstest.Netns(t)
	h := nstest.Name("h")
	nstest.HostLink(t, h)

	// host <-> blue, peer born in blue
	cmds, err := s.AddVeth(model.VethSpec{Name: h, PeerNs: blue, PeerName: "eth0"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cmdStrings(cmds); got != "ip link add name "+h+" type veth peer name eth0 netns "+blue {
		t.Errorf("cmds %q", got)
	}
	if l := linkIn(t, "", h); l == nil || l["link_netnsid"] == nil {
		t.Fatalf("host end %s: %v", h, l)
	}
	if l := linkIn(t, blue, "eth0"); l == nil || l["link_netnsid"] == nil {
		t.Fatalf("peer eth0 in %s: %v", blue, l)
	}

	// blue <-> red
	if _, err := s.AddVeth(model.VethSpec{Ns: blue, Name: "tored", PeerNs: red, PeerName: "toblue"}); err != nil {
		t.Fatal(err)
	}
	if linkIn(t, blue, "tored") == nil || linkIn(t, red, "toblue") == nil {
		t.Fatal("blue<->red pair not where asked")
	}
	// both ends in red
	if _, err := s.AddVeth(model.VethSpec{Ns: red, Name: "a", PeerNs: red, PeerName: "b"}); err != nil {
		t.Fatal(err)
	}
	if linkIn(t, red, "a") == nil || linkIn(t, red, "b") == nil {
		t.Fatal("local pair missing")
	}

	before := kernelState(t, []string{blue, red}, h)
	_, err = s.AddVeth(model.VethSpec{Ns: blue, Name: "new0", PeerNs: red, PeerName: "toblue"})
	wantErr(t, err, "a link named toblue already exists in "+red)
	_, err = s.AddVeth(model.VethSpec{Name: h, PeerNs: red, PeerName: "z"})
	wantErr(t, err, "a link named "+h+" already exists in host")
	_, err = s.AddVeth(model.VethSpec{Ns: "gone" + nstest.Name(""), Name: "q", PeerName: "r"})
	wantErr(t, err, "no longer exists")
	_, err = s.AddVeth(model.VethSpec{Name: "bad/name", PeerName: "r"})
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != "name" {
		t.Errorf("bad name: %v", err)
	}
	if after := kernelState(t, []string{blue, red}, h); after != before {
		t.Fatalf("failed adds changed the kernel\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestBridgeStateAddrRoute(t *testing.T) {
	s := changeSystem(t)
	blue := nstest.Netns(t)
	step := func(cmds []model.Cmd, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return cmdStrings(cmds)
	}
	step(s.AddBridge(model.BridgeSpec{Ns: blue, Name: "br0"}))
	step(s.AddVeth(model.VethSpec{Ns: blue, Name: "p0", PeerNs: blue, PeerName: "p1"}))
	if got := step(s.SetMaster(model.MasterSpec{Ns: blue, Link: "p0", Bridge: "br0"})); got != "ip -n "+blue+" link set dev p0 master br0" {
		t.Errorf("cmds %q", got)
	}
	if l := linkIn(t, blue, "p0"); l["master"] != "br0" {
		t.Fatalf("p0 master = %v", l["master"])
	}
	_, err := s.SetMaster(model.MasterSpec{Ns: blue, Link: "p1", Bridge: "br9"})
	wantErr(t, err, "no bridge br9 in "+blue)
	_, err = s.SetMaster(model.MasterSpec{Ns: blue, Link: "p1", Bridge: "p0"})
	wantErr(t, err, "not a bridge")
	_, err = s.SetMaster(model.MasterSpec{Ns: blue, Link: "nope", Bridge: "br0"})
	wantErr(t, err, "no link nope in "+blue)
	step(s.SetNoMaster(model.LinkRef{Ns: blue, Name: "p0"}))
	if l := linkIn(t, blue, "p0"); l["master"] != nil {
		t.Fatalf("p0 still has master %v", l["master"])
	}

	for _, n := range []string{"br0", "p0", "p1", "lo"} {
		step(s.SetLinkState(model.LinkStateSpec{Ns: blue, Name: n, Up: true}))
		if !hasFlag(linkIn(t, blue, n), "UP") {
			t.Fatalf("%s not up", n)
		}
	}
	step(s.SetLinkState(model.LinkStateSpec{Ns: blue, Name: "br0", Up: false}))
	if hasFlag(linkIn(t, blue, "br0"), "UP") {
		t.Fatal("br0 still up")
	}

	// Addresses read exactly as ip addr add makes them (no broadcast).
	step(s.AddAddr(model.AddrSpec{Ns: blue, Dev: "p0", CIDR: "10.0.1.1/24"}))
	step(s.AddAddr(model.AddrSpec{Ns: blue, Dev: "p0", CIDR: "fd00:1::1/64"}))
	nstest.IP(t, "-n", blue, "addr", "add", "10.0.2.1/24", "dev", "p1")
	got := strings.Join(addrsOf(linkIn(t, blue, "p0")), " ")
	if got != "10.0.1.1/24 fd00:1::1/64" {
		t.Errorf("p0 addresses %q", got)
	}
	if a := addrsOf(linkIn(t, blue, "p1")); len(a) != 1 || strings.Contains(a[0], "brd") {
		t.Errorf("ip made %v", a)
	}
	_, err = s.AddAddr(model.AddrSpec{Ns: blue, Dev: "p0", CIDR: "10.0.1.1/24"})
	wantErr(t, err, "p0 already has address 10.0.1.1/24 in "+blue)

	routes := func() string {
		var out []string
		for _, r := range ipjIn(t, blue, "route", "show", "table", "all") {
			if r["table"] == "local" || r["protocol"] == "kernel" {
				continue
			}
			out = append(out, str(r["dst"])+" via="+str(r["gateway"])+" dev="+str(r["dev"])+" table="+str(r["table"])+" metric="+str(r["metric"])+" scope="+str(r["scope"])+" proto="+str(r["protocol"]))
		}
		return strings.Join(out, "\n")
	}
	if got := step(s.AddRoute(model.RouteSpec{Ns: blue, Dst: "default", Gateway: "10.0.1.254"})); got != "ip -n "+blue+" route add default via 10.0.1.254" {
		t.Errorf("cmds %q", got)
	}
	step(s.AddRoute(model.RouteSpec{Ns: blue, Dst: "10.9.0.0/16", Dev: "p1", Table: 16, Metric: 7}))
	step(s.AddRoute(model.RouteSpec{Ns: blue, Dst: "fd09::/64", Gateway: "fd00:1::2", Dev: "p0"}))
	ours := routes()
	// ip makes the same routes the same way.
	step(s.DeleteRoute(model.RouteSpec{Ns: blue, Dst: "default", Gateway: "10.0.1.254"}))
	step(s.DeleteRoute(model.RouteSpec{Ns: blue, Dst: "10.9.0.0/16", Dev: "p1", Table: 16, Metric: 7}))
	step(s.DeleteRoute(model.RouteSpec{Ns: blue, Dst: "fd09::/64", Gateway: "fd00:1::2", Dev: "p0"}))
	if r := routes(); r != "" {
		t.Fatalf("routes left after delete:\n%s", r)
	}
	nstest.IP(t, "-n", blue, "route", "add", "default", "via", "10.0.1.254")
	nstest.IP(t, "-n", blue, "route", "add", "10.9.0.0/16", "dev", "p1", "table", "16", "metric", "7")
	nstest.IP(t, "-n", blue, "route", "add", "fd09::/64", "via", "fd00:1::2", "dev", "p0")
	if theirs := routes(); theirs != ours {
		t.Errorf("routes differ from ip's\nours:\n%s\nip's:\n%s", ours, theirs)
	}
	_, err = s.AddRoute(model.RouteSpec{Ns: blue, Dst: "default", Gateway: "10.0.1.254"})
	wantErr(t, err, "a route to default already exists in "+blue)
	_, err = s.AddRoute(model.RouteSpec{Ns: blue, Dst: "10.8.0.0/16", Gateway: "192.168.77.1"})
	wantErr(t, err, "gateway 192.168.77.1 is not on any subnet of "+blue)
	_, err = s.DeleteRoute(model.RouteSpec{Ns: blue, Dst: "10.7.0.0/16", Dev: "p0"})
	wantErr(t, err, "no route to 10.7.0.0/16 in "+blue)

	step(s.DeleteAddr(model.AddrSpec{Ns: blue, Dev: "p0", CIDR: "fd00:1::1/64"}))
	_, err = s.DeleteAddr(model.AddrSpec{Ns: blue, Dev: "p0", CIDR: "fd00:1::1/64"})
	wantErr(t, err, "p0 in "+blue+" has no address fd00:1::1/64")
	if got := strings.Join(addrsOf(linkIn(t, blue, "p0")), " "); got != "10.0.1.1/24" {
		t.Errorf("after delete: %q", got)
	}
}

func TestMoveRenameDelete(t *testing.T) {
	s := changeSystem(t)
	blue, red := nstest.Netns(t), nstest.Netns(t)
	h := nstest.Name("h")
	nstest.HostLink(t, h)
	if _, err := s.AddVeth(model.VethSpec{Name: h, PeerName: "x" + h[1:]}); err != nil {
		t.Fatal(err)
	}
	peer := "x" + h[1:]
	cmds, err := s.MoveLink(model.MoveSpec{Name: peer, ToNs: blue})
	if err != nil {
		t.Fatal(err)
	}
	if got := cmdStrings(cmds); got != "ip link set dev "+peer+" netns "+blue {
		t.Errorf("cmds %q", got)
	}
	if linkIn(t, blue, peer) == nil || linkIn(t, "", peer) != nil {
		t.Fatal("link did not move")
	}
	if _, err := s.RenameLink(model.RenameSpec{Ns: blue, Name: peer, NewName: "eth0"}); err != nil {
		t.Fatal(err)
	}
	if linkIn(t, blue, "eth0") == nil {
		t.Fatal("rename did not happen")
	}
	// A name taken in the target: nothing moves.
	nstest.IP(t, "-n", red, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
	before := kernelState(t, []string{blue, red}, h)
	_, err = s.MoveLink(model.MoveSpec{Ns: blue, Name: "eth0", ToNs: red})
	wantErr(t, err, "a link named eth0 already exists in "+red)
	_, err = s.RenameLink(model.RenameSpec{Ns: red, Name: "eth1", NewName: "eth0"})
	wantErr(t, err, "a link named eth0 already exists in "+red)
	_, err = s.MoveLink(model.MoveSpec{Ns: blue, Name: "lo", ToNs: red})
	wantErr(t, err, "cannot leave")
	if after := kernelState(t, []string{blue, red}, h); after != before {
		t.Fatalf("failed changes changed the kernel\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// Named like its own peer in the host, it cannot go there.
	if _, err := s.RenameLink(model.RenameSpec{Ns: blue, Name: "eth0", NewName: h}); err != nil {
		t.Fatal(err)
	}
	_, err = s.MoveLink(model.MoveSpec{Ns: blue, Name: h})
	wantErr(t, err, "a link named "+h+" already exists in host")
	// Back to the host under its old name, then delete: the peer goes too.
	if _, err := s.RenameLink(model.RenameSpec{Ns: blue, Name: h, NewName: peer}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveLink(model.MoveSpec{Ns: blue, Name: peer}); err != nil {
		t.Fatal(err)
	}
	if linkIn(t, "", peer) == nil {
		t.Fatal(peer + " not in host")
	}
	cmds, err = s.DeleteLink(model.LinkRef{Name: h})
	if err != nil {
		t.Fatal(err)
	}
	if got := cmdStrings(cmds); got != "ip link del dev "+h {
		t.Errorf("cmds %q", got)
	}
	if linkIn(t, "", h) != nil || linkIn(t, "", peer) != nil {
		t.Fatal("veth not gone")
	}
	_, err = s.DeleteLink(model.LinkRef{Name: h})
	wantErr(t, err, "no link "+h+" in host")
}

func TestSetForwarding(t *testing.T) {
	s := changeSystem(t)
	r := nstest.Netns(t)
	read := func(ns string) string {
		args := []string{"cat", "/proc/sys/net/ipv4/ip_forward"}
		if ns != "" {
			args = append([]string{"ip", "netns", "exec", ns}, args...)
		}
		out, err := exec.Command(args[0], args[1:]...).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	// Off to start with, whatever the host's (a new namespace inherits it).
	nstest.Forwarding(t, r, false)
	if read(r) != "0" {
		t.Fatal("forwarding not off in a namespace told so")
	}
	hostBefore := read("")
	cmds, err := s.SetForwarding(model.ForwardingSpec{Ns: r, On: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := cmdStrings(cmds); got != "ip netns exec "+r+" sysctl -w net.ipv4.ip_forward=1" {
		t.Errorf("cmds %q", got)
	}
	if read(r) != "1" {
		t.Fatal("forwarding not on in the namespace")
	}
	if read("") != hostBefore {
		t.Fatal("the host's forwarding changed")
	}
	if _, err := s.SetForwarding(model.ForwardingSpec{Ns: r}); err != nil || read(r) != "0" {
		t.Fatalf("off: %v, %s", err, read(r))
	}
}

func TestAddDeleteRule(t *testing.T) {
	s := changeSystem(t)
	blue := nstest.Netns(t)
	spec := model.RuleSpec{Ns: blue, From: "10.0.1.0/24", Table: 16, Pref: 32000}
	cmds, err := s.AddRule(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := cmdStrings(cmds); got != "ip -n "+blue+" rule add from 10.0.1.0/24 table 16 pref 32000" {
		t.Errorf("cmds %q", got)
	}
	rules := func() string {
		var out []string
		for _, r := range ipjIn(t, blue, "rule", "show") {
			out = append(out, str(r["priority"])+" "+str(r["src"])+"/"+str(r["srclen"])+" "+str(r["table"]))
		}
		return strings.Join(out, "\n")
	}
	if got := rules(); !strings.Contains(got, "32000 10.0.1.0/24 16") {
		t.Fatalf("rule not there:\n%s", got)
	}
	_, err = s.AddRule(spec)
	wantErr(t, err, "already exists in "+blue)
	if _, err := s.DeleteRule(spec); err != nil {
		t.Fatal(err)
	}
	if got := rules(); strings.Contains(got, "10.0.1.0") {
		t.Fatalf("rule left:\n%s", got)
	}
	_, err = s.DeleteRule(spec)
	wantErr(t, err, "no rule from 10.0.1.0/24")
}

func TestKernelErrInWords(t *testing.T) {
	err := kernelErr(unix.EXFULL, "attach p to bridge br0", "blue")
	if err.Error() != "attach p to bridge br0 in blue: the bridge is full: a Linux bridge takes at most 1023 ports" || !errors.Is(err, unix.EXFULL) {
		t.Errorf("%v", err)
	}
	if err := kernelErr(unix.EMLINK, "x", ""); err.Error() != "x in host: too many links" || !errors.Is(err, unix.EMLINK) {
		t.Errorf("%v", err)
	}
}
