package nsops

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// changeSystem is a System for change tests, with the thread check run
// when the test ends.
func changeSystem(t *testing.T) *System {
	t.Helper()
	nstest.RequireRoot(t)
	home := nstest.HomeNamespace(t)
	s, err := New(DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		nstest.AssertThreadsHome(t, home)
	})
	return s
}

// ipIn runs ip -j with args in namespace ns ("" = host).
func ipjIn(t *testing.T, ns string, args ...string) []map[string]any {
	t.Helper()
	var enter []string
	if ns != "" {
		enter = []string{"ip", "netns", "exec", ns}
	}
	return ipJSON(t, enter, args...)
}

// linkIn returns ip's view of one link, or nil.
func linkIn(t *testing.T, ns, name string) map[string]any {
	t.Helper()
	for _, l := range ipjIn(t, ns, "addr", "show") {
		if l["ifname"] == name {
			return l
		}
	}
	return nil
}

func hasFlag(l map[string]any, flag string) bool {
	for _, f := range l["flags"].([]any) {
		if f == flag {
			return true
		}
	}
	return false
}

func addrsOf(l map[string]any) []string {
	var out []string
	for _, a := range l["addr_info"].([]any) {
		m := a.(map[string]any)
		if m["scope"] == "link" {
			continue // IPv6 link-local, made by the kernel
		}
		s := str(m["local"]) + "/" + str(m["prefixlen"])
		if b, ok := m["broadcast"]; ok {
			s += " brd " + str(b)
		}
		out = append(out, s)
	}
	return out
}

// kernelState is everything a change may have touched, as ip reads it:
// which of the namespaces nss exist and every link, address and route in
// them, and the host links named in hostLinks.
func kernelState(t *testing.T, nss []string, hostLinks ...string) string {
	t.Helper()
	var b strings.Builder
	list, _ := exec.Command("ip", "netns", "list").Output()
	have := map[string]bool{}
	for _, line := range strings.Split(string(list), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			have[f[0]] = true
		}
	}
	for _, ns := range nss {
		b.WriteString("netns " + ns + "\n")
		if !have[ns] {
			b.WriteString("  absent\n")
			continue
		}
		for _, l := range ipjIn(t, ns, "addr", "show") {
			writeLink(&b, l)
		}
		// Sorted: the kernel lists routes of links brought up together
		// in whichever order they came up.
		var routes []string
		for _, r := range ipjIn(t, ns, "route", "show", "table", "all") {
			if strings.HasPrefix(str(r["dst"]), "fe80:") {
				continue // from the link-local address, which follows the random MAC
			}
			j, _ := json.Marshal(r)
			routes = append(routes, "  route "+string(j)+"\n")
		}
		slices.Sort(routes)
		b.WriteString(strings.Join(routes, ""))
		for _, r := range ipjIn(t, ns, "rule", "show") {
			j, _ := json.Marshal(r)
			b.WriteString("  rule " + string(j) + "\n")
		}
	}
	b.WriteString("host\n")
	// By name: links made in parallel get their indexes in any order.
	var host strings.Builder
	for _, l := range ipjIn(t, "", "addr", "show") {
		if slices.Contains(hostLinks, str(l["ifname"])) {
			writeLink(&host, l)
		}
	}
	lines := strings.SplitAfter(host.String(), "\n")
	slices.Sort(lines)
	b.WriteString(strings.Join(lines, ""))
	return b.String()
}

func writeLink(b *strings.Builder, l map[string]any) {
	b.WriteString("  link " + str(l["ifname"]) + " " + str(l["flags"]) + " master=" + str(l["master"]) +
		" " + strings.Join(addrsOf(l), ",") + "\n")
}

// settle waits until state() equals want (namespaces and their links go
// away a moment after they are deleted, many moments on a loaded host),
// failing the test if it never does.
func settle(t *testing.T, want string, state func() string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = state(); got == want {
			return
		}
	}
	t.Fatalf("the kernel is not as before\nbefore:\n%s\nafter:\n%s", want, got)
}

// cmdStrings is what a change says it did, one command a line.
func cmdStrings(cmds []model.Cmd) string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.String())
	}
	return strings.Join(out, "\n")
}

// wantErr fails unless err is non-nil and its message holds want.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one saying %q", err, want)
	}
	var fe *model.FieldError
	if strings.Contains(err.Error(), "errno") || errors.As(err, &fe) && fe.Msg == "" {
		t.Fatalf("error not in words: %v", err)
	}
}

// str is a JSON value as text, "" for none.
func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// stable returns state() once it stops changing: carrier and operstate
// follow a link going up with a delay of up to a second (linkwatch).
func stable(t *testing.T, state func() string) string {
	t.Helper()
	last, same := state(), 0
	for deadline := time.Now().Add(6 * time.Second); time.Now().Before(deadline) && same < 3; {
		time.Sleep(250 * time.Millisecond)
		if s := state(); s == last {
			same++
		} else {
			last, same = s, 0
		}
	}
	return last
}
