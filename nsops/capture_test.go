package nsops

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/packetline"
	"github.com/lazyns/lazyns/model/pcapfilter"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// lines collects what a capture delivers as tcpdump -n lines.
type lines struct {
	mu    sync.Mutex
	f     *packetline.Formatter
	got   []string
	times []time.Time
}

func (l *lines) deliver(ps []packetline.Packet) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		l.f = packetline.NewFormatter()
	}
	for i := range ps {
		l.got = append(l.got, l.f.Line(&ps[i]))
		l.times = append(l.times, ps[i].Time)
	}
}

func (l *lines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.got...)
}

func count(lines []string, part string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, part) {
			n++
		}
	}
	return n
}

// pairPoints reads the host and returns the capture points of both ends
// of p.
func pairPoints(t *testing.T, p nstest.VethPair) (*System, *model.Snapshot, model.CapturePoint, model.CapturePoint) {
	t.Helper()
	sys, snap := snapshot(t)
	a, b := byName(t, snap, p.A), byName(t, snap, p.B)
	return sys, snap, model.PointOf(a, a.LinkByName(p.IfA)), model.PointOf(b, b.LinkByName(p.IfB))
}

func ping(t *testing.T, ns, dst string, n string) {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", ns, "ping", "-c", n, "-i", "0.2", "-W", "2", dst).CombinedOutput()
	if err != nil {
		t.Fatalf("ping from %s to %s: %v\n%s", ns, dst, err, out)
	}
}

// A capture on one end of a veth while ping -c 5 runs sees exactly five
// echo requests and five replies; a UDP stream sent meanwhile is seen
// without a filter and left out, in the kernel, by "icmp".
func TestCapturePingAndFilter(t *testing.T) {
	nstest.RequireTool(t, "ping")
	p := nstest.NewVethPair(t)
	home := nstest.HomeNamespace(t)
	sys, snap, pa, _ := pairPoints(t, p)
	ping(t, p.A, p.IPB, "1") // neighbours resolved before the capture

	for _, filter := range []string{"icmp", ""} {
		var l lines
		c, err := sys.StartCapture(snap, []model.CapturePoint{pa}, CaptureOptions{Filter: filter, Deliver: l.deliver})
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		sent := nstest.UDPFlow(t, p, 5301, InNamespace, stop)
		ping(t, p.A, p.IPB, "5")
		close(stop)
		n := <-sent
		stats := c.Stop()
		got := l.all()
		if r, q := count(got, "ICMP echo request"), count(got, "ICMP echo reply"); r != 5 || q != 5 {
			t.Errorf("filter %q: %d echo requests and %d replies, want 5 and 5:\n%s", filter, r, q, strings.Join(got, "\n"))
		}
		udp := count(got, " UDP, length 8")
		switch {
		case n < 100:
			t.Fatalf("the UDP stream sent only %d datagrams", n)
		case filter == "icmp" && udp != 0:
			t.Errorf("icmp let %d UDP datagrams through", udp)
		case filter == "" && udp != n:
			t.Errorf("no filter: %d UDP datagrams seen of %d sent", udp, n)
		}
		if count(got, " Out IP "+p.IPA+" > "+p.IPB+": ICMP echo request") != 5 || count(got, " In IP "+p.IPB+" > "+p.IPA+": ICMP echo reply") != 5 {
			t.Errorf("filter %q: directions wrong:\n%s", filter, strings.Join(got, "\n"))
		}
		if len(stats) != 1 || stats[0].Seen != uint64(len(got)) || stats[0].Dropped != 0 || stats[0].Tag != p.IfA+"@"+p.A || stats[0].Err != nil {
			t.Errorf("filter %q: stats %+v for %d lines", filter, stats, len(got))
		}
		t.Logf("filter %q: %d lines, %d UDP datagrams sent", filter, len(got), n)
	}
	nstest.WaitThreadsHome(t, home)
}

