package nsops

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// ReadStream hands over every namespace in the snapshot's order, each
// as Read reads it (the same JSON, peers resolved across namespaces,
// counters when asked), lets go of what it handed over, and stops at an
// error from emit.
func TestReadStreamMatchesRead(t *testing.T) {
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", a, "link", "add", "ab0", "type", "veth", "peer", "name", "ba0", "netns", b)
	nstest.IP(t, "-n", a, "addr", "add", "10.88.0.1/24", "dev", "ab0")
	nstest.IP(t, "-n", a, "link", "set", "ab0", "up")
	nstest.IP(t, "-n", a, "rule", "add", "from", "10.88.0.0/24", "table", "16", "pref", "1600")
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	ctx := context.Background()

	want := map[string]string{}
	snap, err := sys.Snapshot(ctx, ReadOptions{Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{a, b} {
		want[name] = string(model.NamespaceJSON(byName(t, snap, name), sys.Names))
	}

	snap, err = sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	prepared := make([]bool, len(snap.Namespaces)) // each worker its own element
	next := 0
	err = sys.ReadStream(ctx, snap, true,
		func(i int) { prepared[i] = true },
		func(i int) error {
			if i != next || !prepared[i] {
				t.Fatalf("namespace %d handed over after %d, prepared: %v", i, next-1, prepared[i])
			}
			next++
			if ns := &snap.Namespaces[i]; ns.Name == a || ns.Name == b {
				got[ns.Name] = string(model.NamespaceJSON(ns, sys.Names))
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if next != len(snap.Namespaces) {
		t.Fatalf("%d of %d namespaces handed over", next, len(snap.Namespaces))
	}
	for _, name := range []string{a, b} {
		if !strings.Contains(got[name], `"stats64":`) {
			t.Errorf("%s streamed without its links' counters", name)
		}
		// Counters move between two reads: compared without them.
		if g, w := withoutStats(t, got[name]), withoutStats(t, want[name]); g != w {
			t.Errorf("%s streamed:\n%s\nread:\n%s", name, g, w)
		}
	}
	ns := byName(t, snap, a)
	if len(ns.Routes) != 0 || len(ns.Rules) != 0 || ns.LinkByName("ab0") == nil || ns.LinkByName("ab0").Addrs != nil {
		t.Errorf("what was handed over is still held: %d routes, %d rules, links %+v", len(ns.Routes), len(ns.Rules), ns.Links)
	}

	stop := errors.New("stop")
	calls := 0
	snap, _ = sys.Discover()
	err = sys.ReadStream(ctx, snap, false, nil, func(int) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("emit failing: ReadStream returned %v after %d calls", err, calls)
	}
	nstest.AssertThreadsHome(t, home)
}

// withoutStats is a namespace's JSON object without its links' counters,
// its keys sorted.
func withoutStats(t *testing.T, object string) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(object), &v); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, object)
	}
	links, _ := v["links"].([]any)
	for _, l := range links {
		delete(l.(map[string]any), "stats64")
	}
	out, _ := json.Marshal(v)
	return string(out)
}
