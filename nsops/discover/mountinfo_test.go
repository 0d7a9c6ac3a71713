package discover

import (
	"strings"
	"testing"
)

func TestParseNetnsMounts(t *testing.T) {
	in := strings.Join([]string{
		`22 1 0:21 / /run rw,nosuid shared:5 - tmpfs tmpfs rw`,
		`612 22 0:4 net:[4026532448] /run/netns/blue rw shared:300 - nsfs nsfs rw`,
		`613 22 0:4 net:[4026532449] /run/netns/with\040space rw - nsfs nsfs rw`,
		`614 22 0:4 mnt:[4026532450] /run/mntns/x rw - nsfs nsfs rw`,
		`615 22 0:4 net:[4026532451] /run/docker/netns/abc rw shared:1 master:2 - nsfs nsfs rw`,
		`garbage line`,
	}, "\n")
	got, err := parseNetnsMounts(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []nsMount{
		{"/run/netns/blue", 4026532448},
		{"/run/netns/with space", 4026532449},
		{"/run/docker/netns/abc", 4026532451},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mount %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestUnescapeMountPath(t *testing.T) {
	cases := map[string]string{
		`/a\040b`: "/a b", `/tab\011x`: "/tab\tx", `/nl\012`: "/nl\n", `/back\134slash`: `/back\slash`,
		`/plain`: "/plain", `/short\04`: `/short\04`, `/\777bad`: `/\777bad`,
	}
	for in, want := range cases {
		if got := unescapeMountPath(in); got != want {
			t.Errorf("unescapeMountPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseNsLink(t *testing.T) {
	if ino, ok := ParseNsLink("net:[4026531840]", "net"); !ok || ino != 4026531840 {
		t.Errorf("got %d %v", ino, ok)
	}
	for _, bad := range []string{"mnt:[1]", "net:[x]", "net:[1", "socket:[5]", ""} {
		if _, ok := ParseNsLink(bad, "net"); ok {
			t.Errorf("ParseNsLink(%q) accepted", bad)
		}
	}
}
