package model

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
)

func addr(cidr string) Addr {
	ip, n, err := net.ParseCIDR(cidr)
	if err != nil {
		panic(err)
	}
	ones, _ := n.Mask.Size()
	a := Addr{Family: AF_INET, Local: ip, PrefixLen: ones}
	if ip.To4() == nil {
		a.Family = AF_INET6
	}
	if ip.IsLinkLocalUnicast() {
		a.Scope = 253
	}
	return a
}

// wire makes l in a and m in b the two ends of one veth.
func wire(a *Namespace, l int, b *Namespace, m int) {
	la, lb := a.Link(l), b.Link(m)
	la.Peer = &PeerRef{Ns: b.Key, Index: m, Name: lb.Name, NsName: b.DisplayName()}
	lb.Peer = &PeerRef{Ns: a.Key, Index: l, Name: la.Name, NsName: a.DisplayName()}
}

const hostileNs = "evil\x1b[31m\"\\\n"

// topoSnapshot is an OpenStack-like host: br-int in the host with a qdhcp
// tap and a vxlan as ports, a qrouter joined to the host by a direct pair,
// two namespaces joined to each other, a hostile name, a veth into a
// namespace lazyns cannot see, and ten namespaces with no wiring.
func topoSnapshot() *Snapshot {
	host := Namespace{Key: NsKey{Ino: 1}, Host: true, Links: []Link{lo(),
		{Index: 3, Name: "br-int", Kind: "bridge", Flags: IFF_UP, Addrs: []Addr{addr("10.0.0.1/24")}},
		veth(4, "tapd1", 2, 0), {Index: 5, Name: "vx0", Kind: "vxlan", MasterIndex: 3},
		veth(6, "qg-1", 2, 1), veth(7, "ghost0", 9, 2)}}
	host.Links[2].MasterIndex = 3
	host.Links[4].Flags = 0 // DOWN
	qdhcp := Namespace{Key: NsKey{Ino: 2}, Name: "qdhcp-dae14f7d-0000-4000-8000-000000000001",
		Links: []Link{lo(), veth(2, "tapd1", 4, 0)}, Procs: []Proc{{Pid: 10, Comm: "dnsmasq"}}}
	qdhcp.Links[1].Addrs = []Addr{addr("10.0.0.2/24"), addr("fe80::1/64"), addr("fd00::2/64")}
	qr := Namespace{Key: NsKey{Ino: 3}, Name: "qrouter-e945b6b1", Links: []Link{lo(), veth(2, "qg-1", 6, 0)}}
	qr.Links[1].Addrs = []Addr{addr("172.24.4.10/24")}
	red := Namespace{Key: NsKey{Ino: 4}, Name: "red", Links: []Link{lo(), veth(2, "r2b", 2, 0)}}
	blue := Namespace{Key: NsKey{Ino: 5}, Name: "blue", Links: []Link{lo(), veth(2, "b2r", 2, 0)}}
	evil := Namespace{Key: NsKey{Ino: 6}, Name: hostileNs, Links: []Link{lo(), veth(2, "e\x1b]0;x\x07", 2, 0), veth(3, "e1", 0, NoNsID)}}
	evil.Links[2].Peer = &PeerRef{Ns: evil.Key, Index: 4, Name: "e\"2", NsName: hostileNs}
	nss := []Namespace{host, qdhcp, qr, red, blue, evil}
	for i := 0; i < 10; i++ {
		ns := Namespace{Key: NsKey{Ino: uint64(100 + i)}, Name: fmt.Sprintf("idle%02d", i), Links: []Link{lo()}}
		if i%2 == 0 {
			ns.Procs = []Proc{{Pid: 100 + i}}
		}
		nss = append(nss, ns)
	}
	nss = append(nss, Namespace{Name: "gone", Stale: true})
	s := &Snapshot{Namespaces: nss}
	h, d, q, r, b := &s.Namespaces[0], &s.Namespaces[1], &s.Namespaces[2], &s.Namespaces[3], &s.Namespaces[4]
	wire(h, 4, d, 2)
	wire(h, 6, q, 2)
	wire(r, 2, b, 2)
	h.Link(7).Peer = &PeerRef{Index: 9, NsName: "nsid 2"}
	s.Namespaces[5].Links = append(s.Namespaces[5].Links, veth(4, "e\"2", 3, NoNsID))
	s.Namespaces[5].Links[3].Peer = &PeerRef{Ns: s.Namespaces[5].Key, Index: 3, Name: "e1", NsName: hostileNs}
	// The hostile name's other veth leads to an index red does not have.
	s.Namespaces[5].Links[1].Peer = &PeerRef{Ns: r.Key, Index: 9, NsName: "red"}
	return s
}

