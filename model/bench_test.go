package model

import (
	"fmt"
	"io"
	"net"
	"testing"
)

// benchSnapshot is an OpenStack network node of n namespaces, as the
// openstack lab builds it: n/2 routers with a qr- port on an integration
// bridge and a qg- port on an external one, and n/2 DHCP namespaces with a
// tap on the integration bridge. Every veth crosses to the host, which
// holds the bridges and the other ends (1.5 links per namespace). NsIDs
// are filled in both directions, as a read leaves them.
func benchSnapshot(n int) *Snapshot {
	hostKey := NsKey{Dev: 4, Ino: 4026531840}
	host := Namespace{Key: hostKey, Host: true, NsIDs: map[int]NsKey{},
		Links: []Link{
			{Index: 1, Name: "lo", Flags: IFF_UP | IFF_LOOPBACK, MTU: 65536, NetNsID: NoNsID},
			{Index: 2, Name: "br-int", Kind: "bridge", Flags: IFF_UP, MTU: 1500, NetNsID: NoNsID},
			{Index: 3, Name: "br-ex", Kind: "bridge", Flags: IFF_UP, MTU: 1500, NetNsID: NoNsID},
		}}
	snap := &Snapshot{}
	nss := []Namespace{}
	hostIndex := 10
	for i := 0; i < n; i++ {
		key := NsKey{Dev: 4, Ino: uint64(4026540000 + i)}
		router := i%2 == 0
		ns := Namespace{Key: key, NsIDs: map[int]NsKey{0: hostKey},
			Procs: []Proc{{Pid: 10000 + i, Comm: "keepalived"}},
			Links: []Link{{Index: 1, Name: "lo", Flags: IFF_UP | IFF_LOOPBACK, MTU: 65536, NetNsID: NoNsID}}}
		subnet := net.IPv4(10, byte(64+i/512), byte(i/2%256), 0)
		ports := []struct{ name, hostName, bridge string }{{"tap%05d", "dhcp%05d", "br-int"}}
		ns.Name = fmt.Sprintf("qdhcp-%08x-54be-49ef-95ed-5d524d2f%04x", i*7919, i)
		if router {
			ns.Name = fmt.Sprintf("qrouter-%08x-54be-49ef-95ed-5d524d2f%04x", i*7919, i)
			ports = []struct{ name, hostName, bridge string }{{"qr-%05d", "tap%05d", "br-int"}, {"qg-%05d", "ext%05d", "br-ex"}}
		}
		host.NsIDs[i+1] = key
		for j, p := range ports {
			inIndex := 2 + j
			master := 2
			if p.bridge == "br-ex" {
				master = 3
			}
			ip := append(net.IP(nil), subnet.To4()...)
			ip[3] = byte(1 + j)
			ns.Links = append(ns.Links, Link{Index: inIndex, Name: fmt.Sprintf(p.name, i), Kind: "veth", Flags: IFF_UP, MTU: 1500,
				MAC: net.HardwareAddr{0xfa, 0x16, 0x3e, byte(i >> 8), byte(i), byte(j)}, ParentIndex: hostIndex, HasParent: true, NetNsID: 0,
				Addrs: []Addr{{Family: 2, Local: ip, PrefixLen: 24, Scope: 0}}})
			host.Links = append(host.Links, Link{Index: hostIndex, Name: fmt.Sprintf(p.hostName, i), Kind: "veth", Flags: IFF_UP, MTU: 1500,
				MasterIndex: master, SlaveKind: "bridge", ParentIndex: inIndex, HasParent: true, NetNsID: i + 1})
			hostIndex++
		}
		ns.Routes = []Route{
			{Family: 2, Dst: subnet, DstLen: 24, Table: TableMain, DevIndex: 2, Scope: 253, Protocol: 2},
			{Family: 2, Table: 16, Gateway: net.IPv4(100, 64, 0, 1), DevIndex: 3},
		}
		nss = append(nss, ns)
	}
	snap.Namespaces = append([]Namespace{host}, nss...)
	return snap
}

func BenchmarkPeerQueries(b *testing.B) {
	snap := benchSnapshot(1000)
	// Without ids, as a first read finds the namespaces: every veth asks.
	for i := range snap.Namespaces {
		snap.Namespaces[i].NsIDs = nil
	}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(PeerQueries(snap))
	}
	if n < 1000 {
		b.Fatalf("%d peer queries for 1000 namespaces", n)
	}
}

func BenchmarkResolvePeers(b *testing.B) {
	snap := benchSnapshot(1000)
	b.ReportAllocs()
	for b.Loop() {
		ResolvePeers(snap)
	}
	if p := snap.Namespaces[1].Links[1].Peer; p == nil || p.Name != "tap00000" {
		b.Fatalf("qr-00000's peer resolved to %+v, not tap00000", p)
	}
}

func BenchmarkBuildTopology(b *testing.B) {
	snap := benchSnapshot(1000)
	ResolvePeers(snap)
	b.ReportAllocs()
	for b.Loop() {
		_ = BuildTopology(snap)
	}
}

func BenchmarkTopologyLines(b *testing.B) {
	snap := benchSnapshot(1000)
	ResolvePeers(snap)
	t := BuildTopology(snap)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(t.Lines(NoPaint))
	}
	if n < 1500 {
		b.Fatalf("%d topology lines for 1500 veths", n)
	}
}

// benchNamespaces is benchSnapshot(n) with its peers resolved, as the
// list the writers take.
func benchNamespaces(n int) []*Namespace {
	snap := benchSnapshot(n)
	ResolvePeers(snap)
	nss := make([]*Namespace, len(snap.Namespaces))
	for i := range snap.Namespaces {
		nss[i] = &snap.Namespaces[i]
	}
	return nss
}

func BenchmarkJSON(b *testing.B) {
	nss := benchNamespaces(1000)
	names := DefaultNames()
	b.ReportAllocs()
	for b.Loop() {
		out, err := JSON(nss, names)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}

func BenchmarkWriteList(b *testing.B) {
	nss := benchNamespaces(1000)
	b.ReportAllocs()
	for b.Loop() {
		WriteList(io.Discard, nss, NoPaint)
	}
}

func BenchmarkFind(b *testing.B) {
	snap := benchSnapshot(1000)
	last := snap.Namespaces[len(snap.Namespaces)-1].Key
	for b.Loop() {
		if snap.Find(last) == nil {
			b.Fatal("the last namespace not found")
		}
	}
}

// The cost of ResolvePeers per namespace, at 1000 and 10,000: flat when
// namespaces and links are found through maps.
func BenchmarkResolvePeersPerNamespace(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			snap := benchSnapshot(n)
			for b.Loop() {
				ResolvePeers(snap)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/namespace")
		})
	}
}
