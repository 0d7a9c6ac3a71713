package main

import (
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// Every command that takes NS takes a unique part of a name too (an
// operator's UUID fragment), in any case; a whole name wins; an ambiguous
// part is a usage error that lists the names.
func TestNsArgPartOfAName(t *testing.T) {
	nstest.RequireRoot(t)
	// A dash after the run-unique part: no other test's name contains it.
	u := nstest.Name("") + "-"
	router, dhcp := "qrouter-"+u+"a1", "qdhcp-"+u+"b2"
	whole, longer := "w"+u, "w"+u+"x"
	for _, n := range []string{router, dhcp, whole, longer} {
		nstest.NetnsNamed(t, n)
	}
	for _, c := range []struct {
		args []string
		want string // the one namespace shown
	}{
		{[]string{"show", u + "a1"}, router},
		{[]string{"show", strings.ToUpper(u + "B2")}, dhcp},
		{[]string{"show", whole}, whole},
		{[]string{"show", "--json", u + "a1"}, router},
	} {
		code, stdout, stderr := lazyns(t, c.args...)
		if code != 0 || !strings.Contains(stdout, c.want) {
			t.Errorf("lazyns %v: exit %d, stderr %q; want %s shown:\n%s", c.args, code, stderr, c.want, stdout)
		}
		for _, other := range []string{router, dhcp, whole, longer} {
			if !strings.Contains(c.want, other) && strings.Contains(stdout, other) {
				t.Errorf("lazyns %v shows %s too", c.args, other)
			}
		}
	}
	// exec runs in the namespace a part names: lo is its only link.
	code, stdout, stderr := lazyns(t, "exec", u+"b2", "--", "ip", "-o", "link")
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "lo:") {
		t.Errorf("exec by a part: exit %d, %q %q", code, stdout, stderr)
	}
	for _, args := range [][]string{{"show", u}, {"exec", u, "--", "true"}, {"trace", u, "10.0.0.1"}, {"shell", u}} {
		code, stdout, stderr := lazyns(t, args...)
		if code != 2 || stdout != "" {
			t.Errorf("lazyns %v: exit %d, stdout %q; want 2 and nothing", args, code, stdout)
		}
		if !strings.HasPrefix(stderr, "lazyns: \""+u+"\" is part of 4 namespace names") {
			t.Errorf("lazyns %v: stderr %q", args, stderr)
		}
		for _, n := range []string{router, dhcp, whole, longer} {
			if !strings.Contains(stderr, "\n  "+n+"\n") && !strings.HasSuffix(stderr, "\n  "+n+"\n") {
				t.Errorf("lazyns %v: %s not listed in %q", args, n, stderr)
			}
		}
	}
}
