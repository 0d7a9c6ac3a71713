package nsops

import (
	"encoding/binary"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// Rules built here as the kernel hands them back (the expressions nft
// 1.0.6 and iptables-nft 1.8.9 made for the same rules on this host, as
// nft --debug=netlink showed them), decoded without a kernel.

func ex(es ...expr.Any) []nftExpr {
	out := make([]nftExpr, len(es))
	for i, e := range es {
		out[i] = nftExpr{name: "?", e: e}
	}
	return out
}

func ne32(v uint32) []byte { b := make([]byte, 4); binary.NativeEndian.PutUint32(b, v); return b }
func be16(v uint16) []byte { b := make([]byte, 2); binary.BigEndian.PutUint16(b, v); return b }

func ifname16(s string) []byte { b := make([]byte, 16); copy(b, s); return b }

var (
	l4tcp   = []expr.Any{&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{6}}}
	nfproto = []expr.Any{&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.NFPROTO_IPV4}}}
	dport   = func(op expr.CmpOp, p uint16) []expr.Any {
		return []expr.Any{&expr.Payload{Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2, DestRegister: 1},
			&expr.Cmp{Op: op, Register: 1, Data: be16(p)}}
	}
	counter = &expr.Counter{Packets: 3, Bytes: 252}
	accept  = &expr.Verdict{Kind: expr.VerdictAccept}
)

func cat(parts ...any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		switch v := p.(type) {
		case nil:
			out = append(out, nil) // an expression the library has no type for
		case []expr.Any:
			out = append(out, v...)
		case expr.Any:
			out = append(out, v)
		}
	}
	return out
}

func testScope(family string, sets map[string]*nftSet) *nftScope {
	return &nftScope{family: family, sets: sets, ifname: func(i uint32) (string, bool) {
		if i == 1 {
			return "lo", true
		}
		return "", false
	}}
}

