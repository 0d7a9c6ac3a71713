package main

import (
	"encoding/json"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// show --json of every namespace, written as each is read, holds for a
// namespace the very object show --json of that namespace alone prints
// (counters aside, which move between the two runs): the peers of its
// veths, in another namespace and in the host, resolved alike.
func TestShowAllStreamsWhatShowOnePrints(t *testing.T) {
	clitest.CleanConfigEnv(t)
	nstest.RequireRoot(t)
	a, b := nstest.Netns(t), nstest.Netns(t)
	hostEnd := nstest.Name("h")
	nstest.IP(t, "-n", a, "link", "add", "ab0", "type", "veth", "peer", "name", "ba0", "netns", b)
	nstest.IP(t, "link", "add", hostEnd, "type", "veth", "peer", "name", "a2h", "netns", a)
	nstest.HostLink(t, hostEnd)
	nstest.IP(t, "-n", a, "addr", "add", "10.89.0.1/24", "dev", "ab0")
	nstest.IP(t, "-n", a, "link", "set", "ab0", "up")

	objectOf := func(args ...string) map[string]any {
		t.Helper()
		code, stdout, stderr := lazyns(t, args...)
		if code != 0 {
			t.Fatalf("lazyns %v: exit %d: %s", args, code, stderr)
		}
		var doc []map[string]any
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("lazyns %v printed no JSON array: %v", args, err)
		}
		for _, o := range doc {
			if o["name"] == a {
				links, _ := o["links"].([]any)
				for _, l := range links {
					delete(l.(map[string]any), "stats64")
				}
				return o
			}
		}
		t.Fatalf("lazyns %v left out %s", args, a)
		return nil
	}
	all, one := objectOf("show", "--json"), objectOf("show", "--json", "--netfilter=false", a)
	if diffs := fieldDiffs(one, all); len(diffs) > 0 {
		t.Errorf("%s in show --json of all differs from show --json %s: %v", a, a, diffs)
	}
	peers := 0
	for _, l := range all["links"].([]any) {
		if p, ok := l.(map[string]any)["peer"].(map[string]any); ok && p["ifname"] != nil {
			peers++
		}
	}
	if peers != 2 {
		t.Errorf("show --json of all resolved %d peers of %s, want ab0's and a2h's", peers, a)
	}
}
