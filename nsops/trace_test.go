package nsops

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// traceLab is a set of namespaces made for one trace test.
type traceLab struct {
	t    *testing.T
	ours map[string]bool
	home string
}

func newTraceLab(t *testing.T) *traceLab {
	t.Helper()
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "ping")
	lab := &traceLab{t: t, ours: map[string]bool{}, home: nstest.HomeNamespace(t)}
	t.Cleanup(func() { nstest.AssertThreadsHome(t, lab.home) })
	return lab
}

// netns makes a namespace of the lab's, lo up and forwarding off (not
// the host's, which it would start with) until a test turns it on.
func (l *traceLab) netns() string {
	n := nstest.Netns(l.t)
	l.ours[n] = true
	nstest.IP(l.t, "-n", n, "link", "set", "lo", "up")
	l.forward(n, false)
	return n
}

func (l *traceLab) ip(args ...string) { l.t.Helper(); nstest.IP(l.t, args...) }

// veth joins a and b with a veth pair, both ends up.
func (l *traceLab) veth(a, aDev, b, bDev string) {
	l.t.Helper()
	l.ip("-n", a, "link", "add", aDev, "type", "veth", "peer", "name", bDev, "netns", b)
	l.ip("-n", a, "link", "set", aDev, "up")
	l.ip("-n", b, "link", "set", bDev, "up")
}

func (l *traceLab) forward(ns string, on bool) {
	l.t.Helper()
	nstest.Forwarding(l.t, ns, on)
}

// tracer reads the host (our namespaces and the host fully) and returns a
// Tracer over it, closed when the test ends, and a way to find our
// namespaces' keys.
func (l *traceLab) tracer() (*Tracer, func(name string) model.NsKey) {
	l.t.Helper()
	sys, err := New("")
	if err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { sys.Close() })
	snap, err := sys.Snapshot(context.Background(), ReadOptions{Full: func(ns *model.Namespace) bool { return ns.Host || l.ours[ns.Name] }})
	if err != nil {
		l.t.Fatal(err)
	}
	tr := sys.NewTracer(snap)
	l.t.Cleanup(tr.Close)
	return tr, func(name string) model.NsKey {
		l.t.Helper()
		ns, err := sys.Locate(snap, model.NsArg{Kind: model.ArgName, Name: name, Raw: name})
		if err != nil {
			l.t.Fatal(err)
		}
		return ns.Key
	}
}

// trace traces from the namespace from to dst (from src, when given).
func (l *traceLab) trace(from, dst, src string) *trace.Trace {
	l.t.Helper()
	tr, key := l.tracer()
	var srcIP net.IP
	if src != "" {
		srcIP = net.ParseIP(src)
	}
	res, err := tr.Trace(key(from), net.ParseIP(dst), srcIP)
	if err != nil {
		l.t.Fatal(err)
	}
	return res
}

// expect checks the verdict, where it ended and the reason, and that a
// real ping in the same state agrees: a reply exactly when the packet and
// its reply are delivered.
func (l *traceLab) expect(from, dst string, verdict trace.Verdict, where, reason string) *trace.Trace {
	l.t.Helper()
	return l.expectFrom(from, "", dst, verdict, where, reason)
}

// expectFrom is expect with a source address (--from, ping -I).
func (l *traceLab) expectFrom(from, src, dst string, verdict trace.Verdict, where, reason string) *trace.Trace {
	l.t.Helper()
	tr := l.trace(from, dst, src)
	var b strings.Builder
	trace.Write(&b, tr, nil, model.NoPaint)
	if tr.Verdict != verdict || tr.NsName != where || !strings.Contains(tr.Reason, reason) {
		l.t.Fatalf("trace %s → %s: got %s in %s, want %s in %s with %q\n%s", from, dst, tr.Verdict, tr.NsName, verdict, where, reason, b.String())
	}
	args := []string{"netns", "exec", from, "ping", "-n", "-c1", "-W1"}
	if src != "" {
		args = append(args, "-I", src)
	}
	err := exec.Command("ip", append(args, dst)...).Run()
	if replied := err == nil; replied != (tr.Answered() == trace.Delivered) {
		l.t.Fatalf("trace says %s (round trip %s) but ping replied=%v\n%s", verdict, tr.Answered(), replied, b.String())
	}
	return tr
}

