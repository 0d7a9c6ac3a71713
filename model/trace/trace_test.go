package trace

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// topo builds snapshots for trace tests. Namespaces are looked up by name
// each time, so appending never leaves a stale pointer behind.
type topo struct {
	t    *testing.T
	snap *model.Snapshot
	fwd  map[string]bool
	port map[model.NsKey]map[int]uint8
	fail map[string]RouteFail // "ns dst" → a refusal the fake kernel gives
	rpf  map[string]map[string]int
	fw   map[string]*model.Firewall // by namespace name
	brnf map[string]bool            // br_netfilter on, by namespace name
}

func newTopo(t *testing.T) *topo {
	return &topo{t: t, snap: &model.Snapshot{}, fwd: map[string]bool{}, port: map[model.NsKey]map[int]uint8{}, fail: map[string]RouteFail{}, rpf: map[string]map[string]int{}}
}

func (tp *topo) ns(name string) *model.Namespace {
	for i := range tp.snap.Namespaces {
		if tp.snap.Namespaces[i].Name == name || (name == "host" && tp.snap.Namespaces[i].Host) {
			return &tp.snap.Namespaces[i]
		}
	}
	ns := model.Namespace{Key: model.NsKey{Dev: 4, Ino: uint64(4026531000 + len(tp.snap.Namespaces))}, Name: name}
	if name == "host" {
		ns.Name, ns.Host = "", true
	}
	ns.Links = []model.Link{{Index: 1, Name: "lo", Flags: model.IFF_UP | model.IFF_LOOPBACK | model.IFF_RUNNING}}
	tp.snap.Namespaces = append(tp.snap.Namespaces, ns)
	return &tp.snap.Namespaces[len(tp.snap.Namespaces)-1]
}

func (tp *topo) link(nsName, name, kind string) *model.Link {
	ns := tp.ns(nsName)
	ns.Links = append(ns.Links, model.Link{Index: len(ns.Links) + 1, Name: name, Kind: kind, Flags: model.IFF_UP | model.IFF_RUNNING | model.IFF_BROADCAST, NetNsID: model.NoNsID})
	return &ns.Links[len(ns.Links)-1]
}

func (tp *topo) veth(nsA, a, nsB, b string) {
	la := tp.link(nsA, a, "veth")
	lb := tp.link(nsB, b, "veth")
	na, nb := tp.ns(nsA), tp.ns(nsB)
	la.Peer = &model.PeerRef{Ns: nb.Key, Index: lb.Index, Name: b, NsName: nb.DisplayName()}
	lb.Peer = &model.PeerRef{Ns: na.Key, Index: la.Index, Name: a, NsName: na.DisplayName()}
}

func (tp *topo) master(nsName, port, bridge string) {
	ns := tp.ns(nsName)
	ns.LinkByName(port).MasterIndex = ns.LinkByName(bridge).Index
}

func (tp *topo) down(nsName, dev string) {
	ns := tp.ns(nsName)
	ns.LinkByName(dev).Flags &^= model.IFF_UP | model.IFF_RUNNING
}

// addr puts cidr on dev and its connected route in the main table, as the
// kernel does for an up link.
func (tp *topo) addr(nsName, dev, cidr string) {
	ip, n, err := net.ParseCIDR(cidr)
	if err != nil {
		tp.t.Fatal(err)
	}
	ns := tp.ns(nsName)
	l := ns.LinkByName(dev)
	ones, _ := n.Mask.Size()
	l.Addrs = append(l.Addrs, model.Addr{Family: model.FamilyOf(ip), Local: ip, PrefixLen: ones})
	if l.Up() {
		ns.Routes = append(ns.Routes, model.Route{Family: model.FamilyOf(ip), Type: model.RTN_UNICAST, Dst: n.IP, DstLen: ones, Table: model.TableMain,
			Protocol: 2, Scope: 253, DevIndex: l.Index, Dev: dev, PrefSrc: ip})
	}
}

func (tp *topo) route(nsName, dst, via, dev string, typ uint8) {
	ns := tp.ns(nsName)
	r := model.Route{Family: model.AF_INET, Type: typ, Table: model.TableMain, Protocol: 3}
	if dst != "default" {
		_, n, err := net.ParseCIDR(dst)
		if err != nil {
			tp.t.Fatal(err)
		}
		r.Dst = n.IP
		r.DstLen, _ = n.Mask.Size()
	}
	if via != "" {
		r.Gateway = net.ParseIP(via)
	}
	if dev != "" {
		l := ns.LinkByName(dev)
		r.DevIndex, r.Dev = l.Index, dev
	}
	ns.Routes = append(ns.Routes, r)
}

