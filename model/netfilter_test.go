package model

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
)

func TestConnEntryText(t *testing.T) {
	a := netip.MustParseAddr
	// A ping from a client through a gateway that masquerades it.
	ping := ConnEntry{Family: AF_INET, Proto: 1, Timeout: 29, Counters: true, Use: 1,
		Orig:  ConnTuple{Src: a("10.0.1.2"), Dst: a("10.0.2.2"), ICMP: true, Type: 8, ID: 7, Packets: 1, Bytes: 84},
		Reply: ConnTuple{Src: a("10.0.2.2"), Dst: a("10.0.2.1"), ICMP: true, Type: 0, ID: 7, Packets: 1, Bytes: 84}}
	want := "icmp     1 29 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=7 packets=1 bytes=84 " +
		"src=10.0.2.2 dst=10.0.2.1 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1  snat"
	if got := ConnText(&ping); got != want {
		t.Errorf("ping:\n got %q\nwant %q", got, want)
	}
	if !ping.SNAT() || ping.DNAT() {
		t.Error("the masqueraded ping is source NAT only")
	}
	// A TCP connection to a floating IP, translated to the fixed address.
	tcp := ConnEntry{Family: AF_INET, Proto: 6, Timeout: 431999, State: "ESTABLISHED", Assured: true, Use: 1,
		Orig:  ConnTuple{Src: a("172.24.4.1"), Dst: a("172.24.4.10"), Sport: 40000, Dport: 22},
		Reply: ConnTuple{Src: a("10.0.0.5"), Dst: a("172.24.4.1"), Sport: 22, Dport: 40000}}
	want = "tcp      6 431999 ESTABLISHED src=172.24.4.1 dst=172.24.4.10 sport=40000 dport=22 " +
		"src=10.0.0.5 dst=172.24.4.1 sport=22 dport=40000 [ASSURED] mark=0 use=1  dnat"
	if got := ConnText(&tcp); got != want {
		t.Errorf("tcp:\n got %q\nwant %q", got, want)
	}
	udp := ConnEntry{Family: AF_INET6, Proto: 17, Timeout: 30, Unreplied: true,
		Orig:  ConnTuple{Src: a("fd00::1"), Dst: a("fd00::2"), Sport: 5000, Dport: 53},
		Reply: ConnTuple{Src: a("fd00::2"), Dst: a("fd00::1"), Sport: 53, Dport: 5000}}
	if got := ConnText(&udp); !strings.Contains(got, "dport=53 [UNREPLIED] src=fd00::2") || udp.SNAT() || udp.DNAT() {
		t.Errorf("udp: %q", got)
	}
}

func TestSysctlsEffective(t *testing.T) {
	s := Sysctls{
		"net.ipv4.conf.all.rp_filter":        "2",
		"net.ipv4.conf.eth0.rp_filter":       "0",
		"net.ipv4.conf.eth0/100.rp_filter":   "1",
		"net.ipv4.conf.all.proxy_arp":        "0",
		"net.ipv4.conf.eth0.proxy_arp":       "1",
		"net.ipv4.conf.eth0.forwarding":      "0",
		"net.ipv4.conf.all.forwarding":       "1",
		"net.ipv6.conf.default.accept_ra":    "1",
		"net.ipv4.conf.eth0/100.arp_ignore":  "0",
		"net.ipv4.conf.all.arp_ignore":       "1",
		"net.ipv4.conf.default.arp_announce": "0",
	}
	for _, c := range []struct {
		ifname, key string
		want        int
	}{
		{"eth0", "rp_filter", 2},
		{"eth0.100", "rp_filter", 2},
		{"all", "rp_filter", 2},
		{"eth0", "proxy_arp", 1},
		{"eth0", "forwarding", 0},
		{"eth0.100", "arp_ignore", 1},
	} {
		if got, ok := s.Effective(c.ifname, c.key); !ok || got != c.want {
			t.Errorf("%s %s: %d %v, want %d", c.ifname, c.key, got, ok, c.want)
		}
	}
	if got := SysctlCell(s, "ipv4", "eth0", "rp_filter"); got != "2 (own 0)" {
		t.Errorf("rp_filter cell %q", got)
	}
	if got := SysctlCell(s, "ipv4", "eth0", "forwarding"); got != "0" {
		t.Errorf("forwarding cell %q", got)
	}
	if got := s.Links(); strings.Join(got, " ") != "all default eth0 eth0.100" {
		t.Errorf("links %v", got)
	}
	if got := SysctlLinkKey("ipv4", "eth0.100", "rp_filter"); got != "net.ipv4.conf.eth0/100.rp_filter" {
		t.Errorf("key %q", got)
	}
}

