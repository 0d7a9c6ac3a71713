package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// fieldDiffs says how ours differs from ip's object, field by field.
func fieldDiffs(ip, ours map[string]any) []string {
	var diffs []string
	for k, v := range ip {
		if ov, ok := ours[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s missing (ip: %v)", k, v))
		} else if !reflect.DeepEqual(v, ov) {
			diffs = append(diffs, fmt.Sprintf("%s: ip %v, lazyns %v", k, v, ov))
		}
	}
	for k, v := range ours {
		if _, ok := ip[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s extra (lazyns: %v)", k, v))
		}
	}
	slices.Sort(diffs)
	return diffs
}

// show --json's lists are ip's objects field for field, with only the
// documented additions: linkmode and ifalias (from ip link), linkinfo and
// peer on links, family on rules. Links carry their counters, as ip -s
// addr prints them.
func TestShowJSONMatchesIP(t *testing.T) {
	clitest.CleanConfigEnv(t)
	p := nstest.BuildIPPair(t)
	code, stdout, stderr := lazyns(t, "show", "--json", p.A, p.B)
	if code != 0 {
		t.Fatalf("lazyns show --json: exit %d: %s", code, stderr)
	}
	var shown []struct {
		Name                             string
		Links, Routes, Rules, Neighbours []map[string]any
	}
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil || len(shown) != 2 {
		t.Fatalf("show --json: %v (%d namespaces)", err, len(shown))
	}
	ipObjects := func(ns string, args ...string) []map[string]any {
		var v []map[string]any
		if err := json.Unmarshal([]byte(nstest.IPJSONOf(t, ns, args...)), &v); err != nil {
			t.Fatalf("ip -n %s -j %v: %v", ns, args, err)
		}
		return v
	}
	same := func(what string, ip, ours []map[string]any, extras ...string) {
		t.Helper()
		if len(ip) != len(ours) {
			t.Errorf("%s: ip lists %d, show --json %d", what, len(ip), len(ours))
			return
		}
		for i := range ip {
			o := maps.Clone(ours[i])
			for _, k := range extras {
				delete(o, k)
			}
			if d := fieldDiffs(ip[i], o); len(d) > 0 {
				t.Errorf("%s %d: %s", what, i, strings.Join(d, "; "))
			}
		}
	}
	for _, ns := range shown {
		// Counters move between two reads (IPv6 sends packets of its own
		// after a link comes up): their values are compared where they
		// can be read at one moment (TestIPMatchesIP, ip -s), their keys
		// here.
		ipLinks := ipObjects(ns.Name, "-s", "addr")
		for i := range min(len(ipLinks), len(ns.Links)) {
			if got, want := statsKeys(ns.Links[i]), statsKeys(ipLinks[i]); got != want {
				t.Errorf("%s link %d: stats64 keys %s, ip -s: %s", ns.Name, i, got, want)
			}
			delete(ipLinks[i], "stats64")
		}
		same(ns.Name+" links", ipLinks, ns.Links, "linkmode", "ifalias", "linkinfo", "peer", "stats64")
		same(ns.Name+" routes", ipObjects(ns.Name, "route", "show", "table", "all"), ns.Routes)
		same(ns.Name+" neighbours", ipObjects(ns.Name, "neigh"), ns.Neighbours)
		byFamily := map[string][]map[string]any{}
		for _, r := range ns.Rules {
			f, _ := r["family"].(string)
			byFamily[f] = append(byFamily[f], r)
		}
		if len(byFamily["inet"])+len(byFamily["inet6"]) != len(ns.Rules) {
			t.Errorf("%s: a rule without family inet or inet6: %v", ns.Name, ns.Rules)
		}
		same(ns.Name+" IPv4 rules", ipObjects(ns.Name, "rule"), byFamily["inet"], "family")
		same(ns.Name+" IPv6 rules", ipObjects(ns.Name, "-6", "rule"), byFamily["inet6"], "family")
	}
}

// statsKeys lists the keys of a link's stats64 and of each of its
// objects, in order: "rx[bytes packets …] tx[…]".
func statsKeys(link map[string]any) string {
	stats, _ := link["stats64"].(map[string]any)
	var parts []string
	for _, dir := range slices.Sorted(maps.Keys(stats)) {
		inner, _ := stats[dir].(map[string]any)
		parts = append(parts, dir+fmt.Sprint(slices.Sorted(maps.Keys(inner))))
	}
	return strings.Join(parts, " ")
}