// lookup is a small stand-in for the kernel: local addresses, then the
// longest prefix in the main table, refusals for the reject types.
func (tp *topo) lookup(k model.NsKey, q RouteQuery) (RouteResult, error) {
	ns := tp.snap.Find(k)
	if f, ok := tp.fail[ns.Name+" "+q.Dst.String()]; ok {
		return RouteResult{Fail: f, Detail: "refused"}, nil
	}
	if ownsAddrUp(ns, q.Dst) {
		return RouteResult{Type: model.RTN_LOCAL, Table: model.TableLocal, Out: "lo", OutIndex: 1,
			Match: &model.Route{Family: model.FamilyOf(q.Dst), Type: model.RTN_LOCAL, Dst: q.Dst, DstLen: 32, Table: model.TableLocal, Protocol: 2, Scope: 254, Dev: "lo"}}, nil
	}
	var best *model.Route
	for i := range ns.Routes {
		r := &ns.Routes[i]
		if p := r.Prefix(); (p == nil || p.Contains(q.Dst)) && (best == nil || r.DstLen > best.DstLen) {
			best = r
		}
	}
	if best == nil {
		return RouteResult{Fail: RouteNone, Detail: "network is unreachable"}, nil
	}
	switch best.Type {
	case model.RTN_BLACKHOLE:
		return RouteResult{Fail: RouteBlackhole}, nil
	case model.RTN_UNREACHABLE:
		return RouteResult{Fail: RouteUnreachable}, nil
	case model.RTN_PROHIBIT:
		return RouteResult{Fail: RouteProhibit}, nil
	}
	res := RouteResult{Type: best.Type, Table: best.Table, OutIndex: best.DevIndex, Out: best.Dev, Gateway: best.Gateway, Match: best}
	if l := ns.Link(best.DevIndex); l != nil && len(l.Addrs) > 0 {
		res.PrefSrc = l.Addrs[0].Local
	}
	return res, nil
}

func (tp *topo) state(k model.NsKey) (NsState, error) {
	ns := tp.snap.Find(k)
	rpf := tp.rpf[ns.Name]
	if rpf == nil {
		rpf = map[string]int{"all": 0}
	}
	return NsState{Forward4: tp.fwd[ns.Name], Forward6: tp.fwd[ns.Name], PortState: tp.port[k], RPFilter: rpf,
		BridgeNF4: tp.brnf[topoName(ns)], BridgeNF6: tp.brnf[topoName(ns)]}, nil
}

func (tp *topo) firewall(k model.NsKey) (*model.Firewall, error) {
	return tp.fw[topoName(tp.snap.Find(k))], nil
}

// topoName is the name a topo gives a namespace: "host" for the host's.
func topoName(ns *model.Namespace) string {
	if ns.Host {
		return "host"
	}
	return ns.Name
}

func (tp *topo) trace(from, dst string) *Trace {
	tp.t.Helper()
	return tp.traceProbe(from, dst, Probe{})
}

func (tp *topo) traceProbe(from, dst string, p Probe) *Trace {
	tp.t.Helper()
	tr, err := Follow(Request{Snap: tp.snap, From: tp.ns(from).Key, Dst: net.ParseIP(dst), Probe: p, Lookup: tp.lookup, State: tp.state, Firewall: tp.firewall})
	if err != nil {
		tp.t.Fatal(err)
	}
	return tr
}

func expect(t *testing.T, tr *Trace, verdict Verdict, ns, reason string) {
	t.Helper()
	if tr.Verdict != verdict || tr.NsName != ns || !strings.Contains(tr.Reason, reason) {
		var b bytes.Buffer
		Write(&b, tr, nil, model.NoPaint)
		t.Fatalf("got %s in %s (%s), want %s in %s containing %q\n%s", tr.Verdict, tr.NsName, tr.Reason, verdict, ns, reason, b.String())
	}
}

// vethPair: a (10.0.1.1/24, a0) — b (10.0.1.2/24, b0).
func vethPair(t *testing.T) *topo {
	tp := newTopo(t)
	tp.veth("a", "a0", "b", "b0")
	tp.addr("a", "a0", "10.0.1.1/24")
	tp.addr("b", "b0", "10.0.1.2/24")
	return tp
}