// Capturing on both ends of a veth merges the two sockets in time order:
// each echo request is seen leaving one end before it arrives at the
// other, and each reply the other way.
func TestCaptureBothEndsInOrder(t *testing.T) {
	nstest.RequireTool(t, "ping")
	p := nstest.NewVethPair(t)
	sys, snap, pa, pb := pairPoints(t, p)
	ping(t, p.A, p.IPB, "1")
	var l lines
	c, err := sys.StartCapture(snap, []model.CapturePoint{pa, pb}, CaptureOptions{Filter: "icmp", Deliver: l.deliver})
	if err != nil {
		t.Fatal(err)
	}
	ping(t, p.A, p.IPB, "5")
	stats := c.Stop()
	got := l.all()
	tagA, tagB := p.IfA+"@"+p.A, p.IfB+"@"+p.B
	var want []string
	for range 5 {
		want = append(want,
			tagA+" Out IP "+p.IPA+" > "+p.IPB+": ICMP echo request",
			tagB+" In IP "+p.IPA+" > "+p.IPB+": ICMP echo request",
			tagB+" Out IP "+p.IPB+" > "+p.IPA+": ICMP echo reply",
			tagA+" In IP "+p.IPB+" > "+p.IPA+": ICMP echo reply")
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("line %d: %q, want it to contain %q", i, got[i], want[i])
		}
		if i > 0 && l.times[i].Before(l.times[i-1]) {
			t.Errorf("line %d is earlier than the one before it", i)
		}
	}
	if len(stats) != 2 || stats[0].Seen != 10 || stats[1].Seen != 10 || c.Late() != 0 {
		t.Errorf("stats %+v, late %d", stats, c.Late())
	}
}

// Promiscuous mode is on only while a capture that asked for it runs.
func TestCapturePromiscOnlyWhenAsked(t *testing.T) {
	p := nstest.NewVethPair(t)
	sys, snap, pa, _ := pairPoints(t, p)
	promiscuity := func() string {
		out := nstest.IP(t, "-n", p.A, "-d", "link", "show", p.IfA)
		i := strings.Index(out, "promiscuity ")
		if i < 0 {
			t.Fatalf("no promiscuity in ip -d link:\n%s", out)
		}
		return strings.Fields(out[i:])[1]
	}
	for _, promisc := range []bool{false, true} {
		c, err := sys.StartCapture(snap, []model.CapturePoint{pa}, CaptureOptions{Promisc: promisc, Deliver: func([]packetline.Packet) {}})
		if err != nil {
			t.Fatal(err)
		}
		want := "0"
		if promisc {
			want = "1"
		}
		if got := promiscuity(); got != want {
			t.Errorf("capturing with promisc %v: promiscuity %s, want %s", promisc, got, want)
		}
		c.Stop()
		if got := promiscuity(); got != "0" {
			t.Errorf("after the capture (promisc %v): promiscuity %s", promisc, got)
		}
	}
}

// A wrong interface or filter opens nothing and says what is wrong; an
// interface deleted during a capture ends its point with the reason.
func TestCaptureErrors(t *testing.T) {
	p := nstest.NewVethPair(t)
	home := nstest.HomeNamespace(t)
	sys, snap, pa, pb := pairPoints(t, p)
	fds := nstest.OpenFDs(t)
	nop := func([]packetline.Packet) {}

	bad := pb
	bad.Name = "nosuch0"
	_, err := sys.StartCapture(snap, []model.CapturePoint{pa, bad}, CaptureOptions{Deliver: nop})
	if !errors.Is(err, ErrNoInterface) || !strings.Contains(err.Error(), "nosuch0 in "+p.B) {
		t.Errorf("unknown interface: %v", err)
	}
	_, err = sys.StartCapture(snap, []model.CapturePoint{pa}, CaptureOptions{Filter: "tcp[13] = 2", Deliver: nop})
	var ferr *pcapfilter.Error
	if !errors.As(err, &ferr) || ferr.Word == "" {
		t.Errorf("unsupported filter: %v", err)
	}
	if n := nstest.OpenFDs(t); n != fds {
		t.Errorf("%d descriptors open after failed starts, %d before", n, fds)
	}

	c, err := sys.StartCapture(snap, []model.CapturePoint{pa, pb}, CaptureOptions{Deliver: nop})
	if err != nil {
		t.Fatal(err)
	}
	nstest.IP(t, "-n", p.B, "link", "del", p.IfB) // both ends go
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the capture did not end when its interfaces were deleted")
	}
	for _, st := range c.Stop() {
		if st.Err == nil || !strings.Contains(st.Err.Error(), "went away") {
			t.Errorf("%s: %v, want that the interface went away", st.Tag, st.Err)
		}
	}
	if n := nstest.OpenFDs(t); n != fds {
		t.Errorf("%d descriptors open after the capture, %d before", n, fds)
	}
	nstest.AssertThreadsHome(t, home)
}

