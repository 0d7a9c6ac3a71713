package model

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

func TestVisible(t *testing.T) {
	cases := map[string]string{
		"blue":                      "blue",
		"qrouter-e945b6b1":          "qrouter-e945b6b1",
		"ünï":                       "ünï",
		"evil\x1b[2Jname":           `evil\x1b[2Jname`,
		"bell\a":                    `bell\x07`,
		"nl\nx":                     `nl\x0ax`,
		"bad\xffbyte":               `bad\xffbyte`,
		"c1\u009bx":                 `c1\u{009B}x`,
		"rtl\u202eevil":             `rtl\u{202E}evil`,
		"del\x7f":                   `del\x7f`,
		"x`id`$(touch /tmp/p)":      "x`id`$(touch /tmp/p)",
		strings.Repeat("a", 200):    strings.Repeat("a", 200),
		"tab\there":                 `tab\x09here`,
		"\xe2\x80":                  `\xe2\x80`,
		"emoji 🐧 ok":                "emoji 🐧 ok",
		"mixed ü\x1b and \xc3(bad)": `mixed ü\x1b and \xc3(bad)`,
	}
	for in, want := range cases {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
		for _, r := range Visible(in) {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("Visible(%q) still holds control %U", in, r)
			}
		}
	}
}

func FuzzVisible(f *testing.F) {
	for _, s := range []string{"blue", "a\x1b[31mb", "\xff\xfe", "\u202e", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Visible(s)
		for i := 0; i < len(v); i++ {
			if c := v[i]; c < 0x20 || c == 0x7f {
				t.Fatalf("Visible(%q) = %q keeps byte %#x", s, v, c)
			}
		}
		for _, r := range v {
			if (r >= 0x80 && r < 0xa0) || isBidi(r) {
				t.Fatalf("Visible(%q) = %q keeps %U", s, v, r)
			}
		}
	})
}

func TestShellQuoteRoundTrips(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	names := []string{"blue", "qrouter-e945b6b1", "", "it's", "x`id`$(touch /tmp/never)", "a b", "semi;colon",
		"esc\x1b[2J", "ünï", "bad\xffbyte", `back\slash`, "new\nline", "!bang", "*glob?"}
	for _, n := range names {
		q := ShellQuote(n)
		out, err := exec.Command("bash", "-c", "printf %s "+q).Output()
		if err != nil {
			t.Fatalf("bash on %s: %v", q, err)
		}
		if string(out) != n {
			t.Errorf("ShellQuote(%q) = %s reads back as %q", n, q, out)
		}
		for i := 0; i < len(q); i++ {
			if q[i] < 0x20 || q[i] >= 0x7f {
				t.Errorf("ShellQuote(%q) = %q holds raw byte %#x", n, q, q[i])
			}
		}
	}
}