func TestTraceVethDelivered(t *testing.T) {
	tr := vethPair(t).trace("a", "10.0.1.2")
	expect(t, tr, Delivered, "b", "10.0.1.2 is an address of b")
	if len(tr.Hops) != 2 {
		t.Fatalf("hops = %+v", tr.Hops)
	}
	h0, h1 := tr.Hops[0], tr.Hops[1]
	if h0.NsName != "a" || h0.In != "" || h0.Out != "a0" || h0.Via != "" || h0.Command != "ip -n a route get 10.0.1.2" {
		t.Errorf("first hop %+v", h0)
	}
	if !strings.Contains(h0.Route, "10.0.1.0/24 dev a0") || h0.Table != "main" {
		t.Errorf("first hop route %q table %q", h0.Route, h0.Table)
	}
	if got := strings.Join(h0.Wire, " → "); got != "a0 (a) → b0 (b)" {
		t.Errorf("wire %q", got)
	}
	if h1.NsName != "b" || h1.In != "b0" || h1.Out != "" || h1.Command != "ip -n b route get 10.0.1.2 from 10.0.1.1 iif b0" {
		t.Errorf("last hop %+v", h1)
	}
	if tr.Src.String() != "10.0.1.1" {
		t.Errorf("src %v", tr.Src)
	}
}

func TestTraceLocalInStart(t *testing.T) {
	tr := vethPair(t).trace("a", "10.0.1.1")
	expect(t, tr, Delivered, "a", "address of a")
	if len(tr.Hops) != 1 {
		t.Fatalf("hops = %+v", tr.Hops)
	}
}

func TestTraceLoopbackDown(t *testing.T) {
	tp := vethPair(t)
	tp.down("a", "lo")
	expect(t, tp.trace("a", "10.0.1.1"), Dropped, "a", "link down: lo in a is down, and packets to the namespace's own addresses go through it")
	expect(t, tp.trace("a", "127.0.0.1"), Dropped, "a", "link down: lo in a is down")
	// Arriving from outside, the loopback plays no part.
	expect(t, tp.trace("b", "10.0.1.1"), Delivered, "a", "")
}

func TestTraceNearEndDown(t *testing.T) {
	tp := newTopo(t)
	tp.veth("a", "a0", "b", "b0")
	tp.down("a", "a0")
	tp.addr("a", "a0", "10.0.1.1/24") // down: no connected route
	tp.addr("b", "b0", "10.0.1.2/24")
	expect(t, tp.trace("a", "10.0.1.2"), Dropped, "a", "link down: a0 in a is down")
}

func TestTraceNoRoute(t *testing.T) {
	tr := vethPair(t).trace("a", "192.0.2.9")
	expect(t, tr, Dropped, "a", "no route to 192.0.2.9 in a")
	if tr.Command != "ip -n a route get 192.0.2.9" {
		t.Errorf("command %q", tr.Command)
	}
}

// hostBridge: a and b plugged into br0 in the host, 10.0.5.0/24.
func hostBridge(t *testing.T) *topo {
	tp := newTopo(t)
	tp.link("host", "br0", "bridge")
	tp.veth("a", "eth0", "host", "va")
	tp.veth("b", "eth0", "host", "vb")
	tp.master("host", "va", "br0")
	tp.master("host", "vb", "br0")
	tp.addr("a", "eth0", "10.0.5.1/24")
	tp.addr("b", "eth0", "10.0.5.2/24")
	return tp
}

func TestTraceHostBridge(t *testing.T) {
	tr := hostBridge(t).trace("a", "10.0.5.2")
	expect(t, tr, Delivered, "b", "")
	if got := strings.Join(tr.Hops[0].Wire, " → "); got != "eth0 (a) → va (host) → br0 (host) → vb (host) → eth0 (b)" {
		t.Errorf("wire %q", got)
	}
	if tr.Hops[1].In != "eth0" {
		t.Errorf("ingress %q", tr.Hops[1].In)
	}
}

func TestTraceToBridgeAddress(t *testing.T) {
	tp := hostBridge(t)
	tp.addr("host", "br0", "10.0.5.254/24")
	tr := tp.trace("a", "10.0.5.254")
	expect(t, tr, Delivered, "host", "")
	if tr.Hops[1].In != "br0" {
		t.Errorf("ingress %q, want br0", tr.Hops[1].In)
	}
	// And back out of the host's own bridge.
	expect(t, tp.trace("host", "10.0.5.2"), Delivered, "b", "")
}

