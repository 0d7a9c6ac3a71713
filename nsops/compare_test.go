package nsops

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

// ipJSON runs ip -j inside a namespace and decodes its array.
func ipJSON(t *testing.T, enter []string, args ...string) []map[string]any {
	t.Helper()
	cmd := append(append([]string{}, enter...), append([]string{"ip", "-j"}, args...)...)
	out, err := exec.Command(cmd[0], cmd[1:]...).Output()
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(cmd, " "), err)
	}
	var v []map[string]any
	if len(strings.TrimSpace(string(out))) == 0 {
		return nil
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd, " "), err, out)
	}
	return v
}

// enterArgs is how to run a command in the namespace at path.
func enterArgs(path string) []string {
	return []string{"nsenter", "--net=" + path}
}

// agree checks that every field ip printed is in ours with the same value:
// ours may carry more (linkinfo, peer), never less or different.
func agree(t *testing.T, what string, ip, ours map[string]any) {
	t.Helper()
	for k, want := range ip {
		got, ok := ours[k]
		if k == "addr_info" {
			agreeList(t, what+" addr_info", want, got, func(m map[string]any) string {
				return fmt.Sprint(m["local"])
			})
			continue
		}
		if !ok {
			t.Errorf("%s: ip has %q = %v, lazyns has none", what, k, want)
			continue
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: %q: ip says %v, lazyns says %v", what, k, want, got)
		}
	}
}

func agreeList(t *testing.T, what string, ipv, oursv any, key func(map[string]any) string) {
	t.Helper()
	ipList, _ := ipv.([]any)
	oursList, _ := oursv.([]any)
	byKey := map[string]map[string]any{}
	for _, o := range oursList {
		m := o.(map[string]any)
		byKey[key(m)] = m
	}
	if len(ipList) != len(oursList) {
		t.Errorf("%s: ip lists %d, lazyns %d", what, len(ipList), len(oursList))
	}
	for _, i := range ipList {
		m := i.(map[string]any)
		o, ok := byKey[key(m)]
		if !ok {
			t.Errorf("%s: ip has %s, lazyns has not", what, key(m))
			continue
		}
		agree(t, what+" "+key(m), m, o)
	}
}

func toAnyList[T any](list []T) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out
}

func routeKey(m map[string]any) string {
	return fmt.Sprint(m["type"], " ", m["dst"], " ", m["table"], " ", m["dev"], " ", m["metric"], " ", m["gateway"])
}

func ruleKey(m map[string]any) string {
	return fmt.Sprint(m["priority"], " ", m["src"], " ", m["srclen"], " ", m["table"], " ", m["fwmark"], " ", m["iif"])
}

func neighKey(m map[string]any) string { return fmt.Sprint(m["dst"], " ", m["dev"]) }

// settled waits until no address in the namespace is tentative (IPv6
// duplicate address detection runs for a second or so after a link comes
// up), so ip and lazyns read the same state.
func settled(t *testing.T, enter []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		cmd := append(append([]string{}, enter...), "ip", "addr")
		out, _ := exec.Command(cmd[0], cmd[1:]...).Output()
		if !strings.Contains(string(out), "tentative") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