// A frame with a VLAN tag crosses the pair: sent with the tag in its
// bytes from A, it arrives at B with the tag taken off by the kernel and
// kept beside it. Both captures show it tagged, the same bytes, and
// "vlan 42" picks it out on both sides while "vlan 7" does not.
func TestCaptureVLANTagPutBack(t *testing.T) {
	p := nstest.NewVethPair(t)
	sys, snap, pa, pb := pairPoints(t, p)
	a, b := byName(t, snap, p.A), byName(t, snap, p.B)
	la, lb := a.LinkByName(p.IfA), b.LinkByName(p.IfB)

	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 9, Seq: 1}
	frame := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(frame, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&layers.Ethernet{SrcMAC: la.MAC, DstMAC: lb.MAC, EthernetType: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 42, Priority: 3, Type: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: net.ParseIP("10.42.0.1"), DstIP: net.ParseIP("10.42.0.2")},
		icmp, gopacket.Payload("lazyns vlan"))
	if err != nil {
		t.Fatal(err)
	}

	var got [2][]packetline.Packet
	var mu sync.Mutex
	keep := func(side int) func([]packetline.Packet) {
		return func(ps []packetline.Packet) {
			mu.Lock()
			defer mu.Unlock()
			for _, q := range ps {
				q.Data = bytes.Clone(q.Data)
				got[side] = append(got[side], q)
			}
		}
	}
	var off lines
	ca, err := sys.StartCapture(snap, []model.CapturePoint{pa}, CaptureOptions{Filter: "vlan 42 and icmp", Deliver: keep(0)})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := sys.StartCapture(snap, []model.CapturePoint{pb}, CaptureOptions{Filter: "vlan 42 and icmp", Deliver: keep(1)})
	if err != nil {
		t.Fatal(err)
	}
	cx, err := sys.StartCapture(snap, []model.CapturePoint{pa, pb}, CaptureOptions{Filter: "vlan 7", Deliver: off.deliver})
	if err != nil {
		t.Fatal(err)
	}
	held, err := sys.hold(a)
	if err != nil {
		t.Fatal(err)
	}
	defer held.close()
	err = held.do(func() error {
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		return unix.Sendto(fd, frame.Bytes(), 0, &unix.SockaddrLinklayer{Ifindex: la.Index, Halen: 6})
	})
	if err != nil {
		t.Fatal(err)
	}
	ca.Stop()
	cb.Stop()
	cx.Stop()
	if len(got[0]) != 1 || len(got[1]) != 1 {
		t.Fatalf("vlan 42: %d packets on %s, %d on %s; want 1 and 1", len(got[0]), p.IfA, len(got[1]), p.IfB)
	}
	for side, q := range []packetline.Packet{got[0][0], got[1][0]} {
		if !bytes.Equal(q.Data, frame.Bytes()) || q.Length != len(frame.Bytes()) {
			t.Errorf("side %d: %d of %d bytes, not the frame sent:\n got %x\nwant %x", side, len(q.Data), q.Length, q.Data, frame.Bytes())
		}
		if line := packetline.NewFormatter().Line(&q); !strings.Contains(line, "vlan 42, ") || !strings.Contains(line, "ICMP echo request, id 9, seq 1") {
			t.Errorf("side %d: %q", side, line)
		}
	}
	if got[0][0].Dir != packetline.Out || got[1][0].Dir != packetline.In {
		t.Errorf("directions %v and %v", got[0][0].Dir, got[1][0].Dir)
	}
	if l := off.all(); len(l) != 0 {
		t.Errorf("vlan 7 let through: %q", l)
	}
}