// router: a 10.0.1.1 — r (10.0.1.254, 10.0.2.254) — b 10.0.2.2, default
// routes through r.
func router(t *testing.T) *topo {
	tp := newTopo(t)
	tp.veth("a", "a0", "r", "ra")
	tp.veth("b", "b0", "r", "rb")
	tp.addr("a", "a0", "10.0.1.1/24")
	tp.addr("r", "ra", "10.0.1.254/24")
	tp.addr("r", "rb", "10.0.2.254/24")
	tp.addr("b", "b0", "10.0.2.2/24")
	tp.route("a", "default", "10.0.1.254", "a0", model.RTN_UNICAST)
	tp.route("b", "default", "10.0.2.254", "b0", model.RTN_UNICAST)
	tp.fwd["r"] = true
	return tp
}

func TestTraceRouter(t *testing.T) {
	tr := router(t).trace("a", "10.0.2.2")
	expect(t, tr, Delivered, "b", "")
	var names []string
	for _, h := range tr.Hops {
		names = append(names, h.NsName+":"+h.In+">"+h.Out)
	}
	if got := strings.Join(names, " "); got != "a:>a0 r:ra>rb b:b0>" {
		t.Errorf("hops %s", got)
	}
	if tr.Hops[0].Via != "10.0.1.254" || !strings.HasPrefix(tr.Hops[0].Route, "default via 10.0.1.254 dev a0") {
		t.Errorf("first hop %+v", tr.Hops[0])
	}
	if tr.Hops[1].Command != "ip -n r route get 10.0.2.2 from 10.0.1.1 iif ra" {
		t.Errorf("router command %q", tr.Hops[1].Command)
	}
	if r := tr.Reply; r == nil || r.Verdict != Delivered || r.NsName != "a" || len(r.Hops) != 3 ||
		r.Hops[0].Command != "ip -n b route get 10.0.1.1 from 10.0.2.2" {
		t.Errorf("reply %+v", tr.Reply)
	}
}

func TestTraceReplyDropped(t *testing.T) {
	tp := router(t)
	// b has no way back to a's network.
	b := tp.ns("b")
	b.Routes = b.Routes[:len(b.Routes)-1]
	tr := tp.trace("a", "10.0.2.2")
	expect(t, tr, Delivered, "b", "")
	if tr.Answered() != Dropped || tr.Reply.NsName != "b" || !strings.Contains(tr.Reply.Reason, "no route to 10.0.1.1 in b") {
		t.Fatalf("reply %+v", tr.Reply)
	}
	var buf bytes.Buffer
	Write(&buf, tr, &PingResult{}, model.NoPaint)
	for _, want := range []string{"reply dropped in b: no route to 10.0.1.1 in b", "by hand   ip -n b route get 10.0.1.1 from 10.0.2.2"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), "disagrees") {
		t.Errorf("no reply agrees with a dropped reply:\n%s", buf.String())
	}
}

func TestTraceForwardingOff(t *testing.T) {
	tp := router(t)
	tp.fwd["r"] = false
	expect(t, tp.trace("a", "10.0.2.2"), Dropped, "r", "forwarding off: r would have to forward the packet, but net.ipv4.ip_forward is 0 there")
	// Its own addresses it still answers for.
	expect(t, tp.trace("a", "10.0.2.254"), Delivered, "r", "")
}