func TestTraceKernelVeth(t *testing.T) {
	l := newTraceLab(t)
	a, b := l.netns(), l.netns()
	l.veth(a, "a0", b, "b0")
	l.ip("-n", a, "addr", "add", "10.231.1.1/24", "dev", "a0")
	l.ip("-n", b, "addr", "add", "10.231.1.2/24", "dev", "b0")
	tr := l.expect(a, "10.231.1.2", trace.Delivered, b, "10.231.1.2 is an address of "+b)
	if len(tr.Hops) != 2 || tr.Hops[0].Out != "a0" || tr.Hops[1].In != "b0" {
		t.Fatalf("hops %+v", tr.Hops)
	}
	if want := "10.231.1.0/24 dev a0 proto kernel scope link src 10.231.1.1 table main"; tr.Hops[0].Route != want {
		t.Errorf("route %q, want %q", tr.Hops[0].Route, want)
	}
	if want := "ip -n " + b + " route get 10.231.1.2 from 10.231.1.1 iif b0"; tr.Hops[1].Command != want {
		t.Errorf("command %q, want %q", tr.Hops[1].Command, want)
	}
	// The far end down: the veth's other end is named.
	l.ip("-n", b, "link", "set", "b0", "down")
	l.expect(a, "10.231.1.2", trace.Dropped, b, "veth peer down: b0 in "+b)
	// No route at all.
	l.expect(a, "10.232.0.1", trace.Dropped, a, "no route to 10.232.0.1 in "+a)
	// Its own address, with the loopback down.
	l.expect(a, "10.231.1.1", trace.Delivered, a, "")
	l.ip("-n", a, "link", "set", "lo", "down")
	l.expect(a, "10.231.1.1", trace.Dropped, a, "link down: lo in "+a+" is down")
	l.expect(a, "127.0.0.1", trace.Dropped, a, "link down: lo in "+a+" is down")
}

func TestTraceKernelHostBridge(t *testing.T) {
	l := newTraceLab(t)
	a, b := l.netns(), l.netns()
	br, va, vb := nstest.Name("br"), nstest.Name("v"), nstest.Name("v")
	nstest.HostLink(t, br)
	nstest.HostLink(t, va)
	nstest.HostLink(t, vb)
	l.ip("link", "add", br, "type", "bridge")
	l.ip("link", "set", br, "up")
	l.ip("-n", a, "link", "add", "eth0", "type", "veth", "peer", "name", va, "netns", "1")
	l.ip("-n", b, "link", "add", "eth0", "type", "veth", "peer", "name", vb, "netns", "1")
	for _, v := range []string{va, vb} {
		l.ip("link", "set", v, "master", br)
		l.ip("link", "set", v, "up")
	}
	for i, ns := range []string{a, b} {
		l.ip("-n", ns, "link", "set", "eth0", "up")
		l.ip("-n", ns, "addr", "add", []string{"10.231.5.1/24", "10.231.5.2/24"}[i], "dev", "eth0")
	}
	tr := l.expect(a, "10.231.5.2", trace.Delivered, b, "")
	wire := strings.Join(tr.Hops[0].Wire, " → ")
	if want := "eth0 (" + a + ") → " + va + " (host) → " + br + " (host) → " + vb + " (host) → eth0 (" + b + ")"; wire != want {
		t.Errorf("wire %q, want %q", wire, want)
	}
	// A port the bridge does not forward on yet: with STP on, a new port
	// listens and learns for twice the forward delay (here 2 × 30 s)
	// before it forwards. (Without STP the kernel puts any port it is
	// told to block straight back to forwarding.)
	l.ip("link", "set", vb, "nomaster")
	l.ip("link", "set", br, "type", "bridge", "stp_state", "1", "forward_delay", "3000")
	l.ip("link", "set", vb, "master", br)
	l.expect(a, "10.231.5.2", trace.Dropped, "host", "bridge port not forwarding: "+vb+" on "+br+" in host is l")
}

