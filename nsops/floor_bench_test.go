package nsops

import (
	"context"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/discover"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// BenchmarkReadFloor is the kernel's floor under show --json: for every
// namespace discovery finds, what any reader must do — open it, make a
// netlink socket inside it (open), and run the dumps show --json runs
// (links without counters, addresses, routes of every table, rules,
// neighbours of each family) with the answers read and dropped, nothing
// parsed or kept: each dump alone (its cost is its time minus open's),
// then all of them, and all of them in the host alone and in the
// others alone. What lazyns spends above it is its own. Run it on a host
// with a scale fixture, as BenchmarkSnapshotJSON (LAZYNS_NETNS_DIR,
// LAZYNS_WORKERS). On a busy machine trust ms-cpu/op (the process's user
// and system time) more than the wall time.
func BenchmarkReadFloor(b *testing.B) {
	sys := benchSystem(b)
	snap, err := sys.Discover()
	if err != nil {
		b.Fatal(err)
	}
	nss := snap.Namespaces
	skipStats := nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats))
	rt := func() *nl.RtMsg {
		m := nl.NewRtMsg()
		m.Family, m.Table, m.Protocol, m.Scope, m.Type = unix.AF_UNSPEC, 0, 0, 0, 0
		return m
	}
	dumps := []struct {
		name     string
		typ, res int
		req      []nl.NetlinkRequestData
	}{
		{"links", unix.RTM_GETLINK, unix.RTM_NEWLINK, []nl.NetlinkRequestData{nl.NewIfInfomsg(unix.AF_UNSPEC), skipStats}},
		{"addrs", unix.RTM_GETADDR, unix.RTM_NEWADDR, []nl.NetlinkRequestData{nl.NewIfAddrmsg(unix.AF_UNSPEC)}},
		{"routes", unix.RTM_GETROUTE, unix.RTM_NEWROUTE, []nl.NetlinkRequestData{rt()}},
		{"rules", unix.RTM_GETRULE, unix.RTM_NEWRULE, []nl.NetlinkRequestData{rt()}},
		// ARP and NDP apart, as lazyns asks where a bridge is: one dump
		// of every family would carry the bridges' forwarding tables too.
		{"neigh4", unix.RTM_GETNEIGH, unix.RTM_NEWNEIGH, []nl.NetlinkRequestData{&ndmsg{family: unix.AF_INET}}},
		{"neigh6", unix.RTM_GETNEIGH, unix.RTM_NEWNEIGH, []nl.NetlinkRequestData{&ndmsg{family: unix.AF_INET6}}},
	}
	// open alone, each dump alone (minus open: that dump's cost), all of
	// them; then all of them in the host alone and in the others.
	type run struct {
		name  string
		dumps []int
		pick  func(*model.Namespace) bool
	}
	every := func(*model.Namespace) bool { return true }
	runs := []run{{"open", nil, every}}
	var all []int
	for i := range dumps {
		runs = append(runs, run{dumps[i].name, []int{i}, every})
		all = append(all, i)
	}
	runs = append(runs, run{"all", all, every},
		run{"host", all, func(ns *model.Namespace) bool { return ns.Host }},
		run{"others", all, func(ns *model.Namespace) bool { return !ns.Host }})
	for _, r := range runs {
		var pick []*model.Namespace
		for i := range nss {
			if !nss[i].Stale && r.pick(&nss[i]) {
				pick = append(pick, &nss[i])
			}
		}
		b.Run(r.name, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				discover.ForEach(context.Background(), sys.Workers, len(pick), func(_, i int) {
					n, err := sys.hold(pick[i])
					if err != nil {
						return
					}
					defer n.close()
					c, err := dialIn(n)
					if err != nil {
						return
					}
					defer c.Close()
					for _, di := range r.dumps {
						d := dumps[di]
						if err := c.dump(d.typ, d.req, uint16(d.res), func() {}, func([]byte) {}); err != nil {
							b.Errorf("%s: %v", pick[i].DisplayName(), err)
						}
					}
				})
			}
			b.ReportMetric(float64(len(pick)), "namespaces")
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "ms-cpu/op")
		})
	}
}

// cpuTime is the user and system time this process has used so far.
func cpuTime() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