// TestTraceEnds changes one thing in a working topology and checks where
// and why the trace then ends.
func TestTraceEnds(t *testing.T) {
	for _, c := range []struct {
		name      string
		build     func(*testing.T) *topo
		change    func(*topo)
		from, dst string
		verdict   Verdict
		ns        string
		reason    string
	}{
		{"veth peer down", vethPair, func(tp *topo) { tp.down("b", "b0") },
			"a", "10.0.1.2", Dropped, "b", "veth peer down: b0 in b, the other end of a0 in a"},
		{"nobody has the next hop", vethPair, func(*topo) {},
			"a", "10.0.1.7", Dropped, "a", "nothing behind a0 in a has the address 10.0.1.7"},
		{"bridge port blocking", hostBridge, func(tp *topo) {
			tp.port[tp.ns("host").Key] = map[int]uint8{tp.ns("host").LinkByName("vb").Index: BrStateBlocking}
		}, "a", "10.0.5.2", Dropped, "host", "bridge port not forwarding: vb on br0 in host is blocking"},
		{"bridge port down", hostBridge, func(tp *topo) {
			tp.down("host", "vb")
			tp.port[tp.ns("host").Key] = map[int]uint8{tp.ns("host").LinkByName("vb").Index: BrStateDisabled}
		}, "a", "10.0.5.2", Dropped, "host", "link down: vb in host is down"},
		// The port is up but lost its carrier: STP calls it disabled, and
		// the cause to name is the far end.
		{"bridge port's far end down", hostBridge, func(tp *topo) {
			tp.down("b", "eth0")
			tp.port[tp.ns("host").Key] = map[int]uint8{tp.ns("host").LinkByName("vb").Index: BrStateDisabled}
		}, "a", "10.0.5.2", Dropped, "b", "veth peer down: eth0 in b, the other end of vb in host, is down"},
		{"bridge down", hostBridge, func(tp *topo) { tp.down("host", "br0") },
			"a", "10.0.5.2", Dropped, "host", "link down: bridge br0 in host is down"},
		// a's end could not be resolved; the host's end knows it.
		{"one-sided peer", hostBridge, func(tp *topo) { tp.ns("a").LinkByName("eth0").Peer = nil },
			"a", "10.0.5.2", Delivered, "b", ""},
		// r sends 10.9.0.0/16 back to a, and a (forwarding) sends it to r.
		{"loop", router, func(tp *topo) {
			tp.route("r", "10.9.0.0/16", "10.0.1.1", "ra", model.RTN_UNICAST)
			tp.fwd["a"] = true
		}, "b", "10.9.1.1", Dropped, "r", "a loop: the packet comes back to r"},
		{"rp_filter before 6.13", router, func(tp *topo) {
			tp.fail["r 10.0.2.2"] = RouteRPFilter
			tp.rpf["r"] = map[string]int{"all": 0, "ra": 1}
		}, "a", "10.0.2.2", Dropped, "r", "the reverse-path filter of r (rp_filter=1, strict) drops it: its way back to 10.0.1.1 is not through ra"},
		// From 6.13 a failed source check reads EINVAL, as a blackhole does.
		{"rp_filter loose", router, func(tp *topo) {
			tp.fail["r 10.0.2.2"] = RouteBlackhole
			tp.rpf["r"] = map[string]int{"all": 2}
		}, "a", "10.0.2.2", Dropped, "r", "(rp_filter=2, loose) drops it: it has no way back to 10.0.1.1"},
		{"forwarding off on one device", router, func(tp *topo) { tp.fail["r 10.0.2.2"] = RouteUnreachable },
			"a", "10.0.2.2", Dropped, "r", "forwarding off on ra: r does not forward what arrives there (net.ipv4.conf.ra.forwarding is 0)"},
		{"martian", router, func(tp *topo) { tp.fail["r 10.0.2.2"] = RouteBlackhole },
			"a", "10.0.2.2", Dropped, "r", "r drops it as martian: the source 10.0.1.1 is not one it accepts on ra"},
		// The kernel names a device the snapshot no longer has.
		{"route's device gone", vethPair, func(tp *topo) {
			a := tp.ns("a")
			a.Routes = append(a.Routes, model.Route{Family: model.AF_INET, Type: model.RTN_UNICAST, Table: model.TableMain,
				Dst: net.IP{192, 0, 2, 0}, DstLen: 24, DevIndex: 99, Dev: "gone0"})
		}, "a", "192.0.2.9", Dropped, "a", "the route's device gone0 is not in the snapshot (it changed meanwhile; trace again)"},
		{"untraced route type", vethPair, func(tp *topo) { tp.route("a", "192.0.2.0/24", "", "a0", model.RTN_BROADCAST) },
			"a", "192.0.2.9", Dropped, "a", "the route is of type broadcast, which trace does not follow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tp := c.build(t)
			c.change(tp)
			expect(t, tp.trace(c.from, c.dst), c.verdict, c.ns, c.reason)
		})
	}
}

func TestTraceRejectRoutes(t *testing.T) {
	for typ, want := range map[uint8]string{
		model.RTN_BLACKHOLE:   "a blackhole route matches 10.7.0.1 in a",
		model.RTN_UNREACHABLE: "an unreachable route matches 10.7.0.1 in a",
		model.RTN_PROHIBIT:    "a prohibit route matches 10.7.0.1 in a",
	} {
		tp := router(t)
		tp.route("a", "10.7.0.0/16", "", "", typ)
		tr := tp.trace("a", "10.7.0.1")
		expect(t, tr, Dropped, "a", want)
		if wantRoute := model.RouteTypeName(typ) + " 10.7.0.0/16 table main"; tr.Hops[0].Route != wantRoute {
			t.Errorf("%s: route %q, want %q", model.RouteTypeName(typ), tr.Hops[0].Route, wantRoute)
		}
	}
}

