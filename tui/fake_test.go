package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// fakeSource serves constructed snapshots, so the UI is tested without
// root. Every call is counted.
type fakeSource struct {
	mu      sync.Mutex
	snap    *model.Snapshot
	reread  map[model.NsKey]*model.Namespace
	sockets map[model.NsKey][]model.Socket
	procs   map[model.NsKey][]model.Process
	// firewall is each namespace's firewall at its nth reading (from 0).
	firewall  map[model.NsKey]func(n int) *model.Firewall
	readings  map[model.NsKey]int
	conntrack map[model.NsKey]*model.Conntrack
	sysctls   map[model.NsKey]model.Sysctls
	calls     map[string]int
	watcher   *fakeWatcher
	snapshot  func() *model.Snapshot // when set, each Snapshot call asks it
	// counters are the readings of each namespace's counters, served in
	// turn a second apart (the last again once they run out); without
	// any, reading fails, and the Links tab shows no rates.
	counters map[model.NsKey][]*model.Namespace
	served   map[model.NsKey]int
	// block, while set, holds every Read until it is closed; readKeys
	// counts the reads of each namespace.
	block    chan struct{}
	readKeys map[model.NsKey]int
}

func newFakeSource(snap *model.Snapshot) *fakeSource {
	return &fakeSource{snap: snap, calls: map[string]int{}, reread: map[model.NsKey]*model.Namespace{},
		sockets: map[model.NsKey][]model.Socket{}, procs: map[model.NsKey][]model.Process{},
		firewall: map[model.NsKey]func(int) *model.Firewall{}, readings: map[model.NsKey]int{}, conntrack: map[model.NsKey]*model.Conntrack{},
		sysctls:  map[model.NsKey]model.Sysctls{},
		watcher:  &fakeWatcher{ch: make(chan model.Change, 8)},
		counters: map[model.NsKey][]*model.Namespace{}, served: map[model.NsKey]int{}, readKeys: map[model.NsKey]int{}}
}

func (f *fakeSource) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

func (f *fakeSource) note(name string) {
	f.mu.Lock()
	f.calls[name]++
	f.mu.Unlock()
}

// Discover serves the namespaces of the fake's snapshot (or of the next
// one snapshot makes) as discovery finds them: nothing read inside.
func (f *fakeSource) Discover(context.Context) (*model.Snapshot, error) {
	f.note("Discover")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.snapshot != nil {
		f.snap = f.snapshot()
	}
	found := &model.Snapshot{Warnings: f.snap.Warnings}
	for i := range f.snap.Namespaces {
		found.Namespaces = append(found.Namespaces, discovered(&f.snap.Namespaces[i]))
	}
	return found, nil
}

// discovered is what discovery finds of ns: what opens it and who holds it.
func discovered(ns *model.Namespace) model.Namespace {
	return model.Namespace{Key: ns.Key, Name: ns.Name, Host: ns.Host, Stale: ns.Stale, Path: ns.Path,
		Mounts: ns.Mounts, FdHolders: ns.FdHolders, Procs: ns.Procs, Container: ns.Container}
}

// Read serves the namespaces of keys as the fake's snapshot has them,
// counting each ("read" in calls, and reads by key); while block is set
// it waits for it to close, as a host whose reads never end.
func (f *fakeSource) Read(ctx context.Context, _ *model.Snapshot, keys []model.NsKey) ([]model.Namespace, error) {
	f.note("Read")
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	at := make(map[model.NsKey]int, len(f.snap.Namespaces))
	for i := range f.snap.Namespaces {
		if !f.snap.Namespaces[i].Stale {
			at[f.snap.Namespaces[i].Key] = i
		}
	}
	var out []model.Namespace
	for _, k := range keys {
		f.calls["read"]++
		f.readKeys[k]++
		if i, ok := at[k]; ok {
			out = append(out, f.snap.Namespaces[i])
		}
	}
	return out, nil
}

func (f *fakeSource) Reread(_ context.Context, _ *model.Snapshot, key model.NsKey) (*model.Namespace, error) {
	f.note("Reread")
	f.mu.Lock()
	defer f.mu.Unlock()
	if ns, ok := f.reread[key]; ok {
		return ns, nil
	}
	if ns := f.snap.Find(key); ns != nil {
		c := *ns
		return &c, nil
	}
	return nil, errors.New("gone")
}