// router builds a — r — b where r forwards, and the way to b's far network
// 10.231.3.0/24 is only in r's table 200, chosen by a policy rule on r's
// ingress.
func routerLab(t *testing.T) (l *traceLab, a, r, b string) {
	l = newTraceLab(t)
	a, r, b = l.netns(), l.netns(), l.netns()
	l.veth(a, "a0", r, "ra")
	l.veth(b, "b0", r, "rb")
	l.ip("-n", a, "addr", "add", "10.231.1.1/24", "dev", "a0")
	l.ip("-n", r, "addr", "add", "10.231.1.254/24", "dev", "ra")
	l.ip("-n", r, "addr", "add", "10.231.2.254/24", "dev", "rb")
	l.ip("-n", b, "addr", "add", "10.231.2.2/24", "dev", "b0")
	l.ip("-n", b, "addr", "add", "10.231.3.3/32", "dev", "lo")
	l.ip("-n", a, "route", "add", "default", "via", "10.231.1.254")
	l.ip("-n", b, "route", "add", "default", "via", "10.231.2.254")
	l.ip("-n", r, "route", "add", "10.231.3.0/24", "via", "10.231.2.2", "table", "200")
	l.ip("-n", r, "rule", "add", "iif", "ra", "lookup", "200", "pref", "100")
	l.forward(r, true)
	return l, a, r, b
}

func TestTraceKernelRouter(t *testing.T) {
	l, a, r, b := routerLab(t)
	tr := l.expect(a, "10.231.3.3", trace.Delivered, b, "")
	var got []string
	for _, h := range tr.Hops {
		got = append(got, h.NsName+":"+h.In+">"+h.Out)
	}
	if want := a + ":>a0 " + r + ":ra>rb " + b + ":b0>"; strings.Join(got, " ") != want {
		t.Errorf("hops %s, want %s", strings.Join(got, " "), want)
	}
	if h := tr.Hops[1]; h.Route != "10.231.3.0/24 via 10.231.2.2 dev rb table 200" || h.Table != "200" || h.Via != "10.231.2.2" {
		t.Errorf("router hop %+v", h)
	}
	// The rule matters: traffic that starts in r itself misses table 200.
	l.expect(r, "10.231.3.3", trace.Dropped, r, "no route to 10.231.3.3 in "+r)
	// An explicit source works as the kernel's own choice.
	if tr := l.trace(a, "10.231.3.3", "10.231.1.1"); tr.Verdict != trace.Delivered {
		t.Errorf("with --from: %s %s", tr.Verdict, tr.Reason)
	}
}

func TestTraceKernelRPFilter(t *testing.T) {
	l, a, r, b := routerLab(t)
	// A source r has no way back to: with strict reverse-path filtering r
	// drops the packet on arrival; with it off the packet goes through and
	// the answer is what cannot come back.
	l.ip("-n", a, "addr", "add", "10.231.99.1/32", "dev", "lo")
	nstest.Sh(t, "ip netns exec "+r+" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.ra.rp_filter=1")
	l.expectFrom(a, "10.231.99.1", "10.231.3.3", trace.Dropped, r, "the reverse-path filter of "+r+" (rp_filter=1, strict) drops it: its way back to 10.231.99.1 is not through ra")
	nstest.Sh(t, "ip netns exec "+r+" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.ra.rp_filter=0")
	tr := l.expectFrom(a, "10.231.99.1", "10.231.3.3", trace.Delivered, b, "")
	if tr.Reply == nil || tr.Reply.NsName != r || !strings.Contains(tr.Reply.Reason, "no route to 10.231.99.1 in "+r) {
		t.Fatalf("reply %+v", tr.Reply)
	}
}