func TestDecodeNftRules(t *testing.T) {
	ports := &nftSet{name: "__set0", anonymous: true, interval: true, elems: []nftables.SetElement{
		// As the kernel listed { 22, 80, 1000-1010 } here.
		{Key: be16(1011), IntervalEnd: true}, {Key: be16(1000)}, {Key: be16(81), IntervalEnd: true},
		{Key: be16(80)}, {Key: be16(23), IntervalEnd: true}, {Key: be16(22)}, {Key: be16(0), IntervalEnd: true}}}
	ifnames := &nftSet{name: "__set3", anonymous: true, interval: true, elems: []nftables.SetElement{
		// { "eth0", "veth*" }
		{Key: ifname16("veti"), IntervalEnd: true}, {Key: ifname16("veth")},
		{Key: append(ifname16("eth0")[:15:15], 1), IntervalEnd: true}, {Key: ifname16("eth0")},
		{Key: make([]byte, 16), IntervalEnd: true}}}
	allowed := &nftSet{name: "allowed", interval: true, elems: []nftables.SetElement{
		{Key: []byte{10, 2, 3, 5}, IntervalEnd: true}, {Key: []byte{10, 2, 3, 4}},
		{Key: []byte{10, 2, 0, 0}, IntervalEnd: true}, {Key: []byte{10, 1, 0, 0}}, {Key: []byte{0, 0, 0, 0}, IntervalEnd: true}}}
	sets := map[string]*nftSet{"__set0": ports, "__set3": ifnames, "allowed": allowed}
	for _, c := range []struct {
		name    string
		family  string
		exprs   []expr.Any
		text    string
		matches []model.FwMatch
		verdict model.FwVerdict
		unsure  []string
	}{
		{name: "iptables-nft -s 10.0.0.0/8 -p tcp --dport 22", family: "ip",
			exprs: cat(l4tcp, &expr.Payload{Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 1, DestRegister: 1},
				&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{10}}, dport(expr.CmpOpEq, 22), counter, accept),
			text: "ip saddr 10.0.0.0/8 tcp dport 22 counter packets 3 bytes 252 accept",
			matches: []model.FwMatch{{Kind: model.FwL4proto, Protos: []uint8{6}},
				{Kind: model.FwSaddr, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}},
				{Kind: model.FwDport, Ports: []model.FwPortRange{pr(22, 22)}}},
			verdict: model.FwVerdict{Kind: model.FwAccept}},
		{name: "inet: ip saddr != 10.9.0.0/17 udp dport 53", family: "inet",
			exprs: cat(nfproto, &expr.Payload{Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4, DestRegister: 1},
				&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: []byte{255, 255, 128, 0}, Xor: []byte{0, 0, 0, 0}},
				&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: []byte{10, 9, 0, 0}},
				&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{17}},
				dport(expr.CmpOpEq, 53), accept),
			text: "ip saddr != 10.9.0.0/17 udp dport 53 accept",
			matches: []model.FwMatch{{Kind: model.FwNfproto, Family: model.AF_INET},
				{Kind: model.FwSaddr, Not: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/17")}},
				{Kind: model.FwL4proto, Protos: []uint8{17}}, {Kind: model.FwDport, Ports: []model.FwPortRange{pr(53, 53)}}},
			verdict: model.FwVerdict{Kind: model.FwAccept}},
		{name: "ct state new tcp dport { 22, 80, 1000-1010 }", family: "inet",
			exprs: cat(&expr.Ct{Key: expr.CtKeySTATE, Register: 1},
				&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: ne32(8), Xor: ne32(0)},
				&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ne32(0)}, l4tcp,
				&expr.Payload{Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2, DestRegister: 1},
				&expr.Lookup{SourceRegister: 1, SetName: "__set0"}, accept),
			text: "ct state new tcp dport { 22, 80, 1000-1010 } accept",
			matches: []model.FwMatch{{Kind: model.FwCtState, CtStates: model.FwCtNew},
				{Kind: model.FwL4proto, Protos: []uint8{6}},
				{Kind: model.FwDport, Ports: []model.FwPortRange{pr(22, 22), pr(80, 80), pr(1000, 1010)}}},
			verdict: model.FwVerdict{Kind: model.FwAccept}},
		{name: "ip saddr @allowed, a named interval set", family: "ip",
			exprs: cat(&expr.Payload{Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4, DestRegister: 1},
				&expr.Lookup{SourceRegister: 1, SetName: "allowed", Invert: true}, &expr.Verdict{Kind: expr.VerdictDrop}),
			text: "ip saddr != @allowed drop",
			matches: []model.FwMatch{{Kind: model.FwSaddr, Not: true, Prefixes: []netip.Prefix{
				netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.2.3.4/32")}}},
			verdict: model.FwVerdict{Kind: model.FwDrop}},
		{name: `iifname { "eth0", "veth*" }`, family: "inet",
			exprs:   cat(&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1}, &expr.Lookup{SourceRegister: 1, SetName: "__set3"}, accept),
			text:    `iifname { "eth0", "veth*" } accept`,
			matches: []model.FwMatch{{Kind: model.FwIifname, Names: []string{"eth0", "veth+"}}},
			verdict: model.FwVerdict{Kind: model.FwAccept}},
		{name: "iptables-nft -i eth+ and iif lo", family: "ip",
			exprs: cat(&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte("eth")},
				&expr.Meta{Key: expr.MetaKeyOIF, Register: 1}, &expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ne32(1)}),
			text: `iifname "eth*" oif != "lo"`,
			matches: []model.FwMatch{{Kind: model.FwIifname, Names: []string{"eth+"}},
				{Kind: model.FwOifname, Not: true, Names: []string{"lo"}}}},
		{name: "tcp dport 9000-9010 redirect to :8000", family: "ip",
			exprs: cat(l4tcp, dport(expr.CmpOpGte, 9000), &expr.Cmp{Op: expr.CmpOpLte, Register: 1, Data: be16(9010)},
				&expr.Immediate{Register: 1, Data: be16(8000)}, &expr.Redir{RegisterProtoMin: 1, RegisterProtoMax: 1}),
			text: "tcp dport 9000-9010 redirect to :8000",
			matches: []model.FwMatch{{Kind: model.FwL4proto, Protos: []uint8{6}},
				{Kind: model.FwDport, Ports: []model.FwPortRange{pr(9000, 9010)}}},
			verdict: model.FwVerdict{Kind: model.FwAccept}},
		{name: "meta mark & 0xff == 0x1, icmp type echo-request limit", family: "ip",
			exprs: cat(&expr.Meta{Key: expr.MetaKeyMARK, Register: 1},
				&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: ne32(0xff), Xor: ne32(0)},
				&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ne32(1)},
				&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{1}},
				&expr.Payload{Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1, DestRegister: 1},
				&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{8}},
				&expr.Limit{Type: expr.LimitTypePkts, Rate: 5, Unit: expr.LimitTimeSecond, Burst: 5}, accept),
			text: "meta mark & 0x000000ff == 0x00000001 icmp type echo-request limit rate 5/second accept",
			matches: []model.FwMatch{{Kind: model.FwMark, Mark: 1, MarkMask: 0xff}, {Kind: model.FwL4proto, Protos: []uint8{1}},
				{Kind: model.FwICMPType, ICMPTypes: []uint8{8}}},
			verdict: model.FwVerdict{Kind: model.FwAccept}, unsure: []string{"limit"}},
		{name: "reject variants and jump", family: "ip",
			exprs: cat(&expr.Reject{Type: unix.NFT_REJECT_ICMP_UNREACH, Code: 3}),
			text:  "reject", verdict: model.FwVerdict{Kind: model.FwReject, With: "icmp port-unreachable"}},
		{name: "reject with tcp reset", family: "inet",
			exprs: cat(&expr.Reject{Type: unix.NFT_REJECT_TCP_RST}),
			text:  "reject with tcp reset", verdict: model.FwVerdict{Kind: model.FwReject, With: "tcp reset"}},
		{name: "jump", family: "inet",
			exprs: cat(&expr.Verdict{Kind: expr.VerdictJump, Chain: "sub"}),
			text:  "jump sub", verdict: model.FwVerdict{Kind: model.FwJump, Chain: "sub"}},
		{name: "an expression the library cannot read", family: "inet",
			exprs: cat(&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1}, nil,
				&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{6}}, &expr.Verdict{Kind: expr.VerdictDrop}),
			text:    "socket ? 0x06 drop",
			verdict: model.FwVerdict{Kind: model.FwDrop}, unsure: []string{"socket", "comparison of an unknown value"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &nftRuleMsg{handle: 9, exprs: ex(c.exprs...)}
			for i := range m.exprs {
				if m.exprs[i].e == nil {
					m.exprs[i].name = "socket"
				}
			}
			r := decodeNftRule(testScope(c.family, sets), m)
			if r.Text != c.text {
				t.Errorf("text\n got %q\nwant %q", r.Text, c.text)
			}
			if !reflect.DeepEqual(r.Matches, c.matches) {
				t.Errorf("matches\n got %+v\nwant %+v", r.Matches, c.matches)
			}
			if r.Verdict != c.verdict || !reflect.DeepEqual(r.Unsure, c.unsure) || r.Handle != 9 {
				t.Errorf("verdict %+v unsure %q handle %d, want %+v %q", r.Verdict, r.Unsure, r.Handle, c.verdict, c.unsure)
			}
		})
	}
}

