package model

import (
	"net"
	"reflect"
	"strings"
	"testing"
)

func veth(index int, name string, parent int, nsid int) Link {
	return Link{Index: index, Name: name, Kind: "veth", ParentIndex: parent, HasParent: parent != 0, NetNsID: nsid, Flags: IFF_UP}
}

func lo() Link { return Link{Index: 1, Name: "lo", Flags: IFF_LOOPBACK | IFF_UP, NetNsID: NoNsID} }

// A host with two namespaces: blue's veth0 (index 2) pairs with the host's
// vh-blue (index 7); red's veth0 also sits at index 2 and pairs with the
// host's vh-red (index 8). blue and red are joined directly by a pair whose
// ends share index 3, the case where the kernel omits IFLA_LINK.
func sampleSnapshot() *Snapshot {
	host := Namespace{Key: NsKey{Ino: 100}, Host: true, Links: []Link{lo(),
		veth(7, "vh-blue", 2, 0), veth(8, "vh-red", 2, 1), {Index: 9, Name: "br0", Kind: "bridge", NetNsID: NoNsID}}}
	host.Links[1].MasterIndex = 9
	blue := Namespace{Key: NsKey{Ino: 200}, Name: "blue", Links: []Link{lo(), veth(2, "veth0", 7, 0), veth(3, "b2r", 0, 1)}}
	red := Namespace{Key: NsKey{Ino: 300}, Name: "red", Links: []Link{lo(), veth(2, "veth0", 8, 0), veth(3, "r2b", 0, 1)}}
	red.Links[2].HasParent = false
	blue.Links[2].HasParent = false
	return &Snapshot{Namespaces: []Namespace{host, blue, red}}
}

func TestPeerQueriesNarrowCandidates(t *testing.T) {
	s := sampleSnapshot()
	qs := PeerQueries(s)
	got := map[[2]uint64][]uint64{}
	for _, q := range qs {
		var c []uint64
		for _, k := range q.Candidates {
			c = append(c, k.Ino)
		}
		got[[2]uint64{q.From.Ino, uint64(q.NsID)}] = c
	}
	want := map[[2]uint64][]uint64{
		{100, 0}: {200}, // host's vh-blue → index 2 pointing back at 7: only blue
		{100, 1}: {300},
		{200, 0}: {100},
		{200, 1}: {300}, // b2r at 3 with no IFLA_LINK → a veth at 3 in red
		{300, 0}: {100},
		{300, 1}: {200},
	}
	if len(got) != len(want) {
		t.Fatalf("queries %v, want %v", got, want)
	}
	for k, w := range want {
		if g := got[k]; len(g) != len(w) || g[0] != w[0] {
			t.Errorf("from %d nsid %d: candidates %v, want %v", k[0], k[1], g, w)
		}
	}
}

func TestResolvePeers(t *testing.T) {
	s := sampleSnapshot()
	s.Namespaces[0].NsIDs = map[int]NsKey{0: {Ino: 200}, 1: {Ino: 300}}
	s.Namespaces[1].NsIDs = map[int]NsKey{0: {Ino: 100}, 1: {Ino: 300}}
	// red's nsid 1 is unanswered: its r2b must still say where it points.
	s.Namespaces[2].NsIDs = map[int]NsKey{0: {Ino: 100}}
	ResolvePeers(s)
	check := func(ns, link int, wantNs, wantName string) {
		t.Helper()
		l := &s.Namespaces[ns].Links[link]
		if l.Peer == nil {
			t.Fatalf("%s: no peer", l.Name)
		}
		if l.Peer.NsName != wantNs || l.Peer.Name != wantName {
			t.Errorf("%s in %s: peer %q/%q, want %q/%q", l.Name, s.Namespaces[ns].DisplayName(), l.Peer.NsName, l.Peer.Name, wantNs, wantName)
		}
	}
	check(0, 1, "blue", "veth0")
	check(0, 2, "red", "veth0")
	check(1, 1, "host", "vh-blue")
	check(1, 2, "red", "r2b")
	check(2, 1, "host", "vh-red")
	check(2, 2, "nsid 1", "")
	if got := PeerLabel(&s.Namespaces[2].Links[2]); got != "nsid 1 #3" {
		t.Errorf("unresolved peer label %q", got)
	}
	if s.Namespaces[0].Links[3].Peer != nil {
		t.Errorf("a bridge has no peer")
	}
}

func TestLocalVethPeer(t *testing.T) {
	ns := Namespace{Name: "x", Links: []Link{lo(), veth(2, "a", 3, NoNsID), veth(3, "b", 2, NoNsID)}}
	s := &Snapshot{Namespaces: []Namespace{ns}}
	ResolvePeers(s)
	if p := s.Namespaces[0].Links[1].Peer; p == nil || p.Name != "b" || p.NsName != "x" {
		t.Errorf("a's peer: %+v", p)
	}
}

