package nsops

import (
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// topology is a small host built with ip for the tests: named namespaces
// joined by veths, a host bridge, a bridge inside a namespace, a vxlan,
// IPv4 and IPv6, a second table with a rule, an unnamed namespace held by
// a process, a non-ASCII name, and a veth pair whose ends share an index.
type topology struct {
	a, b, c, u string // named namespaces; u has a non-ASCII name
	hostBr     string
	hostVeth   string
	holderPid  int
	holder     *exec.Cmd
}

func buildTopology(t *testing.T) *topology {
	t.Helper()
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "unshare")
	nstest.RequireTool(t, "nsenter")
	tp := &topology{a: nstest.Netns(t), b: nstest.Netns(t), c: nstest.Netns(t)}
	tp.u = "ünï-" + nstest.Name("")
	nstest.NetnsNamed(t, tp.u)
	ip := func(args ...string) { nstest.IP(t, args...) }

	// a <-> b, both ends index 2: the kernel then omits IFLA_LINK.
	ip("-n", tp.a, "link", "add", "ab0", "type", "veth", "peer", "name", "ba0", "netns", tp.b)
	ip("-n", tp.a, "link", "set", "ab0", "up")
	ip("-n", tp.b, "link", "set", "ba0", "up")
	ip("-n", tp.a, "link", "set", "lo", "up")
	ip("-n", tp.a, "addr", "add", "10.77.1.1/24", "dev", "ab0")
	ip("-n", tp.a, "addr", "add", "fd77:1::1/64", "dev", "ab0", "nodad")
	ip("-n", tp.b, "addr", "add", "10.77.1.2/24", "dev", "ba0")
	ip("-n", tp.a, "route", "add", "10.78.0.0/16", "via", "10.77.1.2", "table", "100")
	ip("-n", tp.a, "route", "add", "default", "via", "10.77.1.2")
	ip("-n", tp.a, "rule", "add", "from", "10.77.1.0/24", "table", "100", "pref", "1000")
	ip("-n", tp.a, "-6", "route", "add", "fd78::/64", "via", "fd77:1::2", "dev", "ab0", "metric", "42")
	ip("-n", tp.a, "neigh", "add", "10.77.1.9", "lladdr", "02:00:00:00:77:09", "dev", "ab0")

	// host bridge with a port whose peer is in b
	tp.hostBr, tp.hostVeth = nstest.Name("br"), nstest.Name("h")
	nstest.HostLink(t, tp.hostBr)
	nstest.HostLink(t, tp.hostVeth)
	ip("link", "add", tp.hostBr, "type", "bridge")
	ip("link", "add", tp.hostVeth, "type", "veth", "peer", "name", "hb0", "netns", tp.b)
	ip("link", "set", tp.hostVeth, "master", tp.hostBr)
	ip("link", "set", tp.hostBr, "up")
	ip("link", "set", tp.hostVeth, "up")
	ip("-n", tp.b, "link", "set", "hb0", "up")

	// a bridge inside c joining the non-ASCII namespace, and a vxlan
	ip("-n", tp.c, "link", "add", "brc", "type", "bridge")
	ip("-n", tp.c, "link", "add", "cu0", "type", "veth", "peer", "name", "uc0", "netns", tp.u)
	ip("-n", tp.c, "link", "set", "cu0", "master", "brc")
	ip("-n", tp.c, "link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "local", "127.0.0.1")
	ip("-n", tp.c, "addr", "add", "10.79.0.1/24", "dev", "brc")
	ip("-n", tp.u, "addr", "add", "10.79.0.2/24", "dev", "uc0")

	// an unnamed namespace, held only by a process, with a veth into c
	tp.holder = exec.Command("unshare", "-n", "sleep", "600")
	if err := tp.holder.Start(); err != nil {
		t.Fatalf("unshare: %v", err)
	}
	t.Cleanup(func() { _ = tp.holder.Process.Kill(); _ = tp.holder.Wait() })
	tp.holderPid = tp.holder.Process.Pid
	holderNs := "/proc/" + strconv.Itoa(tp.holderPid) + "/ns/net"
	waitNsChanged(t, tp.holderPid)
	ip("-n", tp.c, "link", "add", "cx0", "type", "veth", "peer", "name", "xc0", "netns", holderNs)
	nstest.Sh(t, "nsenter --net="+holderNs+" ip addr add 10.80.0.2/24 dev xc0")
	return tp
}

// waitNsChanged waits until the process has left the host namespace.
func waitNsChanged(t *testing.T, pid int) {
	t.Helper()
	self, _ := readNsLink("self")
	for i := 0; i < 100; i++ {
		if l, err := readNsLink(strconv.Itoa(pid)); err == nil && l != self {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("process %d never entered its own namespace", pid)
}

func readNsLink(pid string) (string, error) {
	out, err := exec.Command("readlink", "/proc/"+pid+"/ns/net").Output()
	return strings.TrimSpace(string(out)), err
}

func snapshot(t *testing.T) (*System, *model.Snapshot) {
	t.Helper()
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	snap, err := sys.Snapshot(context.Background(), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sys, snap
}

func byName(t *testing.T, snap *model.Snapshot, name string) *model.Namespace {
	t.Helper()
	for i := range snap.Namespaces {
		if snap.Namespaces[i].DisplayName() == name {
			return &snap.Namespaces[i]
		}
	}
	t.Fatalf("namespace %q not in the snapshot", name)
	return nil
}

func byPid(t *testing.T, snap *model.Snapshot, pid int) *model.Namespace {
	t.Helper()
	for i := range snap.Namespaces {
		for _, p := range snap.Namespaces[i].Procs {
			if p.Pid == pid {
				return &snap.Namespaces[i]
			}
		}
	}
	t.Fatalf("no namespace holds pid %d", pid)
	return nil
}

func TestSnapshotAgreesWithIP(t *testing.T) {
	tp := buildTopology(t)
	holderPath := "/proc/" + strconv.Itoa(tp.holderPid) + "/ns/net"
	for _, path := range []string{"/run/netns/" + tp.a, "/run/netns/" + tp.b, "/run/netns/" + tp.c, "/run/netns/" + tp.u, holderPath} {
		settled(t, enterArgs(path))
	}
	sys, snap := snapshot(t)

	check := func(ns *model.Namespace, path string) {
		t.Helper()
		enter := enterArgs(path)
		b, err := model.JSON([]*model.Namespace{ns}, sys.Names)
		if err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("lazyns JSON does not parse: %v", err)
		}
		ours := got[0]
		what := ns.DisplayName()
		agreeList(t, what+" links", toAnyList(ipJSON(t, enter, "addr", "show")), ours["links"],
			func(m map[string]any) string { return "ifindex " + toStr(m["ifindex"]) })
		// Without -4 or -6, "table all" lists both families.
		routes := ipJSON(t, enter, "route", "show", "table", "all")
		agreeList(t, what+" routes", toAnyList(routes), ours["routes"], routeKey)
		rules := append(ipJSON(t, enter, "rule", "show"), ipJSON(t, enter, "-6", "rule", "show")...)
		agreeList(t, what+" rules", toAnyList(rules), ours["rules"], ruleKey)
		agreeList(t, what+" neighbours", toAnyList(ipJSON(t, enter, "neigh", "show")), ours["neighbours"], neighKey)
	}
	for _, name := range []string{tp.a, tp.b, tp.c, tp.u} {
		check(byName(t, snap, name), "/run/netns/"+name)
	}
	check(byPid(t, snap, tp.holderPid), holderPath)

	// The host has interfaces this test did not make, whose neighbours
	// change on their own: compare only our links there.
	host := snap.Host()
	b, _ := model.JSON([]*model.Namespace{host}, sys.Names)
	var got []map[string]any
	_ = json.Unmarshal(b, &got)
	for _, name := range []string{tp.hostBr, tp.hostVeth} {
		ipl := ipJSON(t, nil, "addr", "show", "dev", name)
		var ours map[string]any
		for _, l := range got[0]["links"].([]any) {
			if l.(map[string]any)["ifname"] == name {
				ours = l.(map[string]any)
			}
		}
		if ours == nil {
			t.Fatalf("host link %s missing", name)
		}
		agree(t, "host "+name, ipl[0], ours)
	}
}

func toStr(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSnapshotResolvesPeers(t *testing.T) {
	tp := buildTopology(t)
	_, snap := snapshot(t)
	holder := byPid(t, snap, tp.holderPid)
	want := []struct {
		ns, link, peerNs, peerLink string
	}{
		{tp.a, "ab0", tp.b, "ba0"},
		{tp.b, "ba0", tp.a, "ab0"},
		{tp.b, "hb0", "host", tp.hostVeth},
		{"host", tp.hostVeth, tp.b, "hb0"},
		{tp.c, "cu0", tp.u, "uc0"},
		{tp.u, "uc0", tp.c, "cu0"},
		{tp.c, "cx0", holder.DisplayName(), "xc0"},
		{holder.DisplayName(), "xc0", tp.c, "cx0"},
	}
	for _, w := range want {
		ns := byName(t, snap, w.ns)
		l := ns.LinkByName(w.link)
		if l == nil {
			t.Errorf("%s: no link %s", w.ns, w.link)
			continue
		}
		if l.Peer == nil {
			t.Errorf("%s/%s: peer not resolved", w.ns, w.link)
			continue
		}
		if l.Peer.NsName != w.peerNs || l.Peer.Name != w.peerLink {
			t.Errorf("%s/%s: peer is %s/%s, want %s/%s", w.ns, w.link, l.Peer.NsName, l.Peer.Name, w.peerNs, w.peerLink)
		}
	}
	// Both ends of a<->b sit at index 2, the case where the kernel leaves
	// out IFLA_LINK.
	if l := byName(t, snap, tp.a).LinkByName("ab0"); l.Index != l.Peer.Index {
		t.Logf("ab0 index %d, peer %d: the same-index case was not produced", l.Index, l.Peer.Index)
	}
	c := byName(t, snap, tp.c)
	ports := c.Ports(c.LinkByName("brc").Index)
	if len(ports) != 1 || ports[0].Name != "cu0" {
		t.Errorf("ports of brc in %s: %v, want [cu0]", tp.c, ports)
	}
	if holder.Named() || holder.Host {
		t.Errorf("the unshare namespace should be unnamed")
	}
	if !strings.HasPrefix(holder.DisplayName(), "pid "+strconv.Itoa(tp.holderPid)) {
		t.Errorf("unnamed namespace is called %q, want it named after pid %d", holder.DisplayName(), tp.holderPid)
	}
}

func TestDiscoverStaleAndEmpty(t *testing.T) {
	nstest.RequireRoot(t)
	empty := nstest.Netns(t)
	stale := nstest.Name("stale")
	// A name whose mount is gone: an empty file under the netns dir.
	nstest.Sh(t, "touch /run/netns/"+stale)
	t.Cleanup(func() { _ = exec.Command("rm", "-f", "/run/netns/"+stale).Run() })
	_, snap := snapshot(t)
	if ns := byName(t, snap, empty); !ns.Empty() || ns.Stale {
		t.Errorf("%s: empty=%v stale=%v, want empty and not stale", empty, ns.Empty(), ns.Stale)
	}
	if ns := byName(t, snap, stale); !ns.Stale {
		t.Errorf("%s should be stale", stale)
	}
	if h := snap.Host(); h == nil || h.Empty() {
		t.Errorf("host namespace missing or marked empty")
	}
}
