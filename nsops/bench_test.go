package nsops

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
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
		if len(sys.JSON(nss, true)) == 0 {
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

func BenchmarkDiscover(b *testing.B) {
	sys := benchSystem(b)
	for b.Loop() {
		if _, err := sys.Discover(); err != nil {
			b.Fatal(err)
		}
	}
}