func TestPortsAndMaster(t *testing.T) {
	s := sampleSnapshot()
	host := &s.Namespaces[0]
	ports := host.Ports(9)
	if len(ports) != 1 || ports[0].Name != "vh-blue" {
		t.Errorf("ports of br0: %v", ports)
	}
	if m := host.Master(&host.Links[1]); m == nil || m.Name != "br0" {
		t.Errorf("master of vh-blue: %v", m)
	}
	if m := host.Master(&host.Links[2]); m != nil {
		t.Errorf("vh-red has no master, got %v", m.Name)
	}
}

func TestDisplayNamesAndBadges(t *testing.T) {
	cases := []struct {
		ns   Namespace
		name string
	}{
		{Namespace{Name: "qrouter-e945b6b1-54be-49ef-95ed-5d524d2f3616"}, "qrouter-e945b6b1-54be-49ef-95ed-5d524d2f3616"},
		{Namespace{Host: true}, "host"},
		{Namespace{Name: "blue", Host: true}, "blue"},
		{Namespace{Procs: []Proc{{1234, "dnsmasq"}}}, "pid 1234 (dnsmasq)"},
		{Namespace{Procs: []Proc{{99, ""}}}, "pid 99"},
		{Namespace{Mounts: []string{"/run/docker/netns/abc"}}, "/run/docker/netns/abc"},
		{Namespace{FdHolders: []string{"42/7"}}, "fd 42/7"},
		{Namespace{Procs: []Proc{{5, "sleep"}}, Container: &Container{Runtime: "docker", ID: strings.Repeat("3f", 32)}}, "docker 3f3f3f3f3f3f"},
		{Namespace{Procs: []Proc{{5, "sleep"}}, Container: &Container{Runtime: "docker", ID: strings.Repeat("3f", 32), Name: "web1"}}, "docker web1"},
		{Namespace{Procs: []Proc{{5, "pause"}}, Container: &Container{Runtime: "containerd", ID: "ab", Name: "", Pod: "kube-system/coredns-5d78c9869d-abcde"}}, "pod kube-system/coredns-5d78c9869d-abcde"},
		{Namespace{Procs: []Proc{{5, "bash"}}, Container: &Container{Runtime: "mininet", ID: "h1", Name: "h1"}}, "mininet h1"},
		{Namespace{Name: "netns-a4a5815a", Procs: []Proc{{5, "sleep"}}, Container: &Container{Runtime: "podman", ID: "cd", Name: "web2"}}, "netns-a4a5815a"},
		{Namespace{Key: NsKey{Ino: 5}}, "net:[5]"},
	}
	for _, c := range cases {
		if got := c.ns.DisplayName(); got != c.name {
			t.Errorf("DisplayName = %q, want %q", got, c.name)
		}
	}
	empty := Namespace{Name: "leak", Links: []Link{lo()}}
	if !empty.Empty() {
		t.Errorf("a named namespace with only lo and no process is empty")
	}
	busy := Namespace{Name: "busy", Links: []Link{lo()}, Procs: []Proc{{1, "x"}}}
	if busy.Empty() {
		t.Errorf("a namespace with a process is not empty")
	}
	wired := Namespace{Name: "w", Links: []Link{lo(), veth(2, "v", 3, 0)}}
	if wired.Empty() {
		t.Errorf("a namespace with a veth is not empty")
	}
	stale := Namespace{Name: "gone", Stale: true}
	if stale.Empty() || !contains(Badges(&stale), "stale") {
		t.Errorf("stale: empty=%v badges=%v", stale.Empty(), Badges(&stale))
	}
	// An unnamed namespace is called by its container: no badge repeats it.
	unnamed := Namespace{Procs: []Proc{{5, "sleep"}}, Container: &Container{Runtime: "docker", ID: "0123456789ab"}}
	if b := Badges(&unnamed); !contains(b, "unnamed") || contains(b, "docker 0123456789ab") {
		t.Errorf("unnamed badges %v, want unnamed and no container", b)
	}
	// A named one (podman names its namespaces netns-<uuid>) says it in a badge.
	named := Namespace{Name: "netns-a4a5815a", Procs: []Proc{{5, "sleep"}}, Container: &Container{Runtime: "podman", ID: "cd", Name: "web2"}}
	if b := Badges(&named); !contains(b, "podman web2") {
		t.Errorf("named badges %v, want podman web2", b)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSortOrder(t *testing.T) {
	s := &Snapshot{Namespaces: []Namespace{
		{Name: "zeta", Stale: true}, {Procs: []Proc{{7, "a"}}, Key: NsKey{Ino: 7}},
		{Name: "red", Key: NsKey{Ino: 3}}, {Host: true, Key: NsKey{Ino: 1}}, {Name: "blue", Key: NsKey{Ino: 2}},
	}}
	s.Sort()
	var got []string
	for i := range s.Namespaces {
		got = append(got, s.Namespaces[i].DisplayName())
	}
	want := []string{"host", "blue", "red", "pid 7 (a)", "zeta"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}

func TestRouteDstString(t *testing.T) {
	cases := []struct {
		r    Route
		want string
	}{
		{Route{Family: AF_INET}, "default"},
		{Route{Family: AF_INET, Dst: net.ParseIP("10.0.0.0").To4(), DstLen: 8}, "10.0.0.0/8"},
		{Route{Family: AF_INET, Dst: net.ParseIP("10.0.0.1").To4(), DstLen: 32}, "10.0.0.1"},
		{Route{Family: AF_INET6, Dst: net.ParseIP("fd00::"), DstLen: 64}, "fd00::/64"},
		{Route{Family: AF_INET6, Dst: net.ParseIP("fd00::1"), DstLen: 128}, "fd00::1"},
	}
	for _, c := range cases {
		if got := c.r.DstString(); got != c.want {
			t.Errorf("DstString = %q, want %q", got, c.want)
		}
	}
}

func TestFlagNames(t *testing.T) {
	got := FlagNames(IFF_UP | IFF_BROADCAST | IFF_MULTICAST)
	want := []string{"NO-CARRIER", "BROADCAST", "MULTICAST", "UP"}
	if len(got) != len(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
	if got := FlagNames(IFF_UP | IFF_RUNNING | IFF_LOWER_UP | IFF_LOOPBACK); got[0] != "LOOPBACK" || len(got) != 3 {
		t.Errorf("running loopback: %v", got)
	}
}

func TestPropagateNsIDs(t *testing.T) {
	s := sampleSnapshot()
	// Only blue and red were asked; the host's ids follow from symmetry.
	s.Namespaces[1].NsIDs = map[int]NsKey{0: {Ino: 100}, 1: {Ino: 300}}
	s.Namespaces[2].NsIDs = map[int]NsKey{0: {Ino: 100}}
	PropagateNsIDs(s)
	host := s.Namespaces[0].NsIDs
	if host[0] != (NsKey{Ino: 200}) || host[1] != (NsKey{Ino: 300}) {
		t.Errorf("host ids after propagation: %v", host)
	}
	if red := s.Namespaces[2].NsIDs; red[1] != (NsKey{Ino: 200}) {
		t.Errorf("red's id for blue: %v", red)
	}
	if len(PeerQueries(s)) != 0 {
		t.Errorf("nothing should be left to ask: %v", PeerQueries(s))
	}
}

// Every file that opens a namespace, its path first and once.
func TestPaths(t *testing.T) {
	ns := Namespace{Path: "/run/docker/netns/8ac5354a1392", Mounts: []string{"/run/docker/netns/8ac5354a1392"},
		Procs: []Proc{{300, "sleep"}, {150, "sleep"}}, FdHolders: []string{"100/3"}}
	want := []string{"/run/docker/netns/8ac5354a1392", "/proc/300/ns/net", "/proc/150/ns/net", "/proc/100/fd/3"}
	if got := ns.Paths(); !reflect.DeepEqual(got, want) {
		t.Errorf("Paths = %q, want %q", got, want)
	}
	if got := (&Namespace{}).Paths(); len(got) != 0 {
		t.Errorf("a namespace with nothing holding it opens at %q", got)
	}
}

// At thousands of namespaces peers are found through maps, not searches:
// every veth of a large host and of each namespace still gets the peer a
// search by key and index finds, and the cost per namespace stays flat
// (BenchmarkResolvePeersPerNamespace).
func TestResolvePeersLargeHost(t *testing.T) {
	s := benchSnapshot(600)
	// An index twice in one namespace (never from the kernel): the first
	// one names the peer, as Link finds it.
	host := &s.Namespaces[0]
	host.Links = append(host.Links, Link{Index: host.Links[5].Index, Name: "dup", NetNsID: NoNsID})
	ResolvePeers(s)
	checked := 0
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		for j := range ns.Links {
			l := &ns.Links[j]
			if !l.IsVeth() {
				continue
			}
			other := s.Find(ns.NsIDs[l.NetNsID])
			want := other.Link(peerIndex(l))
			if l.Peer == nil || want == nil || l.Peer.Ns != other.Key || l.Peer.Name != want.Name {
				t.Fatalf("%s in %s: peer %+v, want %s in %s", l.Name, ns.DisplayName(), l.Peer, want.Name, other.DisplayName())
			}
			checked++
		}
	}
	if checked < 1800 {
		t.Fatalf("only %d veths checked", checked)
	}
}