func TestTraceKernelReplyDropped(t *testing.T) {
	l, a, _, b := routerLab(t)
	l.ip("-n", b, "route", "del", "default")
	tr := l.expect(a, "10.231.2.2", trace.Delivered, b, "")
	if tr.Reply == nil || tr.Reply.Verdict != trace.Dropped || !strings.Contains(tr.Reply.Reason, "no route to 10.231.1.1 in "+b) {
		t.Fatalf("reply %+v", tr.Reply)
	}
}

func TestTraceKernelForwardingOff(t *testing.T) {
	l, a, r, _ := routerLab(t)
	l.forward(r, false)
	l.expect(a, "10.231.3.3", trace.Dropped, r, "forwarding off: "+r+" would have to forward the packet, but net.ipv4.ip_forward is 0")
	// The router's own far address is still delivered: no forwarding needed.
	l.expect(a, "10.231.2.254", trace.Delivered, r, "")
	// Forwarding on, but not for what arrives on ra.
	l.forward(r, true)
	nstest.Sh(t, "ip netns exec "+r+" sysctl -qw net.ipv4.conf.ra.forwarding=0")
	l.expect(a, "10.231.3.3", trace.Dropped, r, "forwarding off on ra: "+r+" does not forward what arrives there")
}

func TestTraceKernelLoop(t *testing.T) {
	l, a, r, _ := routerLab(t)
	// r sends 10.231.9.0/24 back to a, and a, forwarding, sends it to r.
	l.ip("-n", r, "route", "add", "10.231.9.0/24", "via", "10.231.1.1", "table", "200")
	l.forward(a, true)
	l.expect(a, "10.231.9.9", trace.Dropped, a, "a loop: the packet comes back to "+a)
}

func TestTraceKernelRejectRoutes(t *testing.T) {
	l, a, r, _ := routerLab(t)
	l.ip("-n", r, "route", "add", "blackhole", "10.231.7.0/24", "table", "200")
	l.ip("-n", r, "route", "add", "prohibit", "10.231.8.0/24", "table", "200")
	l.ip("-n", r, "route", "add", "unreachable", "10.231.6.0/24", "table", "200")
	tr := l.expect(a, "10.231.7.1", trace.Dropped, r, "a blackhole route matches 10.231.7.1 in "+r)
	if tr.Hops[1].Route != "blackhole 10.231.7.0/24 table 200" {
		t.Errorf("route %q", tr.Hops[1].Route)
	}
	l.expect(a, "10.231.8.1", trace.Dropped, r, "a prohibit route matches")
	l.expect(a, "10.231.6.1", trace.Dropped, r, "an unreachable route matches")
}

