package nstest

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// VethPair is two namespaces joined by a veth pair, each end up with an
// IPv4 address, for tests that send traffic: only what the test sends
// crosses it.
type VethPair struct {
	A, B     string // the namespaces
	IfA, IfB string // the ends
	IPA, IPB string // their addresses, without the prefix length
}

// NewVethPair makes the pair; everything goes when the test ends. IPv6 is
// off in both namespaces, so that no router solicitation, duplicate
// address detection or multicast report adds packets or counts of its
// own; lo is up. The addresses live only inside the two namespaces, so
// every pair can use the same ones.
func NewVethPair(t testing.TB) VethPair {
	t.Helper()
	RequireRoot(t)
	p := VethPair{A: Netns(t), B: Netns(t), IfA: Name("va"), IfB: Name("vb"), IPA: "10.213.0.1", IPB: "10.213.0.2"}
	for _, ns := range []string{p.A, p.B} {
		Sh(t, fmt.Sprintf("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1", ns))
		IP(t, "-n", ns, "link", "set", "lo", "up")
	}
	IP(t, "-n", p.A, "link", "add", p.IfA, "type", "veth", "peer", "name", p.IfB, "netns", p.B)
	IP(t, "-n", p.A, "addr", "add", p.IPA+"/24", "dev", p.IfA)
	IP(t, "-n", p.B, "addr", "add", p.IPB+"/24", "dev", p.IfB)
	IP(t, "-n", p.A, "link", "set", p.IfA, "up")
	IP(t, "-n", p.B, "link", "set", p.IfB, "up")
	return p
}

// UDPFlow sends an 8-byte datagram every millisecond from p.A to a socket
// listening on port in p.B (so that no port unreachable comes back) until
// stop is closed; the channel then gives how many were sent, both
// sockets closed. enter is nsops.InNamespace, the one doorway into a
// namespace (nstest cannot import nsops, whose tests import nstest).
func UDPFlow(t testing.TB, p VethPair, port int, enter func(nsFd int, fn func() error) error, stop <-chan struct{}) <-chan int {
	t.Helper()
	var recv, send *net.UDPConn
	in := func(ns string, fn func() error) {
		f, err := os.Open(filepath.Join("/run/netns", ns))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := enter(int(f.Fd()), fn); err != nil {
			t.Fatal(err)
		}
	}
	in(p.B, func() (err error) {
		recv, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(p.IPB), Port: port})
		return err
	})
	in(p.A, func() (err error) {
		send, err = net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.ParseIP(p.IPB), Port: port})
		return err
	})
	go func() {
		buf := make([]byte, 64)
		for {
			if _, err := recv.Read(buf); err != nil {
				return
			}
		}
	}()
	sent := make(chan int, 1)
	go func() {
		n := 0
		defer func() {
			send.Close()
			recv.Close()
			sent <- n
		}()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			if _, err := send.Write([]byte("lazyns!!")); err == nil {
				n++
			}
		}
	}()
	return sent
}
