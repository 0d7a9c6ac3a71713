package model

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// noRawControl fails when an error message, printed on a terminal, would
// carry a control byte from the input.
func noRawControl(t *testing.T, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, c := range []byte(err.Error()) {
		if c < 0x20 || c == 0x7f {
			t.Fatalf("error for %q carries raw control byte %#x: %q", in, c, err)
		}
	}
}

// A history script line, run by bash, hands ip exactly the arguments the
// change used: ip is replaced by a function that prints what it got.
func FuzzCmdString(f *testing.F) {
	for _, s := range []string{"blue", "x$(id)`id`", "a'b\"c", "\x1b[2J\xff", "-n", "", "a\\b", "$'x'", "\u202e", "\x7fé"} {
		f.Add(s)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		f.Skip("needs bash")
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			return // no argument can hold NUL
		}
		c := Cmd{Argv: []string{"ip", "netns", "add", s, "--", s}}
		script := "ip() { printf '%s\\0' \"$@\"; }\n" + c.String() + "\n"
		out, err := exec.Command("bash", "-c", script).Output()
		if err != nil {
			t.Fatalf("bash rejects %s: %v", c.String(), err)
		}
		want := strings.Join(c.Argv[1:], "\x00") + "\x00"
		if !bytes.Equal(out, []byte(want)) {
			t.Fatalf("%s ran as %q, want %q", c.String(), out, want)
		}
		if line := c.String(); strings.ContainsAny(line, "\n\r\x1b") {
			t.Fatalf("the script line %q carries a raw control byte", line)
		}
	})
}

// The other fields the change forms read: gateways, metrics, a rule's
// source, and the namespace a change names or moves a link to.
func FuzzParseFields(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "fe80::1%eth0", "", "1.2.3", "\x1b", "default", "4294967296"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fam := range []int{0, 4, 6} {
			a, err := ParseGateway("via", s, fam)
			if err != nil {
				noRawControl(t, s, err)
			} else if s != "" && (!a.IsValid() || a.Zone() != "") {
				t.Fatalf("gateway %q accepted as %v", s, a)
			}
		}
		if _, err := ParseMetric("metric", s); err != nil {
			noRawControl(t, s, err)
		}
		noRawControl(t, s, AddrSpec{Ns: s, Dev: "eth0", CIDR: "10.0.0.1/24"}.Validate())
		noRawControl(t, s, ForwardingSpec{Ns: s}.Validate())
		noRawControl(t, s, RuleSpec{From: s, Table: 16}.Validate())
		noRawControl(t, s, MoveSpec{Ns: "a", Name: "eth0", ToNs: s}.Validate())
	})
}

// The lab prefix (and router count) never make a lab plan panic, and a
// plan that validates names only what CheckIfName and CheckNetnsName allow.
func FuzzLabPlan(f *testing.F) {
	for _, s := range []string{"lz", "", "a/b", "x$(id)", "\x1b[2J", "123456789"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, prefix string, routers int) {
		routers = routers%4 + 1
		if routers < 1 {
			routers += 4
		}
		for _, l := range Labs() {
			plan, err := l.Plan(LabOptions{Prefix: prefix, Routers: routers})
			noRawControl(t, prefix, err)
			if err != nil {
				continue
			}
			noRawControl(t, prefix, plan.Validate())
		}
	})
}

// A name in JSON: valid JSON and UTF-8 with no raw control byte, and the
// exact bytes recoverable (each invalid byte as \udcXX, as Python's
// surrogateescape reads it).
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"blue", "\x1b[2J\xff", "\"\\/", "\u2028é", "\xed\xa0\x80", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendJSONString(nil, s)
		if !json.Valid(out) {
			t.Fatalf("%q → invalid JSON %s", s, out)
		}
		if !utf8.Valid(out) {
			t.Fatalf("%q → %q is not UTF-8", s, out)
		}
		for _, c := range out {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("%q → %s holds byte %#x", s, out, c)
			}
		}
		if got := decodeSurrogateEscaped(t, string(out)); got != s {
			t.Fatalf("%q → %s → %q", s, out, got)
		}
	})
}

// decodeSurrogateEscaped reads a JSON string as AppendJSONString writes it,
// turning \udcXX back into the byte XX.
func decodeSurrogateEscaped(t *testing.T, q string) string {
	t.Helper()
	var b strings.Builder
	body := q[1 : len(q)-1]
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			b.WriteByte(body[i])
			continue
		}
		i++
		switch body[i] {
		case 'u':
			n, err := strconv.ParseUint(body[i+1:i+5], 16, 32)
			if err != nil {
				t.Fatalf("bad escape in %s", q)
			}
			i += 4
			if n >= 0xdc80 && n <= 0xdcff {
				b.WriteByte(byte(n - 0xdc00))
				continue
			}
			if n >= 0xd800 && n < 0xdc00 && i+6 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
				lo, _ := strconv.ParseUint(body[i+3:i+7], 16, 32)
				b.WriteRune(utf16.DecodeRune(rune(n), rune(lo)))
				i += 6
				continue
			}
			b.WriteRune(rune(n))
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		default:
			b.WriteByte(body[i])
		}
	}
	return b.String()
}
