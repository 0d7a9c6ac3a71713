package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"syscall"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// measureList times lazyns list (names, holders and each namespace's
// number of links) against ip netns list, which prints the names alone:
// iproute2's floor for the same question.
func (b *scaleBench) measureList(limit time.Duration) benchRow {
	b.t.Helper()
	var ours, ip []time.Duration
	for i := 0; i < 5; i++ {
		_, d, _ := b.lazyns("list")
		ours = append(ours, d)
		start := time.Now()
		if out, err := exec.Command("ip", "netns", "list").CombinedOutput(); err != nil {
			b.t.Fatalf("ip netns list: %v\n%s", err, out)
		}
		ip = append(ip, time.Since(start))
	}
	o, p := median(ours), median(ip)
	return benchRow{
		what: "list (names, holders, links counted) vs ip netns list (names only)", measured: ms(o), baseline: ms(p),
		ratio: fmt.Sprintf("%.1f× ip's time", float64(o)/float64(p)), target: "≤ " + ms(limit), verdict: verdict(o <= limit),
	}
}

// measureSetChange is what a change of the set of namespaces costs: one
// namespace added (a veth to the host, as a router's port) after every
// namespace was read. Reading only what appeared (discovery, then
// nsops.ReadSome of the new one, its peer resolved against the reading
// before) is set against reading every namespace again, in the same
// process, wall and CPU time.
func (b *scaleBench) measureSetChange() []benchRow {
	t := b.t
	t.Helper()
	sys, err := nsops.New(benchNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	var added []string
	defer func() { // before sys is closed, failed or not
		for _, name := range added {
			if _, err := sys.DeleteNetns(model.NetnsSpec{Name: name}); err != nil {
				t.Errorf("delete %s: %v", name, err)
			}
		}
	}()
	ctx := context.Background()
	before, err := sys.Snapshot(ctx, nsops.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var only, all, onlyCPU, allCPU []time.Duration
	others := 0 // namespaces other programs added meanwhile
	for i := 0; i < 3; i++ {
		name, hostEnd := nstest.Name("lzset"), nstest.Name("hs")
		if _, err := sys.AddNetns(model.NetnsSpec{Name: name}); err != nil {
			t.Fatal(err)
		}
		added = append(added, name)
		if _, err := sys.AddVeth(model.VethSpec{Name: hostEnd, PeerNs: name, PeerName: "eth0"}); err != nil {
			t.Fatal(err)
		}
		nstest.HostLink(t, hostEnd)

		start, cpu := time.Now(), processCPU()
		after, err := sys.Discover()
		if err != nil {
			t.Fatal(err)
		}
		appeared := carryOver(before, after)
		read, err := sys.ReadSome(ctx, after, appeared, nsops.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		only, onlyCPU = append(only, time.Since(start)), append(onlyCPU, processCPU()-cpu)
		// Other programs on the machine may have added namespaces too:
		// those are read as well, and counted.
		i := slices.IndexFunc(read, func(ns model.Namespace) bool { return ns.Name == name })
		if i < 0 || len(read) != len(appeared) {
			t.Fatalf("after adding %s, ReadSome read %d namespaces of the %d that appeared, without it", name, len(read), len(appeared))
		}
		others += len(read) - 1
		// The host's reading predates hostEnd: the peer is placed in the
		// host, and named once the host is read again (its link change).
		if l := read[i].LinkByName("eth0"); l == nil || l.Peer == nil || l.Peer.Ns != after.Host().Key {
			t.Fatalf("the new namespace's eth0 is not placed in the host: %+v", l)
		}

		start, cpu = time.Now(), processCPU()
		if before, err = sys.Snapshot(ctx, nsops.ReadOptions{}); err != nil {
			t.Fatal(err)
		}
		all, allCPU = append(all, time.Since(start)), append(allCPU, processCPU()-cpu)
	}
	n := len(before.Namespaces)
	o, a, oc, ac := median(only), median(all), median(onlyCPU), median(allCPU)
	return []benchRow{
		{what: fmt.Sprintf("a change of the set (one added of %d, 3 times; %d more by others): only what appeared read, vs all read again", n, others),
			measured: ms(o), baseline: ms(a), ratio: fmt.Sprintf("%.0f×", float64(a)/float64(o)),
			target: "only what appeared is read", verdict: verdict(o < a/5)},
		infoRow("  the same, CPU time (only what appeared / all again: "+ms(ac)+")", oc, "(information)"),
	}
}

// carryOver puts into after what before read of each namespace still
// there (as the UI keeps what it read), and returns the keys of those
// that appeared.
func carryOver(before, after *model.Snapshot) []model.NsKey {
	old := make(map[model.NsKey]*model.Namespace, len(before.Namespaces))
	for i := range before.Namespaces {
		old[before.Namespaces[i].Key] = &before.Namespaces[i]
	}
	var appeared []model.NsKey
	for i := range after.Namespaces {
		ns := &after.Namespaces[i]
		if ns.Stale {
			continue
		}
		if o := old[ns.Key]; o != nil {
			ns.Links, ns.Routes, ns.Rules, ns.Neighbours, ns.NsIDs = o.Links, o.Routes, o.Rules, o.Neighbours, o.NsIDs
		} else {
			appeared = append(appeared, ns.Key)
		}
	}
	return appeared
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