func (f *fakeSource) Sockets(_ context.Context, ns *model.Namespace) ([]model.Socket, error) {
	f.note("Sockets")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sockets[ns.Key], nil
}

func (f *fakeSource) Processes(_ context.Context, ns *model.Namespace) ([]model.Process, error) {
	f.note("Processes")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.procs[ns.Key], nil
}

func (f *fakeSource) Counters(_ context.Context, ns *model.Namespace) (*model.Namespace, time.Time, error) {
	f.note("Counters")
	return f.reading(ns)
}

func (f *fakeSource) CountersEach(_ context.Context, nss []*model.Namespace, fn func(*model.Namespace, time.Time, error)) error {
	f.note("CountersEach")
	for _, ns := range nss {
		read, at, err := f.reading(ns)
		if read == nil {
			read = &model.Namespace{Key: ns.Key, Name: ns.Name}
		}
		fn(read, at, err)
	}
	return nil
}

// countersT0 is when the fake's first reading of each namespace is taken.
var countersT0 = time.Date(2024, 5, 1, 12, 4, 5, 0, time.UTC)

func (f *fakeSource) reading(ns *model.Namespace) (*model.Namespace, time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rs := f.counters[ns.Key]
	if len(rs) == 0 {
		return nil, time.Time{}, errors.New("no counters in this fake")
	}
	i := f.served[ns.Key]
	f.served[ns.Key]++
	read := *rs[min(i, len(rs)-1)]
	return &read, countersT0.Add(time.Duration(i) * time.Second), nil
}

func (f *fakeSource) Watch(context.Context) (Watcher, error) {
	f.note("Watch")
	return f.watcher, nil
}

type fakeWatcher struct {
	mu      sync.Mutex
	ch      chan model.Change
	focused []model.NsKey // in the order asked; the zero key for none
	rows    []model.NsKey // the last rows asked for
	closed  bool
}

func (w *fakeWatcher) Changes() <-chan model.Change { return w.ch }
func (w *fakeWatcher) Focus(ns *model.Namespace) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ns == nil {
		w.focused = append(w.focused, model.NsKey{})
		return
	}
	w.focused = append(w.focused, ns.Key)
}
func (w *fakeWatcher) Rows(rows []*model.Namespace) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rows = w.rows[:0]
	for _, ns := range rows {
		w.rows = append(w.rows, ns.Key)
	}
}

// lastFocus is what the watcher follows now: the last namespace it was
// asked to focus on.
func (w *fakeWatcher) lastFocus() model.NsKey {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.focused) == 0 {
		return model.NsKey{}
	}
	return w.focused[len(w.focused)-1]
}
func (w *fakeWatcher) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.closed = true
		close(w.ch)
	}
	return nil
}

// fakeRunner records what it was asked to start.
type fakeRunner struct {
	mu     sync.Mutex
	shells []string
	runs   []string
	out    []byte
	code   int
}

func (r *fakeRunner) Shell(ns *model.Namespace) (tea.ExecCommand, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shells = append(r.shells, ns.DisplayName())
	return &fakeExec{}, nil
}

func (r *fakeRunner) Run(_ context.Context, ns *model.Namespace, command string, live io.Writer) ([]byte, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs = append(r.runs, ns.DisplayName()+": "+command)
	if live != nil {
		_, _ = live.Write(r.out)
	}
	return r.out, r.code, nil
}

type fakeExec struct{}

func (fakeExec) Run() error          { return nil }
func (fakeExec) SetStdin(io.Reader)  {}
func (fakeExec) SetStdout(io.Writer) {}
func (fakeExec) SetStderr(io.Writer) {}

// Keys of the fake namespaces.
var (
	kHost    = model.NsKey{Dev: 4, Ino: 4026531840}
	kRouter  = model.NsKey{Dev: 4, Ino: 4026532448}
	kDHCP    = model.NsKey{Dev: 4, Ino: 4026532512}
	kBlue    = model.NsKey{Dev: 4, Ino: 4026532600}
	kDnsmasq = model.NsKey{Dev: 4, Ino: 4026532700}
	kDocker  = model.NsKey{Dev: 4, Ino: 4026532800}
	kEvil    = model.NsKey{Dev: 4, Ino: 4026532900}
)

const (
	routerName = "qrouter-e945b6b1-54be-49ef-95ed-5d524d2f3616"
	dhcpName   = "qdhcp-dae14f7d-8a2c-4d8e-9f1b-0c3e5a7b9d21"
	evilName   = "evil\x1b[31mred\x07\u202e"
	evilLink   = "e\x1b]0;pwn\x07"
)