func TestTopologyText(t *testing.T) {
	s := topoSnapshot()
	var b bytes.Buffer
	if err := BuildTopology(s).WriteText(&b, NoPaint); err != nil {
		t.Fatal(err)
	}
	want := `bridges
└─ host br-int 10.0.0.1/24
   ├─ tapd1 ⇄ qdhcp-dae14f7d-0000-4000-8000-000000000001 tapd1 10.0.0.2/24 fd00::2/64
   └─ vx0 DOWN  vxlan
veth pairs
├─ host qg-1 DOWN ⇄ qrouter-e945b6b1 qg-1 172.24.4.10/24
├─ host ghost0 ⇄ nsid 2 #9
├─ red r2b ⇄ blue b2r
├─ evil\x1b[31m"\\x0a e\x1b]0;x\x07 ⇄ red #9
└─ evil\x1b[31m"\\x0a e1 ⇄ evil\x1b[31m"\\x0a e"2
10 namespaces not wired (5 empty)
├─ idle00
├─ idle01
├─ idle02
├─ idle03
├─ idle04
├─ idle05
├─ idle06
├─ idle07
└─ … 2 more
`
	if got := b.String(); got != want {
		t.Errorf("topology text:\n%s\nwant:\n%s", got, want)
	}
	if strings.ContainsAny(b.String(), "\x1b\x07\r") {
		t.Errorf("raw control bytes in the output")
	}
}

func TestTopologyLinesNameTheirInterface(t *testing.T) {
	s := topoSnapshot()
	lines := BuildTopology(s).Lines(NoPaint)
	byText := map[string]TopoLine{}
	for _, l := range lines {
		byText[strings.TrimLeft(l.Text, "├└─│ ")] = l
	}
	for prefix, want := range map[string]TopoLine{
		"host br-int": {Ns: NsKey{Ino: 1}, Link: 3},
		"tapd1 ⇄":     {Ns: NsKey{Ino: 1}, Link: 4},
		"red r2b":     {Ns: NsKey{Ino: 4}, Link: 2},
		"bridges":     {},
		"idle03":      {Ns: NsKey{Ino: 103}},
	} {
		found := false
		for text, l := range byText {
			if strings.HasPrefix(text, prefix) {
				found = true
				if l.Ns != want.Ns || l.Link != want.Link {
					t.Errorf("%q: ns %v link %d, want %v %d", text, l.Ns, l.Link, want.Ns, want.Link)
				}
			}
		}
		if !found {
			t.Errorf("no line starts with %q", prefix)
		}
	}
}

// A line about a veth says where its other end's text starts and which
// interface that is, so a viewer can open the end a search found.
func TestTopologyLinesNameTheirOtherEnd(t *testing.T) {
	s := topoSnapshot()
	want := map[string]struct {
		far  string
		ns   NsKey
		link int
	}{
		"tapd1 ⇄":       {"qdhcp-dae14f7d-0000-4000-8000-000000000001 tapd1 10.0.0.2/24 fd00::2/64", NsKey{Ino: 2}, 2},
		"host qg-1":     {"qrouter-e945b6b1 qg-1 172.24.4.10/24", NsKey{Ino: 3}, 2},
		"red r2b":       {"blue b2r", NsKey{Ino: 5}, 2},
		"host ghost0":   {"nsid 2 #9", NsKey{}, 0}, // a namespace lazyns cannot see
		"host br-int":   {"", NsKey{}, 0},
		"vx0 DOWN":      {"", NsKey{}, 0},
		"idle03":        {"", NsKey{}, 0},
		"veth pairs":    {"", NsKey{}, 0},
		"└─ … 2 more":   {"", NsKey{}, 0},
		"bridges":       {"", NsKey{}, 0},
		"10 namespaces": {"", NsKey{}, 0},
	}
	for _, paint := range []Paint{NoPaint, func(r Role, s string) string { return "\x1b[1m" + s + "\x1b[0m" }} {
		seen := map[string]bool{}
		for _, l := range BuildTopology(s).Lines(paint) {
			plain := stripTestPaint(l.Text)
			for prefix, w := range want {
				if !strings.HasPrefix(strings.TrimLeft(plain, "├└─│ "), prefix) && !strings.HasPrefix(plain, prefix) {
					continue
				}
				seen[prefix] = true
				far := ""
				if l.FarAt > 0 {
					far = stripTestPaint(l.Text[l.FarAt:])
				}
				if far != w.far || l.FarNs != w.ns || l.FarLink != w.link {
					t.Errorf("%q: far end %q in %v link %d, want %q in %v link %d", plain, far, l.FarNs, l.FarLink, w.far, w.ns, w.link)
				}
			}
		}
		if len(seen) != len(want) {
			t.Errorf("lines found %v of %d", seen, len(want))
		}
	}
}

func stripTestPaint(s string) string {
	return strings.NewReplacer("\x1b[1m", "", "\x1b[0m", "").Replace(s)
}