func TestDecodeNftNAT(t *testing.T) {
	a := netip.MustParseAddr
	for _, c := range []struct {
		name   string
		family string
		exprs  []expr.Any
		text   string
		nat    model.FwNAT
	}{
		{"dnat ip to 10.0.0.6:80", "inet", cat(&expr.Immediate{Register: 1, Data: []byte{10, 0, 0, 6}},
			&expr.Immediate{Register: 2, Data: be16(80)},
			&expr.NAT{Type: expr.NATTypeDestNAT, Family: unix.NFPROTO_IPV4, RegAddrMin: 1, RegAddrMax: 1, RegProtoMin: 2, RegProtoMax: 2}),
			"dnat ip to 10.0.0.6:80",
			model.FwNAT{Kind: model.NATDnat, Addr: a("10.0.0.6"), AddrLast: a("10.0.0.6"), Port: 80, PortLast: 80}},
		{"snat to a range", "ip", cat(&expr.Immediate{Register: 1, Data: []byte{172, 24, 4, 2}},
			&expr.Immediate{Register: 2, Data: []byte{172, 24, 4, 9}},
			&expr.NAT{Type: expr.NATTypeSourceNAT, Family: unix.NFPROTO_IPV4, RegAddrMin: 1, RegAddrMax: 2, FullyRandom: true}),
			"snat to 172.24.4.2-172.24.4.9 fully-random",
			model.FwNAT{Kind: model.NATSnat, Addr: a("172.24.4.2"), AddrLast: a("172.24.4.9"), Flags: []string{"fully-random"}}},
		{"masquerade", "ip", cat(&expr.Masq{}), "masquerade", model.FwNAT{Kind: model.NATMasquerade}},
		{"iptables-nft -j DNAT", "ip", cat(&expr.Target{Name: "DNAT", Rev: 2, Info: &xt.NatRange2{NatRange: xt.NatRange{
			Flags: uint(xt.NatRangeMapIPs | xt.NatRangeProtoSpecified), MinIP: []byte{10, 0, 0, 6}, MaxIP: []byte{10, 0, 0, 6},
			MinPort: 8080, MaxPort: 8080}}}),
			"dnat to 10.0.0.6:8080",
			model.FwNAT{Kind: model.NATDnat, Addr: a("10.0.0.6"), AddrLast: a("10.0.0.6"), Port: 8080, PortLast: 8080}},
		{"iptables-nft -j MASQUERADE", "ip", cat(&expr.Target{Name: "MASQUERADE", Info: &xt.NatIPv4MultiRangeCompat{{}}}),
			"masquerade", model.FwNAT{Kind: model.NATMasquerade}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := decodeNftRule(testScope(c.family, nil), &nftRuleMsg{exprs: ex(c.exprs...)})
			if r.Text != c.text || r.NAT == nil || !reflect.DeepEqual(*r.NAT, c.nat) || r.Verdict.Kind != model.FwAccept ||
				len(r.Unsure) != 0 {
				t.Errorf("got %q %+v %+v unsure %q\nwant %q %+v", r.Text, r.NAT, r.Verdict, r.Unsure, c.text, c.nat)
			}
		})
	}
}