// A tun device has no link-layer header: its packets are raw IP, and a
// filter compiled for raw IP picks them out. A packet written into the
// tun arrives on it (In); the kernel's answer leaves through it (Out).
func TestCaptureTunIsRawIP(t *testing.T) {
	ns := nstest.Netns(t)
	nstest.IP(t, "-n", ns, "tuntap", "add", "dev", "tun0", "mode", "tun")
	nstest.IP(t, "-n", ns, "addr", "add", "10.8.0.1", "peer", "10.8.0.2", "dev", "tun0")
	nstest.IP(t, "-n", ns, "link", "set", "tun0", "up")
	sys, snap := snapshot(t)
	n := byName(t, snap, ns)
	held, err := sys.hold(n)
	if err != nil {
		t.Fatal(err)
	}
	defer held.close()
	var tun *os.File
	err = held.do(func() error {
		fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != nil {
			return err
		}
		ifr, _ := unix.NewIfreq("tun0")
		ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
		if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
			unix.Close(fd)
			return err
		}
		tun = os.NewFile(uintptr(fd), "tun0")
		return nil
	})
	if err != nil {
		t.Skipf("no tun device to attach to: %v", err)
	}
	defer tun.Close()

	var l lines
	c, err := sys.StartCapture(snap, []model.CapturePoint{model.PointOf(n, n.LinkByName("tun0"))}, CaptureOptions{Filter: "icmp and host 10.8.0.2", Deliver: l.deliver})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if len(st) != 1 || st[0].Link != layers.LinkTypeRaw {
		t.Fatalf("tun0 captured as %v, want raw IP", st)
	}
	pkt := gopacket.NewSerializeBuffer()
	err = gopacket.SerializeLayers(pkt, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: net.ParseIP("10.8.0.2"), DstIP: net.ParseIP("10.8.0.1")},
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 5, Seq: 1}, gopacket.Payload("lazyns tun"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tun.Write(pkt.Bytes()); err != nil {
		t.Fatal(err)
	}
	reply := make([]byte, 1500)
	if err := tun.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := tun.Read(reply); err != nil {
		t.Fatalf("no reply through the tun: %v", err)
	}
	c.Stop()
	got := l.all()
	want := []string{" In IP 10.8.0.2 > 10.8.0.1: ICMP echo request, id 5, seq 1", " Out IP 10.8.0.1 > 10.8.0.2: ICMP echo reply, id 5, seq 1"}
	if len(got) != 2 || !strings.Contains(got[0], want[0]) || !strings.Contains(got[1], want[1]) {
		t.Errorf("tun0:\n%s\nwant lines with\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Every port of a bridge, as `c` offers it on the bridge: a ping from one
// namespace behind the bridge to another is seen entering the bridge on
// the first one's port and leaving it on the other's, in that order, and
// not at all on a third port.
func TestCaptureBridgePorts(t *testing.T) {
	nstest.RequireTool(t, "ping")
	br := nstest.Netns(t)
	nstest.IP(t, "-n", br, "link", "add", "br0", "type", "bridge")
	nstest.IP(t, "-n", br, "link", "set", "br0", "up")
	var ends []string
	for i := range 3 {
		ns := nstest.Netns(t)
		nstest.Sh(t, "ip netns exec "+ns+" sysctl -qw net.ipv6.conf.all.disable_ipv6=1")
		port := fmt.Sprintf("port%d", i)
		nstest.IP(t, "-n", br, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns)
		nstest.IP(t, "-n", br, "link", "set", port, "master", "br0", "up")
		nstest.IP(t, "-n", ns, "addr", "add", fmt.Sprintf("10.214.0.%d/24", i+1), "dev", "eth0")
		nstest.IP(t, "-n", ns, "link", "set", "eth0", "up")
		ends = append(ends, ns)
	}
	nstest.Sh(t, "ip netns exec "+br+" sysctl -qw net.ipv6.conf.all.disable_ipv6=1")
	ping(t, ends[0], "10.214.0.2", "1")
	sys, snap := snapshot(t)
	bns := byName(t, snap, br)
	choices := model.CaptureChoices(snap, bns.Key, bns.LinkByName("br0").Index)
	if len(choices) != 2 || len(choices[1].Points) != 3 {
		t.Fatalf("choices for br0: %+v", choices)
	}
	var l lines
	c, err := sys.StartCapture(snap, choices[1].Points, CaptureOptions{Filter: "icmp", Deliver: l.deliver})
	if err != nil {
		t.Fatal(err)
	}
	ping(t, ends[0], "10.214.0.2", "2")
	c.Stop()
	got := l.all()
	// Frames for other hosts, as a bridge port receives them: P.
	want := []string{"port0@" + br + " P IP 10.214.0.1 > 10.214.0.2: ICMP echo request",
		"port1@" + br + " Out IP 10.214.0.1 > 10.214.0.2: ICMP echo request",
		"port1@" + br + " P IP 10.214.0.2 > 10.214.0.1: ICMP echo reply",
		"port0@" + br + " Out IP 10.214.0.2 > 10.214.0.1: ICMP echo reply"}
	if len(got) != 8 {
		t.Fatalf("%d lines, want 8:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, line := range got {
		if !strings.Contains(line, want[i%4]) {
			t.Errorf("line %d: %q, want %q", i, line, want[i%4])
		}
	}
	if count(got, "port2@") != 0 {
		t.Errorf("the third port saw the ping")
	}
}
