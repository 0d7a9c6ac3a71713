package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// lazyns runs the command line in-process and returns its exit code and output.
func lazyns(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := [][]string{
		{"--no-such-flag"},
		{"list", "extra"},
		{"show", "pid:abc"},
	}
	for _, args := range cases {
		code, _, stderr := lazyns(t, args...)
		if code != 2 {
			t.Errorf("lazyns %v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
		if !strings.HasPrefix(stderr, "lazyns: ") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("lazyns %v: want one line starting with 'lazyns: ', got %q", args, stderr)
		}
	}
}

func TestUnknownNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Name("nope")
	code, stdout, stderr := lazyns(t, "show", name)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	want := `lazyns: no namespace "` + name + `" (see: lazyns list)` + "\n"
	if stderr != want || stdout != "" {
		t.Errorf("stderr %q, want %q; stdout %q", stderr, want, stdout)
	}
}

func TestListAndShowJSON(t *testing.T) {
	nstest.RequireRoot(t)
	ns := nstest.Netns(t)
	nstest.IP(t, "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	nstest.IP(t, "-n", ns, "addr", "add", "10.81.0.1/24", "dev", "v0")

	code, stdout, stderr := lazyns(t, "list", "--json")
	if code != 0 {
		t.Fatalf("list --json: exit %d: %s", code, stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatalf("list --json is not JSON: %v", err)
	}
	found := false
	for _, o := range list {
		if o["name"] == ns {
			found = true
			if o["named"] != true || o["path"] != "/run/netns/"+ns {
				t.Errorf("list entry %v", o)
			}
			// The same objects as show --json: links as ip -j shows them.
			links, _ := o["links"].([]any)
			if len(links) != 3 {
				t.Errorf("list --json links %v, want lo, v0 and v1", o["links"])
			}
			if _, ok := o["routes"].([]any); !ok {
				t.Errorf("list --json has no routes array: %v", o)
			}
		}
	}
	if !found {
		t.Errorf("%s not in list --json", ns)
	}

	code, stdout, stderr = lazyns(t, "show", ns, "--json")
	if code != 0 {
		t.Fatalf("show --json: exit %d: %s", code, stderr)
	}
	var show []struct {
		Name  string `json:"name"`
		Named bool   `json:"named"`
		Inode uint64 `json:"inode"`
		Pids  []int  `json:"pids"`
		Links []struct {
			IfName   string `json:"ifname"`
			AddrInfo []struct {
				Local     string `json:"local"`
				PrefixLen int    `json:"prefixlen"`
			} `json:"addr_info"`
			Peer *struct {
				Netns  string `json:"netns"`
				IfName string `json:"ifname"`
			} `json:"peer"`
		} `json:"links"`
		Routes     []map[string]any `json:"routes"`
		Rules      []map[string]any `json:"rules"`
		Neighbours []map[string]any `json:"neighbours"`
	}
	if err := json.Unmarshal([]byte(stdout), &show); err != nil {
		t.Fatalf("show --json: %v", err)
	}
	if len(show) != 1 || show[0].Name != ns || !show[0].Named || show[0].Inode == 0 || show[0].Pids == nil {
		t.Fatalf("show --json: %+v", show)
	}
	var v0 bool
	for _, l := range show[0].Links {
		if l.IfName == "v0" {
			v0 = true
			if len(l.AddrInfo) != 1 || l.AddrInfo[0].Local != "10.81.0.1" || l.AddrInfo[0].PrefixLen != 24 {
				t.Errorf("v0 addr_info %+v", l.AddrInfo)
			}
			if l.Peer == nil || l.Peer.Netns != ns || l.Peer.IfName != "v1" {
				t.Errorf("v0 peer %+v", l.Peer)
			}
		}
	}
	if !v0 || show[0].Rules == nil || show[0].Neighbours == nil {
		t.Errorf("show --json missing parts: %s", stdout)
	}

	code, stdout, _ = lazyns(t, "show", ns)
	if code != 0 || !strings.Contains(stdout, "v0@v1") || !strings.Contains(stdout, "10.81.0.1/24") {
		t.Errorf("show text (exit %d):\n%s", code, stdout)
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Errorf("text output to a pipe must not be coloured")
	}
}

func TestHostAndPidArguments(t *testing.T) {
	nstest.RequireRoot(t)
	code, stdout, stderr := lazyns(t, "show", "host", "pid:1", "--json")
	if code != 0 && !strings.Contains(stderr, "namespace of process 1") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code == 0 {
		var v []map[string]any
		if err := json.Unmarshal([]byte(stdout), &v); err != nil || len(v) != 2 || v[0]["host"] != true {
			t.Errorf("show host pid:1: %v %s", err, stdout)
		}
	}
}
