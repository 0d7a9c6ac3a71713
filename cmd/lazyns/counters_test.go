package main

import (
	"encoding/json"
	"fmt"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"os/exec"
	"slices"
	"strings"
	"testing"

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

// After seven pings across a veth pair, what show --json's stats64 moved
// by is what ip -s -j link's moved by, for every link of both
// namespaces; show's text lists the counters.
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
	showBefore, ipBefore := showCounters(t, p.A, p.B), ipCounters(t, p.A, p.B)
	ping("7")
	showAfter, ipAfter := showCounters(t, p.A, p.B), ipCounters(t, p.A, p.B)

	shown, ip := delta(showBefore, showAfter), delta(ipBefore, ipAfter)
	if len(shown) != 4 || len(ip) != 4 {
		t.Fatalf("links: show %v, ip %v", shown, ip)
	}
	for link, d := range ip {
		if shown[link] != d {
			t.Errorf("%s moved by %q in show --json, by %q in ip -s -j link", link, shown[link], d)
		}
	}
	if d := shown[p.A+"/"+p.IfA]; !strings.Contains(d, "tx.packets+7") || !strings.Contains(d, "rx.packets+7") {
		t.Errorf("%s moved by %q, want 7 packets each way", p.IfA, d)
	}

	code, stdout, _ := lazyns(t, "show", p.A)
	if code != 0 || !strings.Contains(stdout, "  counters\n") || !strings.Contains(stdout, "    "+p.IfA+"@") {
		t.Errorf("show %s: exit %d\n%s", p.A, code, stdout)
	}
	a := showAfter[p.A+"/"+p.IfA]
	want := fmt.Sprintf("rx %.0f pkts", a["rx.packets"])
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "    "+p.IfA+"@") && strings.Contains(l, " rx ") && !strings.Contains(l, want) {
			t.Errorf("the counters line of %s: %q, want %q as in show --json", p.IfA, l, want)
		}
	}
}
