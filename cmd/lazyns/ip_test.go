package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// netnsObjects splits the array lazyns ip prints into each namespace's
// objects, in order, with the "netns" key taken out; order lists the
// namespaces as they came. Every object must start with "netns".
func netnsObjects(t *testing.T, out string) (byNs map[string][]json.RawMessage, order []string) {
	t.Helper()
	var objects []json.RawMessage
	if err := json.Unmarshal([]byte(out), &objects); err != nil {
		t.Fatalf("lazyns ip printed no JSON array: %v\n%s", err, out)
	}
	byNs = map[string][]json.RawMessage{}
	for _, o := range objects {
		var head struct{ Netns *string }
		if err := json.Unmarshal(o, &head); err != nil || head.Netns == nil {
			t.Fatalf("object without netns: %s", o)
		}
		// The first key, its value as written: other tests' namespaces may
		// have names that encoding/json would escape otherwise (&, <,
		// invalid UTF-8).
		dec := json.NewDecoder(bytes.NewReader(o))
		open, _ := dec.Token()
		key, _ := dec.Token()
		_, err := dec.Token()
		end := int(dec.InputOffset())
		if open != json.Delim('{') || key != "netns" || err != nil || end >= len(o) || o[end] != ',' {
			t.Fatalf("netns is not the first key: %s", o)
		}
		rest := append([]byte{'{'}, o[end+1:]...)
		if len(order) == 0 || order[len(order)-1] != *head.Netns {
			if _, seen := byNs[*head.Netns]; seen {
				t.Errorf("the objects of %s are not together", *head.Netns)
			}
			order = append(order, *head.Netns)
		}
		byNs[*head.Netns] = append(byNs[*head.Netns], rest)
	}
	return byNs, order
}

// sameAsIP checks that ours are exactly the objects of ip's array: the
// same bytes, and when not, says which fields differ.
func sameAsIP(t *testing.T, what, ipOut string, ours []json.RawMessage) {
	t.Helper()
	var want []json.RawMessage
	if err := json.Unmarshal([]byte(ipOut), &want); err != nil {
		t.Fatalf("%s: ip printed no JSON array: %v\n%s", what, err, ipOut)
	}
	if len(want) != len(ours) {
		t.Errorf("%s: ip prints %d objects, lazyns %d\nip:     %s\nlazyns: %s", what, len(want), len(ours), want, ours)
		return
	}
	for i := range want {
		if bytes.Equal(want[i], ours[i]) {
			continue
		}
		var w, o map[string]any
		_ = json.Unmarshal(want[i], &w)
		_ = json.Unmarshal(ours[i], &o)
		diffs := fieldDiffs(w, o)
		if len(diffs) == 0 {
			diffs = append(diffs, "same fields, other order")
		}
		t.Errorf("%s, object %d: %s\nip:     %s\nlazyns: %s", what, i, strings.Join(diffs, "; "), want[i], ours[i])
	}
}