func TestJSONStringsAreExact(t *testing.T) {
	names := []string{"plain", "quote\"back\\", "esc\x1b[2J", "bad\xffbyte", "ünï", "line\u2028sep", "\x00nul"}
	for _, n := range names {
		b := AppendJSONString(nil, n)
		if !json.Valid(b) {
			t.Fatalf("%q: invalid JSON %s", n, b)
		}
		for _, c := range b {
			if c < 0x20 {
				t.Errorf("%q: raw control byte in %s", n, b)
			}
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(n, 0xfffd) {
			continue
		}
		// Valid UTF-8 comes back identical; invalid bytes come back as
		// lone surrogates, which Go turns into U+FFFD: check the escape.
		if isValidUTF8(n) && back != n {
			t.Errorf("%q round-trips as %q", n, back)
		}
	}
	if got := string(AppendJSONString(nil, "bad\xffbyte")); got != `"bad\udcffbyte"` {
		t.Errorf("invalid byte encoded as %s", got)
	}
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\x00") == s }

func TestParseNsArg(t *testing.T) {
	cases := []struct {
		in   string
		kind NsArgKind
		bad  bool
	}{
		{"blue", ArgName, false}, {"host", ArgHost, false}, {"pid:1234", ArgPid, false},
		{"/run/docker/netns/abc", ArgPath, false}, {"./x", ArgPath, false},
		{"pid:", 0, true}, {"pid:abc", 0, true}, {"pid:-3", 0, true}, {"", 0, true},
	}
	for _, c := range cases {
		a, err := ParseNsArg(c.in)
		if (err != nil) != c.bad {
			t.Errorf("ParseNsArg(%q) error %v, want bad=%v", c.in, err, c.bad)
			continue
		}
		if !c.bad && a.Kind != c.kind {
			t.Errorf("ParseNsArg(%q) kind %v, want %v", c.in, a.Kind, c.kind)
		}
	}
}

func FuzzParseNsArg(f *testing.F) {
	for _, s := range []string{"blue", "host", "pid:1", "/x", "pid:\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseNsArg(s)
		if err != nil {
			for _, c := range []byte(err.Error()) {
				if c < 0x20 || c == 0x7f {
					t.Fatalf("error for %q carries raw control byte: %q", s, err)
				}
			}
			return
		}
		if a.Kind == ArgPid && a.Pid <= 0 {
			t.Fatalf("%q: pid %d", s, a.Pid)
		}
	})
}

func TestContainerFromCgroup(t *testing.T) {
	id := "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
	cases := map[string]*Container{
		"0::/system.slice/docker-" + id + ".scope\n":                                {"docker", id, "", ""},
		"12:pids:/docker/" + id + "\n":                                              {"docker", id, "", ""},
		"0::/system.slice/containerd.service/kubepods-x.slice:cri-containerd:" + id: {"containerd", id, "", ""},
		"0::/kubepods/besteffort/pod1234/" + id + "\n":                              {"kubernetes", id, "", ""},
		"0::/machine.slice/libpod-" + id + ".scope\n":                               {"podman", id, "", ""},
		// podman 4.3 with the cgroupfs manager (no systemd), as read on a
		// host running it: every hierarchy names libpod_parent.
		"9:name=systemd:/libpod_parent/libpod-" + id + "\n0::/libpod_parent/libpod-" + id + "\n": {"podman", id, "", ""},
		"0::/system.slice/systemd-resolved.service\n":                                            {"systemd", "systemd-resolved.service", "", ""},
		"0::/user.slice/user-0.slice/session-1.scope\n":                                          nil,
		"0::/machine.slice/libpod-conmon-" + id + ".scope\n":                                     nil,
	}
	for in, want := range cases {
		got := ContainerFromCgroup(in)
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("ContainerFromCgroup(%q) = %+v, want %+v", in, got, want)
		}
	}
	if got := (&Container{Runtime: "docker", ID: id}).Label(); got != "docker 3f2a9c1b7d4e" {
		t.Errorf("label of an unnamed docker container: %q", got)
	}
	if got := (&Container{Runtime: "systemd", ID: "systemd-resolved.service"}).Label(); got != "systemd systemd-resolved.service" {
		t.Errorf("label of a unit: %q", got)
	}
}

func TestMininetHost(t *testing.T) {
	cases := []struct {
		cmdline []string
		want    string
	}{
		// Mininet 2.3's Node.startShell, after mnexec and env exec bash
		{[]string{"bash", "--norc", "--noediting", "-is", "mininet:h1"}, "h1"},
		{[]string{"bash", "--norc", "-is", "mininet:s1"}, "s1"},
		{[]string{"mininet:h1"}, ""}, // the program itself is no argument
		{[]string{"bash", "-c", "echo mininet"}, ""},
		{[]string{"bash", "mininet:"}, ""},
		{nil, ""},
	}
	for _, c := range cases {
		if got := MininetHost(c.cmdline); got != c.want {
			t.Errorf("MininetHost(%q) = %q, want %q", c.cmdline, got, c.want)
		}
	}
}
