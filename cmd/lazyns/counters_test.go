package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// counters maps "ns/ifname" to its stats64, flattened ("rx.bytes": 98).
type counters map[string]map[string]float64

func flatten(stats map[string]map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for dir, kv := range stats {
		for k, v := range kv {
			out[dir+"."+k] = v
		}
	}
	return out
}

func showCounters(t *testing.T, nss ...string) counters {
	t.Helper()
	code, stdout, stderr := lazyns(t, append([]string{"show", "--json"}, nss...)...)
	if code != 0 {
		t.Fatalf("show --json: exit %d: %s", code, stderr)
	}
	var shown []struct {
		Name  string
		Links []struct {
			Ifname  string
			Stats64 map[string]map[string]float64
		}
	}
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil {
		t.Fatal(err)
	}
	out := counters{}
	for _, ns := range shown {
		for _, l := range ns.Links {
			if l.Stats64 == nil {
				t.Errorf("%s %s: no stats64 in show --json", ns.Name, l.Ifname)
			}
			out[ns.Name+"/"+l.Ifname] = flatten(l.Stats64)
		}
	}
	return out
}

func ipCounters(t *testing.T, nss ...string) counters {
	t.Helper()
	out := counters{}
	for _, ns := range nss {
		var links []struct {
			Ifname  string
			Stats64 map[string]map[string]float64
		}
		if err := json.Unmarshal([]byte(nstest.IPJSONOf(t, ns, "-s", "link")), &links); err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			out[ns+"/"+l.Ifname] = flatten(l.Stats64)
		}
	}
	return out
}

func delta(before, after counters) map[string]string {
	out := map[string]string{}
	for link, a := range after {
		var parts []string
		for k, v := range a {
			if d := v - before[link][k]; d != 0 {
				parts = append(parts, fmt.Sprintf("%s+%.0f", k, d))
			}
		}
		slices.Sort(parts)
		out[link] = strings.Join(parts, " ")
	}
	return out
}

// countersAtRest reads show --json's counters between two readings of ip -s
// -j link that agree, so no packet (an ARP refresh, an IPv6 router
// solicitation) moved them meanwhile: then show must say exactly what ip
// says.
func countersAtRest(t *testing.T, nss ...string) (shown, ip counters) {
	t.Helper()
	for range 20 {
		before := ipCounters(t, nss...)
		shown = showCounters(t, nss...)
		ip = ipCounters(t, nss...)
		if maps.EqualFunc(before, ip, maps.Equal) {
			return shown, ip
		}
	}
	t.Fatalf("the counters of %v never stood still for a reading", nss)
	return nil, nil
}

// After seven pings across a veth pair, show --json's stats64 of every
// link of both namespaces are ip -s -j link's, and moved by at least the
// seven pings; show's text lists the counters.
func TestShowCountersFollowIP(t *testing.T) {
	nstest.RequireTool(t, "ping")
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	ping := func(n string) {
		if out, err := exec.Command("ip", "netns", "exec", p.A, "ping", "-c", n, "-i", "0.2", "-W", "2", p.IPB).CombinedOutput(); err != nil {
			t.Fatalf("ping: %v\n%s", err, out)
		}
	}
	ping("1")
	showBefore, _ := countersAtRest(t, p.A, p.B)
	ping("7")
	showAfter, ipAfter := countersAtRest(t, p.A, p.B)

	if len(showAfter) != 4 || len(ipAfter) != 4 {
		t.Fatalf("links: show %v, ip %v", showAfter, ipAfter)
	}
	for link, want := range ipAfter {
		if !maps.Equal(showAfter[link], want) {
			t.Errorf("%s: show --json says %v, ip -s -j link %v", link, showAfter[link], want)
		}
	}
	moved := showAfter[p.A+"/"+p.IfA]
	for _, k := range []string{"tx.packets", "rx.packets"} {
		if d := moved[k] - showBefore[p.A+"/"+p.IfA][k]; d < 7 {
			t.Errorf("%s %s moved by %.0f, want at least the 7 pings (%s)", p.IfA, k, d, delta(showBefore, showAfter)[p.A+"/"+p.IfA])
		}
	}

	code, stdout, _ := lazyns(t, "show", p.A)
	if code != 0 || !strings.Contains(stdout, "  counters\n") || !strings.Contains(stdout, "    "+p.IfA+"@") {
		t.Errorf("show %s: exit %d\n%s", p.A, code, stdout)
	}
	// Read later than show --json, the text may only have counted more.
	found := false
	for _, l := range strings.Split(stdout, "\n") {
		var n float64
		if i := strings.Index(l, " rx "); strings.HasPrefix(l, "    "+p.IfA+"@") && i >= 0 {
			if _, err := fmt.Sscanf(l[i:], " rx %f pkts", &n); err == nil {
				found = true
				if n < moved["rx.packets"] {
					t.Errorf("the counters line of %s says rx %.0f pkts, fewer than show --json's %.0f: %q", p.IfA, n, moved["rx.packets"], l)
				}
			}
		}
	}
	if !found {
		t.Errorf("show %s: no counters line for %s\n%s", p.A, p.IfA, stdout)
	}
}