// hostileNamespace has a firewall whose names and comments carry escape
// sequences and shell syntax, and a connection table and settings.
func hostileNamespace() *Namespace {
	esc := "a\x1b[31mred \"q\" \\b"
	return &Namespace{Name: "fw", Netfilter: &Netfilter{
		Sysctls:   Sysctls{"net.ipv4.ip_forward": "1", "net.ipv4.conf.x\x1b[2J.rp_filter": "1"},
		Conntrack: &Conntrack{Count: 0, Max: 262144},
		Firewall: &Firewall{Tables: []FwTable{
			{Family: "inet", Name: "t$(id)", Source: FwNftables, Chains: []FwChain{
				{Name: "in", Hook: "input", Type: "filter", Policy: "drop", Rules: []FwRule{
					{Handle: 4, Text: `iifname "e\x1b]0;pwn\x07" jump c$(reboot) comment "` + esc + `"`, Comment: esc,
						Verdict: FwVerdict{Kind: FwJump, Chain: "c$(reboot)"}},
				}},
				{Name: "c$(reboot)"},
			}},
		}, Notes: []string{"note with \x1b[1m"}},
	}}
}

func TestNetfilterShowHostile(t *testing.T) {
	var b bytes.Buffer
	WriteShow(&b, hostileNamespace(), DefaultNames(), NoPaint)
	out := b.String()
	for _, c := range []byte{0x1b, 0x07} {
		if bytes.IndexByte(b.Bytes(), c) >= 0 {
			t.Fatalf("control byte %#x reached the text output:\n%s", c, out)
		}
	}
	for _, want := range []string{`\x1b[31mred`, `\x1b]0;pwn\x07`, "jump c$(reboot)", "chain c$(reboot) {",
		"table inet t$(id) {", "x\\x1b[2J", "policy drop;", "note: note with \\x1b[1m"} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q:\n%s", want, out)
		}
	}
}

func TestNetfilterJSONHostile(t *testing.T) {
	ns := hostileNamespace()
	b, err := JSON([]*Namespace{ns}, DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.IndexByte(b, 0x1b) >= 0 {
		t.Fatal("raw ESC in JSON")
	}
	var got []struct {
		Sysctls   map[string]string `json:"sysctls"`
		Conntrack []any             `json:"conntrack"`
		Firewall  struct {
			Tables []struct {
				Name   string `json:"name"`
				Source string `json:"source"`
				Chains []struct {
					Name   string `json:"name"`
					Hook   string `json:"hook"`
					Policy string `json:"policy"`
					Rules  []struct {
						Handle  uint64 `json:"handle"`
						Text    string `json:"text"`
						Comment string `json:"comment"`
						Verdict string `json:"verdict"`
						Chain   string `json:"chain"`
					} `json:"rules"`
				} `json:"chains"`
			} `json:"tables"`
			Notes []string `json:"notes"`
		} `json:"firewall"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	want := ns.Netfilter.Firewall
	tb := got[0].Firewall.Tables[0]
	r := tb.Chains[0].Rules[0]
	if tb.Name != want.Tables[0].Name || tb.Source != "nftables" || tb.Chains[1].Name != "c$(reboot)" ||
		r.Text != want.Tables[0].Chains[0].Rules[0].Text || r.Comment != want.Tables[0].Chains[0].Rules[0].Comment ||
		r.Verdict != "jump" || r.Chain != "c$(reboot)" || r.Handle != 4 || tb.Chains[0].Policy != "drop" {
		t.Errorf("firewall not exact in JSON: %+v", tb)
	}
	if got[0].Sysctls["net.ipv4.conf.x\x1b[2J.rp_filter"] != "1" || got[0].Firewall.Notes[0] != "note with \x1b[1m" {
		t.Errorf("sysctls or notes not exact: %+v %q", got[0].Sysctls, got[0].Firewall.Notes)
	}
	if got[0].Conntrack == nil || len(got[0].Conntrack) != 0 {
		t.Errorf("conntrack: %v, want an empty array", got[0].Conntrack)
	}
	// A namespace whose netfilter was not read has none of the keys.
	plain, _ := JSON([]*Namespace{{Name: "p"}}, DefaultNames())
	for _, k := range []string{"sysctls", "conntrack", "firewall"} {
		if bytes.Contains(plain, []byte(`"`+k+`"`)) {
			t.Errorf("%q in the JSON of a namespace not read for it: %s", k, plain)
		}
	}
}
