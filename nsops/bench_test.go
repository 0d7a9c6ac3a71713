package nsops

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// BenchmarkSnapshotJSON reads every namespace on the host and writes the
// show --json document: run it on a host with a scale fixture (make bench).
func BenchmarkSnapshotJSON(b *testing.B) {
	nstest.RequireRoot(b)
	sys, err := New("")
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Close()
	if w, err := strconv.Atoi(os.Getenv("LAZYNS_WORKERS")); err == nil {
		sys.Workers = w
	}
	var n int
	for i := 0; i < b.N; i++ {
		snap, err := sys.Snapshot(context.Background(), ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		nss := make([]*model.Namespace, len(snap.Namespaces))
		for j := range snap.Namespaces {
			nss[j] = &snap.Namespaces[j]
		}
		if _, err := model.JSON(nss, sys.Names, true); err != nil {
			b.Fatal(err)
		}
		n = len(nss)
	}
	b.ReportMetric(float64(n), "namespaces")
}

func BenchmarkDiscover(b *testing.B) {
	nstest.RequireRoot(b)
	sys, err := New("")
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Close()
	for i := 0; i < b.N; i++ {
		if _, err := sys.Discover(); err != nil {
			b.Fatal(err)
		}
	}
}