// lazyns ip LIST A B, with "netns" taken out, is what ip -n A -j LIST and
// ip -n B -j LIST print, byte for byte, for every listing and family.
func TestIPMatchesIP(t *testing.T) {
	clitest.CleanConfigEnv(t)
	p := nstest.BuildIPPair(t)
	for _, l := range nstest.IPListings {
		args := append(append([]string{"ip"}, l.Lazyns...), p.A, p.B)
		// Counters move with every packet (IPv6 sends a few of its own
		// after a link comes up): compare when ip reads the same before
		// and after lazyns does.
		var stdout string
		var want map[string]string
		for try := 0; ; try++ {
			before := map[string]string{p.A: nstest.IPJSONOf(t, p.A, l.IP...), p.B: nstest.IPJSONOf(t, p.B, l.IP...)}
			code, out, stderr := lazyns(t, args...)
			if code != 0 || stderr != "" {
				t.Errorf("lazyns %s: exit %d: %s", strings.Join(args, " "), code, stderr)
			}
			stdout, want = out, map[string]string{p.A: nstest.IPJSONOf(t, p.A, l.IP...), p.B: nstest.IPJSONOf(t, p.B, l.IP...)}
			if (before[p.A] == want[p.A] && before[p.B] == want[p.B]) || try == 30 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		byNs, _ := netnsObjects(t, stdout)
		for _, ns := range []string{p.A, p.B} {
			what := "lazyns " + strings.Join(l.Lazyns, " ") + " in " + ns
			sameAsIP(t, what, want[ns], byNs[ns])
		}
		if l.Lazyns[0] == "link" {
			mustShow(t, byNs[p.A], "d0", `"flags":["BROADCAST","MULTICAST","M-DOWN"]`, `"group":"default","link_type"`)
			mustShow(t, byNs[p.A], "d1", `"flags":["BROADCAST","MULTICAST","M-DOWN"]`, `"txqlen":500`)
		}
	}
}

// mustShow checks that the case the pair was built for came out: the
// object of link name holds each of parts.
func mustShow(t *testing.T, objects []json.RawMessage, name string, parts ...string) {
	t.Helper()
	for _, o := range objects {
		if !bytes.Contains(o, []byte(`"ifname":"`+name+`"`)) {
			continue
		}
		for _, part := range parts {
			if !bytes.Contains(o, []byte(part)) {
				t.Errorf("%s lacks %s: %s", name, part, o)
			}
		}
		return
	}
	t.Errorf("no link %s", name)
}

// With no NS, lazyns ip lists every namespace, each one's objects
// together, in the order of lazyns list.
func TestIPAllNamespaces(t *testing.T) {
	clitest.CleanConfigEnv(t)
	p := nstest.BuildIPPair(t)
	code, stdout, stderr := lazyns(t, "ip", "link")
	if code != 0 {
		t.Fatalf("lazyns ip link: exit %d: %s", code, stderr)
	}
	byNs, order := netnsObjects(t, stdout)
	if order[0] != "host" {
		t.Errorf("namespaces in the order %v, want host first", order)
	}
	ia, ib := slices.Index(order, p.A), slices.Index(order, p.B)
	if ia < 0 || ib < 0 {
		t.Fatalf("%s or %s missing from %v", p.A, p.B, order)
	}
	if (ia < ib) != (p.A < p.B) {
		t.Errorf("%s and %s out of name order in %v", p.A, p.B, order)
	}
	for _, ns := range []string{p.A, p.B} {
		sameAsIP(t, "lazyns ip link, "+ns, nstest.IPJSONOf(t, ns, "link"), byNs[ns])
	}
}

func TestIPUsageErrors(t *testing.T) {
	clitest.CleanConfigEnv(t)
	for _, args := range [][]string{
		{"ip", "bogus"},
		{"ip", "-4", "-6", "addr"},
		{"ip", "--no-such-flag", "addr"},
		{"ip", "-s", "route"},
		{"ip", "-s", "-6", "addr"},
	} {
		code, stdout, stderr := lazyns(t, args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "lazyns: ") {
			t.Errorf("lazyns %s: exit %d, stdout %q, stderr %q; want 2, nothing, one line", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	nstest.RequireRoot(t)
	name := nstest.Name("nope")
	code, stdout, stderr := lazyns(t, "ip", "addr", name)
	if code != 2 || stdout != "" || !strings.Contains(stderr, `no namespace "`+name+`"`) {
		t.Errorf("lazyns ip addr %s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
	}
}

// The man pages and the shell completion, made from the command
// definitions, know lazyns ip, its listings and their namespaces.
func TestIPInManAndCompletion(t *testing.T) {
	clitest.CleanConfigEnv(t)
	dir := t.TempDir()
	if code, _, stderr := lazyns(t, "man", dir); code != 0 {
		t.Fatalf("lazyns man: exit %d: %s", code, stderr)
	}
	for _, page := range []string{"lazyns-ip.1", "lazyns-ip-addr.1", "lazyns-ip-route.1", "lazyns-ip-neigh.1"} {
		if _, err := os.Stat(filepath.Join(dir, page)); err != nil {
			t.Errorf("no man page %s: %v", page, err)
		}
	}
	main, _ := os.ReadFile(filepath.Join(dir, "lazyns.1"))
	if !strings.Contains(string(main), "lazyns-ip(1)") {
		t.Errorf("lazyns.1 does not refer to lazyns-ip(1)")
	}

	_, out, _ := lazyns(t, "__complete", "ip", "")
	for _, sub := range []string{"addr", "link", "route", "rule", "neigh"} {
		if !strings.Contains(out, sub+"\t") {
			t.Errorf("lazyns ip <TAB> lacks %s:\n%s", sub, out)
		}
	}
	netns := t.TempDir()
	for _, name := range []string{"qrouter-e945b6b1", "blue"} {
		if err := os.WriteFile(filepath.Join(netns, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, out, _ = lazyns(t, "--netns-dir", netns, "__complete", "ip", "-6", "route", "blue", "qr")
	if got := strings.Fields(out); len(got) != 2 || got[0] != "qrouter-e945b6b1" {
		t.Errorf("lazyns ip -6 route blue qr<TAB> completes %q", out)
	}
}