func TestTraceLeavesHost(t *testing.T) {
	tp := router(t)
	tp.link("r", "eth0", "")
	tp.addr("r", "eth0", "192.0.2.10/24")
	tp.route("r", "default", "192.0.2.1", "eth0", model.RTN_UNICAST)
	tr := tp.trace("a", "198.51.100.7")
	expect(t, tr, Leaves, "r", "leaves the host through eth0 (device) in r towards 192.0.2.1")
	if tr.Device != "eth0" {
		t.Errorf("device %q", tr.Device)
	}
	lines := Lines(tr, nil, model.NoPaint)
	if last := lines[len(lines)-1].Text; last != "leaves the host through eth0 (device) in r towards 192.0.2.1" {
		t.Errorf("verdict line %q", last)
	}
	tp.link("host", "vx0", "vxlan")
	tp.addr("host", "vx0", "10.200.0.1/24")
	expect(t, tp.trace("host", "10.200.0.9"), Leaves, "host", "vx0 (vxlan)")
}

func TestTraceSrcNotLocal(t *testing.T) {
	tp := vethPair(t)
	_, err := Follow(Request{Snap: tp.snap, From: tp.ns("a").Key, Dst: net.ParseIP("10.0.1.2"), Src: net.ParseIP("10.0.1.2"), Lookup: tp.lookup, State: tp.state})
	if !errors.Is(err, ErrSrcNotLocal) {
		t.Fatalf("err = %v", err)
	}
}

func TestTraceJSONAndText(t *testing.T) {
	tp := router(t)
	// A hostile namespace name stays exact in JSON and inert in text.
	tp.ns("b").Name = "b\x1b[31m"
	tr := tp.trace("a", "10.0.2.2")
	var doc struct {
		Verdict string `json:"verdict"`
		Reason  string `json:"reason"`
		Netns   string `json:"netns"`
		Hops    []struct {
			Netns string  `json:"netns"`
			In    *string `json:"in"`
			Out   *string `json:"out"`
			Route string  `json:"route"`
			Via   *string `json:"via"`
		} `json:"hops"`
	}
	if err := json.Unmarshal(JSON(tr, nil), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Verdict != "delivered" || doc.Netns != "b\x1b[31m" || len(doc.Hops) != 3 {
		t.Fatalf("json %+v", doc)
	}
	if doc.Hops[0].In != nil || *doc.Hops[0].Out != "a0" || *doc.Hops[0].Via != "10.0.1.254" || doc.Hops[2].Out != nil || *doc.Hops[1].In != "ra" {
		t.Errorf("hops %+v", doc.Hops)
	}
	var b bytes.Buffer
	Write(&b, tr, &PingResult{Replied: false}, model.NoPaint)
	text := b.String()
	if strings.Contains(text, "\x1b") {
		t.Errorf("raw escape in text:\n%q", text)
	}
	for _, want := range []string{"trace to 10.0.2.2 from 10.0.1.1", "● r  in ra", "by hand   ip -n r route get 10.0.2.2 from 10.0.1.1 iif ra", "delivered in b", "ping disagrees"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// A permanent neighbour entry with a MAC that is not the far end's sends
// every frame to no one: ping loses them all, so the trace says dropped.
func TestTraceWrongPermanentNeighbour(t *testing.T) {
	for _, tc := range []struct {
		mac     string
		verdict Verdict
	}{{"02:00:00:00:00:99", Dropped}, {"02:00:00:00:00:b0", Delivered}} {
		tp := vethPair(t)
		b0 := tp.ns("b").LinkByName("b0")
		b0.MAC, _ = net.ParseMAC("02:00:00:00:00:b0")
		a := tp.ns("a")
		lladdr, _ := net.ParseMAC(tc.mac)
		a.Neighbours = append(a.Neighbours, model.Neighbour{Family: model.AF_INET, Dst: net.ParseIP("10.0.1.2").To4(),
			DevIndex: a.LinkByName("a0").Index, Dev: "a0", LLAddr: lladdr, State: nudPermanent})
		tr := tp.trace("a", "10.0.1.2")
		if tc.verdict == Dropped {
			expect(t, tr, Dropped, "a", "the permanent neighbour entry for 10.0.1.2 on a0 in a says 02:00:00:00:00:99")
		} else {
			expect(t, tr, Delivered, "b", "10.0.1.2 is an address of b")
		}
	}
}
