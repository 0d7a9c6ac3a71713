package nsops

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// An NS argument may be a unique part of a name, in any case; a whole
// name wins; an ambiguous part lists the names it is part of.
func TestLocateByPartOfAName(t *testing.T) {
	snap := &model.Snapshot{Namespaces: []model.Namespace{
		{Key: model.NsKey{Ino: 1}, Host: true},
		{Key: model.NsKey{Ino: 2}, Name: "qrouter-8c35c77a-54be-49ef-95ed-5d524d2f3616"},
		{Key: model.NsKey{Ino: 3}, Name: "qdhcp-8c35c77a-1f4e-4c4b-9a5e-1b2c3d4e5f60"},
		{Key: model.NsKey{Ino: 4}, Name: "blue"},
		{Key: model.NsKey{Ino: 5}, Name: "blue2"},
		{Name: "ghost", Stale: true},
	}}
	for i := 0; i < ambiguousShown+5; i++ {
		snap.Namespaces = append(snap.Namespaces, model.Namespace{Key: model.NsKey{Ino: uint64(100 + i)}, Name: fmt.Sprintf("many-%02d", i)})
	}
	s := &System{}
	cases := []struct{ arg, want, err string }{
		{arg: "8c35c77a-54be", want: "qrouter-8c35c77a-54be-49ef-95ed-5d524d2f3616"},
		{arg: "QDHCP-8C35", want: "qdhcp-8c35c77a-1f4e-4c4b-9a5e-1b2c3d4e5f60"},
		{arg: "blue", want: "blue"}, // a whole name, though blue2 contains it
		{arg: "e2", want: "blue2"},
		{arg: "host", want: "host"},
		{arg: "8c35c77a", err: "\"8c35c77a\" is part of 2 namespace names; give one of them, or more of it:\n" +
			"  qrouter-8c35c77a-54be-49ef-95ed-5d524d2f3616\n  qdhcp-8c35c77a-1f4e-4c4b-9a5e-1b2c3d4e5f60"},
		{arg: "many-", err: "\n  many-19\n  … and 5 more (see: lazyns list)"},
		{arg: "gho", err: "\"ghost\" is a stale name: its namespace is gone (remove it with: ip netns del ghost)"},
		{arg: "nothing", err: "no namespace \"nothing\" (see: lazyns list)"},
	}
	for _, c := range cases {
		a, err := model.ParseNsArg(c.arg)
		if err != nil {
			t.Fatal(err)
		}
		ns, err := s.Locate(snap, a)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one containing %q", c.arg, err, c.err)
			}
			if !strings.Contains(c.err, "stale") && !errors.Is(err, ErrNoNamespace) {
				t.Errorf("%q: %v does not match ErrNoNamespace (a usage error)", c.arg, err)
			}
			continue
		}
		if err != nil || ns.DisplayName() != c.want {
			t.Errorf("%q: got %v, %v; want %q", c.arg, ns, err, c.want)
		}
	}
	// A part of ambiguousShown+5 names lists ambiguousShown of them.
	_, err := s.Locate(snap, model.NsArg{Kind: model.ArgName, Name: "many-", Raw: "many-"})
	if got := strings.Count(err.Error(), "\n  many-"); got != ambiguousShown {
		t.Errorf("listed %d names, want %d:\n%v", got, ambiguousShown, err)
	}
}