func mac(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func addr(cidr string) model.Addr {
	ip, n, err := net.ParseCIDR(cidr)
	if err != nil {
		panic(err)
	}
	ones, _ := n.Mask.Size()
	fam, scope := model.AF_INET, uint8(0)
	if ip.To4() == nil {
		fam = model.AF_INET6
		if ip.IsLinkLocalUnicast() {
			scope = 253
		}
	}
	if ip.IsLoopback() {
		scope = 254
	}
	return model.Addr{Family: fam, Local: ip, PrefixLen: ones, Scope: scope, Flags: model.IFA_F_PERMANENT}
}

const upFlags = model.IFF_UP | model.IFF_BROADCAST | model.IFF_MULTICAST | model.IFF_RUNNING | model.IFF_LOWER_UP

func lo() model.Link {
	return model.Link{Index: 1, Name: "lo", Flags: model.IFF_UP | model.IFF_LOOPBACK | model.IFF_RUNNING, MTU: 65536,
		OperState: 0, Addrs: []model.Addr{addr("127.0.0.1/8")}, NetNsID: model.NoNsID}
}

func link(index int, name, kind string, m string, addrs ...string) model.Link {
	l := model.Link{Index: index, Name: name, Kind: kind, Flags: upFlags, MTU: 1500, OperState: 6, MAC: mac(m), NetNsID: model.NoNsID}
	for _, a := range addrs {
		l.Addrs = append(l.Addrs, addr(a))
	}
	return l
}

// wire makes a and b the two ends of a veth pair.
func wire(a *model.Namespace, ai int, b *model.Namespace, bi int) {
	la, lb := a.Link(ai), b.Link(bi)
	la.Peer = &model.PeerRef{Ns: b.Key, Index: bi, Name: lb.Name, NsName: b.DisplayName()}
	lb.Peer = &model.PeerRef{Ns: a.Key, Index: ai, Name: la.Name, NsName: a.DisplayName()}
}

func route(dst, via, dev string, devIndex int, table uint32) model.Route {
	r := model.Route{Family: model.AF_INET, Type: model.RTN_UNICAST, Table: table, Protocol: 3, Dev: dev, DevIndex: devIndex}
	if dst != "default" {
		_, n, _ := net.ParseCIDR(dst)
		r.Dst = n.IP
		r.DstLen, _ = n.Mask.Size()
	}
	if via != "" {
		r.Gateway = net.ParseIP(via)
	} else {
		r.Protocol, r.Scope = 2, 253
	}
	return r
}

// fakeSnapshot is a small network node: the host with two bridges, a
// qrouter and a qdhcp namespace plugged into them, an empty named one, an
// unnamed one held by dnsmasq, a container's, a stale name and a hostile
// name whose link is called with an escape sequence.
func fakeSnapshot() *model.Snapshot {
	host := model.Namespace{Key: kHost, Host: true, Path: "/proc/self/ns/net",
		Procs: []model.Proc{{Pid: 1, Comm: "systemd"}, {Pid: 812, Comm: "sshd"}},
		Links: []model.Link{lo(),
			link(2, "eth0", "", "52:54:00:12:34:56", "192.168.122.10/24", "fe80::5054:ff:fe12:3456/64"),
			link(3, "br-ex", "bridge", "aa:bb:cc:00:00:03", "172.24.4.1/24"),
			link(4, "br-int", "bridge", "aa:bb:cc:00:00:04"),
			link(5, "tap76de6d23-a8", "veth", "fe:16:3e:00:00:05"),
			link(6, "qgp-e5b9712e", "veth", "fe:16:3e:00:00:06"),
			link(7, "tapdae14f7d-11", "veth", "fe:16:3e:00:00:07"),
			link(8, "veth1234", "veth", "fe:16:3e:00:00:08"),
			link(9, "veth3f2a9c1", "veth", "fe:16:3e:00:00:09"),
			link(10, "vethevil", "veth", "fe:16:3e:00:00:0a"),
		},
		Routes: []model.Route{route("default", "192.168.122.1", "eth0", 2, model.TableMain),
			route("192.168.122.0/24", "", "eth0", 2, model.TableMain)},
		Rules: []model.Rule{{Family: model.AF_INET, Priority: 0, Action: model.FR_ACT_TO_TBL, Table: 255, SuppressPrefixlen: -1, SuppressIfgroup: -1},
			{Family: model.AF_INET, Priority: 32766, Action: model.FR_ACT_TO_TBL, Table: 254, SuppressPrefixlen: -1, SuppressIfgroup: -1},
			{Family: model.AF_INET, Priority: 32767, Action: model.FR_ACT_TO_TBL, Table: 253, SuppressPrefixlen: -1, SuppressIfgroup: -1}},
		NsIDs: map[int]model.NsKey{0: kRouter, 1: kDHCP, 2: kDnsmasq, 3: kDocker},
	}
	for _, i := range []int{5, 7} {
		host.Link(i).MasterIndex = 4
	}
	host.Link(6).MasterIndex = 3
	router := model.Namespace{Key: kRouter, Name: routerName, Path: "/run/netns/" + routerName,
		Procs: []model.Proc{{Pid: 2001, Comm: "keepalived"}, {Pid: 2002, Comm: "haproxy"}},
		Links: []model.Link{lo(),
			link(14, "qr-76de6d23-a8", "veth", "fa:16:3e:4c:2a:01", "10.0.0.1/24"),
			link(15, "qg-e5b9712e-b0", "veth", "fa:16:3e:4c:2a:02", "172.24.4.10/24", "2001:db8::10/64"),
		},
		Routes: []model.Route{route("default", "172.24.4.1", "qg-e5b9712e-b0", 15, model.TableMain),
			route("10.0.0.0/24", "", "qr-76de6d23-a8", 14, model.TableMain),
			route("default", "10.0.0.254", "qr-76de6d23-a8", 14, 16)},
		Rules: []model.Rule{{Family: model.AF_INET, Priority: 0, Action: model.FR_ACT_TO_TBL, Table: 255, SuppressPrefixlen: -1, SuppressIfgroup: -1},
			{Family: model.AF_INET, Priority: 32766, Action: model.FR_ACT_TO_TBL, Table: 254, SuppressPrefixlen: -1, SuppressIfgroup: -1},
			{Family: model.AF_INET, Priority: 57481, Src: net.ParseIP("10.0.0.0").To4(), SrcLen: 24, Action: model.FR_ACT_TO_TBL, Table: 16, SuppressPrefixlen: -1, SuppressIfgroup: -1}},
		Neighbours: []model.Neighbour{{Family: model.AF_INET, Dst: net.ParseIP("10.0.0.2"), Dev: "qr-76de6d23-a8", DevIndex: 14,
			LLAddr: mac("fa:16:3e:aa:bb:cc"), State: 0x02}},
	}
	dhcp := model.Namespace{Key: kDHCP, Name: dhcpName, Path: "/run/netns/" + dhcpName,
		Procs: []model.Proc{{Pid: 3001, Comm: "dnsmasq"}},
		Links: []model.Link{lo(), link(2, "ns-dae14f7d-11", "veth", "fa:16:3e:4c:2a:03", "10.0.0.2/24")}}
	blue := model.Namespace{Key: kBlue, Name: "blue", Path: "/run/netns/blue", Links: []model.Link{lo()}}
	dnsmasq := model.Namespace{Key: kDnsmasq, Procs: []model.Proc{{Pid: 1234, Comm: "dnsmasq"}}, Path: "/proc/1234/ns/net",
		Links: []model.Link{lo(), link(2, "eth0", "veth", "02:42:ac:11:00:02", "10.99.0.2/24")}}
	docker := model.Namespace{Key: kDocker, Procs: []model.Proc{{Pid: 4242, Comm: "nginx"}}, Path: "/proc/4242/ns/net",
		Container: &model.Container{Runtime: "docker", ID: "3f2a9c1b7d0e"}, Links: []model.Link{lo(), link(2, "eth0", "veth", "02:42:ac:11:00:03", "172.17.0.3/16")}}
	stale := model.Namespace{Name: "ghost", Stale: true, Path: "/run/netns/ghost"}
	evil := model.Namespace{Key: kEvil, Name: evilName, Path: "/run/netns/evil",
		Procs: []model.Proc{{Pid: 6666, Comm: "x\x1b[2J"}},
		Links: []model.Link{lo(), link(2, evilLink, "veth", "02:00:00:00:00:66", "10.66.0.1/24")}}

	snap := &model.Snapshot{Namespaces: []model.Namespace{host, router, dhcp, blue, dnsmasq, docker, evil, stale}}
	snap.Sort()
	find := func(k model.NsKey) *model.Namespace { return snap.Find(k) }
	wire(find(kHost), 5, find(kRouter), 14)
	wire(find(kHost), 6, find(kRouter), 15)
	wire(find(kHost), 7, find(kDHCP), 2)
	wire(find(kHost), 8, find(kDnsmasq), 2)
	wire(find(kHost), 9, find(kDocker), 2)
	wire(find(kHost), 10, find(kEvil), 2)
	return snap
}

// bigSnapshot is n OpenStack-like namespaces, for benchmarks.
func bigSnapshot(n int) *model.Snapshot {
	snap := &model.Snapshot{}
	host := model.Namespace{Key: kHost, Host: true, Links: []model.Link{lo()}}
	snap.Namespaces = append(snap.Namespaces, host)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("qrouter-%08x-54be-49ef-95ed-5d524d2f%04x", i*7919, i)
		ns := model.Namespace{Key: model.NsKey{Dev: 4, Ino: uint64(4026540000 + i)}, Name: name,
			Procs: []model.Proc{{Pid: 10000 + i, Comm: "haproxy"}},
			Links: []model.Link{lo(),
				link(2, fmt.Sprintf("qr-%08x-a8", i), "veth", "fa:16:3e:00:00:01", fmt.Sprintf("10.%d.%d.1/24", i/256, i%256)),
				link(3, fmt.Sprintf("qg-%08x-b0", i), "veth", "fa:16:3e:00:00:02", fmt.Sprintf("172.16.%d.%d/16", i/256, i%256))},
			Routes: []model.Route{route("default", "172.16.0.1", "qg", 3, model.TableMain)}}
		snap.Namespaces = append(snap.Namespaces, ns)
	}
	return snap
}