func TestDecodeNftXtMatches(t *testing.T) {
	// -p udp -m multiport --dports 53,67:68: struct xt_multiport_v1.
	mp := make([]byte, 48)
	mp[0], mp[1] = 1, 3
	binary.NativeEndian.PutUint16(mp[2:], 53)
	binary.NativeEndian.PutUint16(mp[4:], 67)
	binary.NativeEndian.PutUint16(mp[6:], 68)
	mp[32+1] = 1 // 67 starts a range
	udp := []expr.Any{&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{17}}}
	xu := xt.Unknown(mp)
	r := decodeNftRule(testScope("ip", nil), &nftRuleMsg{exprs: ex(cat(udp, &expr.Match{Name: "multiport", Rev: 1, Info: &xu})...)})
	if r.Text != "meta l4proto udp udp dport { 53, 67-68 }" || len(r.Unsure) != 0 ||
		!reflect.DeepEqual(r.Matches[1], model.FwMatch{Kind: model.FwDport, Ports: []model.FwPortRange{pr(53, 53), pr(67, 68)}}) {
		t.Errorf("multiport: %q %+v %q", r.Text, r.Matches, r.Unsure)
	}
	// -m conntrack --ctstate RELATED,ESTABLISHED and ! --ctstate DNAT.
	est := &xt.ConntrackMtinfo3{ConntrackMtinfo2: xt.ConntrackMtinfo2{ConntrackMtinfoBase: xt.ConntrackMtinfoBase{MatchFlags: 1}, StateMask: 6}}
	dnat := &xt.ConntrackMtinfo3{ConntrackMtinfo2: xt.ConntrackMtinfo2{ConntrackMtinfoBase: xt.ConntrackMtinfoBase{MatchFlags: 1, InvertFlags: 1}, StateMask: 1 << 7}}
	r = decodeNftRule(testScope("ip", nil), &nftRuleMsg{exprs: ex(&expr.Match{Name: "conntrack", Rev: 3, Info: est},
		&expr.Match{Name: "conntrack", Rev: 3, Info: dnat}, &expr.Match{Name: "set", Info: &xt.Unknown{}})})
	if r.Text != `ct state established,related ct status != dnat xt match "set"` ||
		!reflect.DeepEqual(r.Matches, []model.FwMatch{{Kind: model.FwCtState, CtStates: model.FwCtEstablished | model.FwCtRelated}}) ||
		!reflect.DeepEqual(r.Unsure, []string{"ct status", "xt match set"}) {
		t.Errorf("conntrack: %q %+v %q", r.Text, r.Matches, r.Unsure)
	}
	comment := xt.Comment("hello world")
	r = decodeNftRule(testScope("ip", nil), &nftRuleMsg{exprs: ex(&expr.Match{Name: "comment", Info: &comment},
		&expr.Match{Name: "tcp", Info: &xt.Tcp{SrcPorts: [2]uint16{0, 0xffff}, DstPorts: [2]uint16{22, 22}, InvFlags: xt.TcpInvDestPorts}},
		&expr.Target{Name: "REJECT", Info: &xt.Unknown{6, 0, 0, 0}})})
	if r.Comment != "hello world" || r.Verdict != (model.FwVerdict{Kind: model.FwReject, With: "icmp host-prohibited"}) ||
		!reflect.DeepEqual(r.Matches, []model.FwMatch{{Kind: model.FwDport, Not: true, Ports: []model.FwPortRange{pr(22, 22)}}}) ||
		!strings.Contains(r.Text, "reject with icmp type host-prohibited") {
		t.Errorf("comment, tcp, REJECT: %q %+v %+v", r.Text, r.Matches, r.Verdict)
	}
}

func TestNftSetRanges(t *testing.T) {
	s := &nftSet{interval: true, elems: []nftables.SetElement{
		// A range that runs to the largest key has no end element.
		{Key: be16(60000)}, {Key: be16(101), IntervalEnd: true}, {Key: be16(100)}}}
	got, ok := s.ranges(2)
	want := [][2][]byte{{be16(100), be16(100)}, {be16(60000), be16(65535)}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("ranges %x, want %x", got, want)
	}
	if _, ok := s.ranges(4); ok {
		t.Error("keys of another size (a concatenation) read as ranges")
	}
}

func pr(first, last uint16) model.FwPortRange { return model.FwPortRange{First: first, Last: last} }