func TestTraceKernelReadsForwarding(t *testing.T) {
	l, _, r, b := routerLab(t)
	tr, key := l.tracer()
	for name, want := range map[string]bool{r: true, b: false} {
		st, err := tr.State(key(name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Forward4 != want {
			t.Errorf("%s: ip_forward read as %v, want %v", name, st.Forward4, want)
		}
		if _, ok := st.RPFilter["all"]; !ok {
			t.Errorf("%s: rp_filter read as %v", name, st.RPFilter)
		}
	}
}

func TestTracePing(t *testing.T) {
	l, a, r, b := routerLab(t)
	tr, locate := l.tracer()
	got, err := tr.Ping(locate(a), net.ParseIP("10.231.3.3"), nil)
	if err != nil || !got.Replied {
		t.Fatalf("ping across the router: %+v %v", got, err)
	}
	// From r itself 10.231.3.3 is not routed (table 200 is for ra only):
	// ping says so, and the reason is kept.
	got, err = tr.Ping(locate(r), net.ParseIP("10.231.3.3"), nil)
	if err != nil || got.Replied || !strings.Contains(got.Output, "unreachable") {
		t.Fatalf("ping without a route: %+v %v", got, err)
	}
	got, err = tr.Ping(locate(b), net.ParseIP("10.231.3.3"), net.ParseIP("10.231.3.3"))
	if err != nil || !got.Replied {
		t.Fatalf("ping with a source: %+v %v", got, err)
	}
}

// A bridge inside a namespace that is also the gateway: the packet is
// routed out of the bridge device and switched to the right port.
func TestTraceKernelBridgeInNamespace(t *testing.T) {
	l := newTraceLab(t)
	sw, h1, h2, h3 := l.netns(), l.netns(), l.netns(), l.netns()
	l.ip("-n", sw, "link", "add", "br0", "type", "bridge")
	l.ip("-n", sw, "link", "set", "br0", "up")
	l.ip("-n", sw, "addr", "add", "10.231.52.1/24", "dev", "br0")
	for i, h := range []string{h1, h2} {
		port := fmt.Sprintf("p%d", i+1)
		l.veth(sw, port, h, "e0")
		l.ip("-n", sw, "link", "set", port, "master", "br0")
		l.ip("-n", h, "addr", "add", fmt.Sprintf("10.231.52.1%d/24", i+1), "dev", "e0")
		l.ip("-n", h, "route", "add", "default", "via", "10.231.52.1")
	}
	l.veth(sw, "up0", h3, "e0")
	l.ip("-n", sw, "addr", "add", "10.231.53.1/24", "dev", "up0")
	l.ip("-n", h3, "addr", "add", "10.231.53.13/24", "dev", "e0")
	l.ip("-n", h3, "route", "add", "default", "via", "10.231.53.1")
	l.forward(sw, true)

	tr := l.expect(h3, "10.231.52.12", trace.Delivered, h2, "")
	if got, want := strings.Join(tr.Hops[1].Wire, " → "), "br0 ("+sw+") → p2 ("+sw+") → e0 ("+h2+")"; got != want {
		t.Errorf("wire %q, want %q", got, want)
	}
	l.expect(h1, "10.231.52.12", trace.Delivered, h2, "")
	l.expect(h1, "10.231.52.1", trace.Delivered, sw, "")
	l.expect(h1, "10.231.52.99", trace.Dropped, h1, "nothing behind e0 in "+h1+" has the address 10.231.52.99")
	l.expect(h3, "10.231.52.99", trace.Dropped, sw, "nothing behind br0 in "+sw+" has the address 10.231.52.99")
}

func TestTraceKernelIPv6(t *testing.T) {
	l, a, r, b := routerLab(t)
	for _, c := range [][]string{{a, "a0", "fd31:1::1/64"}, {r, "ra", "fd31:1::fe/64"}, {r, "rb", "fd31:2::fe/64"}, {b, "b0", "fd31:2::2/64"}} {
		l.ip("-n", c[0], "addr", "add", c[2], "dev", c[1], "nodad")
	}
	l.ip("-n", a, "-6", "route", "add", "default", "via", "fd31:1::fe")
	l.ip("-n", b, "-6", "route", "add", "default", "via", "fd31:2::fe")
	nstest.Sh(t, "ip netns exec "+r+" sysctl -qw net.ipv6.conf.all.forwarding=1")
	// Until duplicate address detection has passed on the link-local
	// addresses, neighbour discovery is not answered and a ping fails
	// although every route and switch says it would pass.
	for _, ns := range []string{a, r, b} {
		deadline := time.Now().Add(5 * time.Second)
		for strings.TrimSpace(nstest.IP(t, "-n", ns, "-6", "addr", "show", "tentative")) != "" && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
	}
	tr := l.expect(a, "fd31:2::2", trace.Delivered, b, "")
	if tr.Src.String() != "fd31:1::1" || tr.Hops[1].Command != "ip -n "+r+" route get fd31:2::2 from fd31:1::1 iif ra" {
		t.Errorf("src %v, router hop %+v", tr.Src, tr.Hops[1])
	}
	nstest.Sh(t, "ip netns exec "+r+" sysctl -qw net.ipv6.conf.all.forwarding=0")
	l.expect(a, "fd31:2::2", trace.Dropped, r, "forwarding off: "+r+" would have to forward the packet, but net.ipv6.conf.all.forwarding is 0")
}
