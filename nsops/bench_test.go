package nsops

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
	"golang.org/x/sys/unix"
)

// benchSystem is a System on the host (LAZYNS_NETNS_DIR, default
// /run/netns) with LAZYNS_WORKERS workers if set.
func benchSystem(b *testing.B) *System {
	nstest.RequireRoot(b)
	sys, err := New(os.Getenv("LAZYNS_NETNS_DIR"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sys.Close() })
	if w, err := strconv.Atoi(os.Getenv("LAZYNS_WORKERS")); err == nil {
		sys.Workers = w
	}
	return sys
}

// BenchmarkSnapshotJSON is show --json in process: discovery, reading
// every namespace on the host and writing the document, each phase also
// reported on its own (ms/discover, ms/read, ms/json). Run it on a host
// with a scale fixture (make bench leaves none: bring one up with
// lazyns lab up openstack --routers 500).
func BenchmarkSnapshotJSON(b *testing.B) {
	sys := benchSystem(b)
	var n int
	var discover, read, encode time.Duration
	for b.Loop() {
		start := time.Now()
		snap, err := sys.Discover()
		if err != nil {
			b.Fatal(err)
		}
		discovered := time.Now()
		if err := sys.Read(context.Background(), snap, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
		readDone := time.Now()
		nss := make([]*model.Namespace, len(snap.Namespaces))
		for j := range snap.Namespaces {
			nss[j] = &snap.Namespaces[j]
		}
		if doc, _ := model.JSON(nss, sys.Names); len(doc) == 0 {
			b.Fatal("no JSON")
		}
		discover += discovered.Sub(start)
		read += readDone.Sub(discovered)
		encode += time.Since(readDone)
		n = len(nss)
	}
	per := func(d time.Duration) float64 { return float64(d) / float64(b.N) / 1e6 }
	b.ReportMetric(float64(n), "namespaces")
	b.ReportMetric(per(discover), "ms/discover")
	b.ReportMetric(per(read), "ms/read")
	b.ReportMetric(per(encode), "ms/json")
}

// BenchmarkStreamJSON is show --json as the binary does it now: each
// namespace read, encoded by the worker that read it and written in order
// (ReadStream), here to io.Discard. ms-cpu/op is the process's user and
// system time, which a busy machine disturbs less than the wall time.
func BenchmarkStreamJSON(b *testing.B) {
	sys := benchSystem(b)
	var n int
	cpu := cpuTime()
	for b.Loop() {
		snap, err := sys.Discover()
		if err != nil {
			b.Fatal(err)
		}
		objects := make([][]byte, len(snap.Namespaces))
		arr := model.NewJSONArray(io.Discard)
		err = sys.ReadStream(context.Background(), snap, true,
			func(i int) { objects[i] = model.NamespaceJSON(&snap.Namespaces[i], sys.Names) },
			func(i int) error { o := objects[i]; objects[i] = nil; return arr.Add(o) })
		if err != nil {
			b.Fatal(err)
		}
		if err := arr.Close(); err != nil {
			b.Fatal(err)
		}
		n = len(snap.Namespaces)
	}
	b.ReportMetric(float64(n), "namespaces")
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "ms-cpu/op")
}

func BenchmarkDiscover(b *testing.B) {
	sys := benchSystem(b)
	for b.Loop() {
		if _, err := sys.Discover(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLabUpDown builds and removes the openstack lab of
// LAZYNS_LAB_ROUTERS routers (default 100) under a netns directory of its
// own, reporting each half (ms/up, ms/down). With LAZYNS_WORKERS it shows
// whether more parallel units help (they do not when the kernel
// serializes the changes).
func BenchmarkLabUpDown(b *testing.B) {
	nstest.RequireRoot(b)
	dir := b.TempDir()
	netnsDir := "/run/lazyns/bench-lab-" + nstest.Name("n")
	b.Cleanup(func() {
		// Naming a namespace makes the directory a shared mount of itself,
		// as ip netns does: undo every layer, then remove it.
		for unix.Unmount(netnsDir, unix.MNT_DETACH) == nil {
		}
		os.Remove(netnsDir)
	})
	sys, err := New(netnsDir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sys.Close() })
	if w, err := strconv.Atoi(os.Getenv("LAZYNS_WORKERS")); err == nil {
		sys.Workers = w
	}
	routers, err := strconv.Atoi(os.Getenv("LAZYNS_LAB_ROUTERS"))
	if err != nil {
		routers = 100
	}
	lab, err := model.FindLab("openstack")
	if err != nil {
		b.Fatal(err)
	}
	prefix := nstest.Name("b")[:8]
	b.Cleanup(func() {
		if LabIsUp(dir, "openstack") {
			_ = sys.LabDown("openstack", dir)
		}
	})
	var up, down time.Duration
	for i := 0; b.Loop(); i++ {
		plan, err := lab.Plan(model.LabOptions{Prefix: prefix, Routers: routers, Seed: uint64(time.Now().UnixNano())})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := sys.LabUp(context.Background(), plan, prefix, dir, nil); err != nil {
			b.Fatal(err)
		}
		built := time.Now()
		if err := sys.LabDown("openstack", dir); err != nil {
			b.Fatal(err)
		}
		up += built.Sub(start)
		down += time.Since(built)
	}
	b.ReportMetric(float64(up)/float64(b.N)/1e6, "ms/up")
	b.ReportMetric(float64(down)/float64(b.N)/1e6, "ms/down")
}