func fakeSockets() []model.Socket {
	return []model.Socket{
		{Proto: "tcp", Local: net.ParseIP("0.0.0.0"), Port: 9697, State: "LISTEN", Procs: []model.Proc{{Pid: 2002, Comm: "haproxy"}}},
		{Proto: "udp", Local: net.ParseIP("10.0.0.1"), Port: 53, State: "UNCONN", Procs: []model.Proc{{Pid: 2001, Comm: "keepalived"}}},
		{Proto: "tcp6", Local: net.ParseIP("::"), Port: 22, State: "LISTEN"},
	}
}

func fakeProcs() []model.Process {
	return []model.Process{
		{Pid: 2001, Comm: "keepalived", Cmdline: []string{"/usr/sbin/keepalived", "-P", "-f", "/var/lib/neutron/ha_confs/keepalived.conf"}},
		{Pid: 2002, Comm: "haproxy", Cmdline: []string{"haproxy", "-f", "/var/lib/neutron/ns-metadata-proxy/it's.conf"}},
		{Pid: 2003, Comm: "kworker"},
	}
}

func (f *fakeSource) Firewall(_ context.Context, ns *model.Namespace) (*model.Firewall, error) {
	f.note("Firewall")
	f.mu.Lock()
	defer f.mu.Unlock()
	if fw := f.firewall[ns.Key]; fw != nil {
		n := f.readings[ns.Key]
		f.readings[ns.Key]++
		return fw(n), nil
	}
	return nil, errors.New("firewall of " + ns.DisplayName() + ": nothing faked")
}

func (f *fakeSource) Conntrack(_ context.Context, ns *model.Namespace) (*model.Conntrack, error) {
	f.note("Conntrack")
	f.mu.Lock()
	defer f.mu.Unlock()
	if ct, ok := f.conntrack[ns.Key]; ok {
		return ct, nil
	}
	return &model.Conntrack{Count: -1, Max: -1}, nil
}

func (f *fakeSource) Sysctls(_ context.Context, ns *model.Namespace) (model.Sysctls, error) {
	f.note("Sysctls")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sysctls[ns.Key], nil
}

// readHost puts snap on screen as if discovered and every namespace read:
// what a test that starts from a snapshot means.
func readHost(snap *model.Snapshot) modelFunc {
	return func(m *Model) {
		r := newHostRead()
		r.rows = len(snap.Namespaces) > keepFullUpTo
		for i := range snap.Namespaces {
			if ns := &snap.Namespaces[i]; !ns.Stale {
				r.pos[ns.Key], r.state[ns.Key] = i, nsFull
			}
		}
		m.hostRead = r
		m.setSnapshot(snap)
	}
}
