package nsops

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// A namespace without a name, held only by a process (as a container's
// is), is changed through its /proc path, and the commands shown use
// nsenter and `netns PATH`, which ip and nsenter take as they are.
func TestChangesInUnnamedNamespace(t *testing.T) {
	s := changeSystem(t)
	nstest.RequireTool(t, "unshare")
	nstest.RequireTool(t, "nsenter")
	holder := exec.Command("unshare", "-n", "sleep", "60")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	path := fmt.Sprintf("/proc/%d/ns/net", holder.Process.Pid)
	waitNsChanged(t, holder.Process.Pid)
	h := nstest.Name("h")
	nstest.HostLink(t, h)

	var hist model.History
	spec := model.VethIntoSpec{Name: h, PeerNs: path, PeerName: "eth0", PeerAddr: "10.0.5.2/24", Addr: "10.0.5.1/24"}
	cmds, err := s.VethInto(spec)
	if err != nil {
		t.Fatal(err)
	}
	hist.Record(cmds...)
	if !strings.Contains(cmdStrings(cmds), "nsenter --net="+path+" ip addr add 10.0.5.2/24 dev eth0") {
		t.Errorf("cmds:\n%s", cmdStrings(cmds))
	}
	inside := func(args ...string) string {
		out, err := exec.Command("nsenter", append([]string{"--net=" + path}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := inside("ip", "-br", "addr", "show", "eth0"); !strings.Contains(out, "10.0.5.2/24") || !strings.Contains(out, "UP") {
		t.Fatalf("inside: %s", out)
	}
	if out, err := exec.Command("ping", "-c1", "-W2", "10.0.5.2").CombinedOutput(); err != nil {
		t.Fatalf("ping into the unnamed namespace: %v\n%s", err, out)
	}
	if _, err := s.AddRoute(model.RouteSpec{Ns: path, Dst: "default", Gateway: "10.0.5.1"}); err != nil {
		t.Fatal(err)
	}
	if out := inside("ip", "route", "show", "default"); !strings.Contains(out, "via 10.0.5.1") {
		t.Fatalf("route: %s", out)
	}
	// Delete from the host, then replay the history: nsenter and
	// `netns PATH` rebuild it in the same unnamed namespace.
	if _, err := s.DeleteLink(model.LinkRef{Name: h}); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-c", hist.Script()).CombinedOutput(); err != nil {
		t.Fatalf("replay: %v\n%s\n%s", err, out, hist.Script())
	}
	if out := inside("ip", "-br", "addr", "show", "eth0"); !strings.Contains(out, "10.0.5.2/24") {
		t.Fatalf("after replay: %s", out)
	}
	_, err = s.SetLinkState(model.LinkStateSpec{Ns: "/proc/999999999/ns/net", Name: "eth0"})
	wantErr(t, err, "/proc/999999999/ns/net no longer exists")
}

// What the snapshot shows can be deleted through the specs made from it.
func TestDeleteWhatTheSnapshotShows(t *testing.T) {
	s := changeSystem(t)
	blue := nstest.Netns(t)
	ip := func(args ...string) { nstest.IP(t, append([]string{"-n", blue}, args...)...) }
	ip("link", "add", "p0", "type", "veth", "peer", "name", "p1")
	ip("link", "set", "p0", "up")
	ip("link", "set", "p1", "up")
	ip("addr", "add", "10.0.1.1/24", "dev", "p0")
	ip("addr", "add", "fd00:1::1/64", "dev", "p0", "nodad")
	ip("route", "add", "default", "via", "10.0.1.254")
	ip("route", "add", "10.9.0.0/16", "dev", "p1", "table", "16", "metric", "7")
	ip("route", "add", "10.8.0.1", "dev", "p1")
	ip("-6", "route", "add", "fd09::/64", "via", "fd00:1::2")
	ip("-6", "route", "add", "default", "dev", "p1")

	_, snap := snapshot(t)
	ns := byName(t, snap, blue)
	ours := func(r *model.Route) bool { return r.Protocol == 3 } // boot: made by ip route add
	n := 0
	for i := range ns.Routes {
		r := &ns.Routes[i]
		if !ours(r) {
			continue
		}
		spec, err := model.RouteSpecOf(model.ChangeNs(ns), r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteRoute(spec); err != nil {
			t.Errorf("delete %+v: %v", spec, err)
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d routes of ours in the snapshot, want 5", n)
	}
	for _, r := range ipjIn(t, blue, "route", "show", "table", "all") {
		if r["protocol"] == nil && r["type"] == nil {
			t.Errorf("route left: %v", r)
		}
	}
	p0 := ns.LinkByName("p0")
	for i := range p0.Addrs {
		if a := &p0.Addrs[i]; a.Scope == 0 {
			if _, err := s.DeleteAddr(model.AddrSpecOf(blue, p0, a)); err != nil {
				t.Error(err)
			}
		}
	}
	if a := addrsOf(linkIn(t, blue, "p0")); len(a) != 0 {
		t.Errorf("addresses left: %v", a)
	}
}