func TestTopologyPaintsByRole(t *testing.T) {
	s := topoSnapshot()
	paint := func(r Role, s string) string { return fmt.Sprintf("<%d>%s", r, s) }
	var b bytes.Buffer
	_ = BuildTopology(s).WriteText(&b, paint)
	for _, want := range []string{"<10>bridges", "<1>host <2>br-int <6>10.0.0.1/24", "<4>DOWN", "<7>fd00::2/64"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("painted output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestTopologyEmptySnapshot(t *testing.T) {
	var b bytes.Buffer
	_ = BuildTopology(&Snapshot{}).WriteText(&b, NoPaint)
	if b.Len() != 0 {
		t.Errorf("empty snapshot: %q", b.String())
	}
	_ = BuildTopology(&Snapshot{Namespaces: []Namespace{{Key: NsKey{Ino: 1}, Host: true, Links: []Link{lo()}}}}).WriteText(&b, NoPaint)
	if want := "1 namespace not wired\n└─ host\n"; b.String() != want {
		t.Errorf("lone host: %q, want %q", b.String(), want)
	}
}

func TestTopologyDot(t *testing.T) {
	var b bytes.Buffer
	if err := BuildTopology(topoSnapshot()).WriteDot(&b); err != nil {
		t.Fatal(err)
	}
	dot := b.String()
	for _, want := range []string{
		`label="evil\\x1b[31m\"\\\\x0a";`,
		`i0_1_4 -- i0_1_3 [style=dashed]`,
		`i0_1_4 -- i0_2_2`,
		`i0_1_7_peer [label="nsid 2 #9"]`,
		`label="10 namespaces not wired (5 empty)"`,
		`[label="e\\x1b]0;x\\x07"]`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("dot lacks %s:\n%s", want, dot)
		}
	}
	for i := 0; i < len(dot); i++ {
		if c := dot[i]; c < 0x20 && c != '\n' && c != '\t' {
			t.Fatalf("raw control byte %#x in dot output", c)
		}
	}
	if _, err := exec.LookPath("dot"); err != nil {
		t.Log("graphviz not installed: dot output not rendered")
		return
	}
	cmd := exec.Command("dot", "-Tsvg")
	cmd.Stdin = strings.NewReader(dot)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	svg, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("dot -Tsvg: %v: %s\n%s", err, stderr.String(), dot)
	}
	if !bytes.Contains(svg, []byte(`evil\x1b[31m&quot;\\x0a`)) {
		t.Errorf("the hostile name did not survive rendering as shown elsewhere")
	}
}

// BenchmarkTopology1000 builds and lays out a network node with 1000
// namespaces: 500 qdhcp taps on br-int, 500 qrouters with a direct pair.
func BenchmarkTopology1000(b *testing.B) {
	host := Namespace{Key: NsKey{Ino: 1}, Host: true, Links: []Link{lo(), {Index: 2, Name: "br-int", Kind: "bridge", Flags: IFF_UP}}}
	s := &Snapshot{Namespaces: []Namespace{host}}
	for i := 0; i < 1000; i++ {
		ns := Namespace{Key: NsKey{Ino: uint64(10 + i)}, Name: fmt.Sprintf("qdhcp-%08d-0000-4000-8000-000000000000", i), Links: []Link{lo(), veth(2, fmt.Sprintf("tap%08d-00", i), 3+i, 0)}}
		ns.Links[1].Addrs = []Addr{addr(fmt.Sprintf("10.%d.%d.2/24", i/256, i%256))}
		s.Namespaces = append(s.Namespaces, ns)
		l := veth(3+i, ns.Links[1].Name, 2, i)
		if i%2 == 0 {
			l.MasterIndex = 2
		}
		s.Namespaces[0].Links = append(s.Namespaces[0].Links, l)
	}
	for i := 1; i <= 1000; i++ {
		wire(&s.Namespaces[0], 2+i, &s.Namespaces[i], 2)
	}
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		_ = BuildTopology(s).WriteText(&out, NoPaint)
	}
}

// FuzzTopologyDot: whatever the names, every quoted string in the graph
// closes on its own line and no raw control byte gets through.
func FuzzTopologyDot(f *testing.F) {
	f.Add(hostileNs, "e\x1b]0;x\x07", `a\`)
	f.Add(`"];x[`, `\"`, "\xff\xfe")
	f.Fuzz(func(t *testing.T, nsName, ifName, other string) {
		a := Namespace{Key: NsKey{Ino: 1}, Name: nsName, Links: []Link{veth(2, ifName, 2, 0), {Index: 3, Name: other, Kind: "bridge", Flags: IFF_UP}}}
		a.Links[0].MasterIndex = 3
		b := Namespace{Key: NsKey{Ino: 2}, Name: other, Links: []Link{veth(2, other, 2, 0)}}
		s := &Snapshot{Namespaces: []Namespace{a, b, {Key: NsKey{Ino: 3}, Name: ifName}}}
		wire(&s.Namespaces[0], 2, &s.Namespaces[1], 2)
		var out bytes.Buffer
		if err := BuildTopology(s).WriteDot(&out); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(out.String(), "\n") {
			quoted := false
			for i := 0; i < len(line); i++ {
				switch c := line[i]; {
				case c < 0x20 && c != '\t':
					t.Fatalf("raw control byte %#x in %q", c, line)
				case quoted && c == '\\':
					i++
				case c == '"':
					quoted = !quoted
				}
			}
			if quoted {
				t.Fatalf("unclosed string in %q", line)
			}
		}
	})
}
