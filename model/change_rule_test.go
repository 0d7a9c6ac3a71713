package model

import (
	"net"
	"testing"
)

func TestRuleSpec(t *testing.T) {
	if got := (RuleSpec{From: "10.0.1.0/24", Table: 16}).AddCmds()[0].String(); got != "ip rule add from 10.0.1.0/24 table 16" {
		t.Errorf("cmd %q", got)
	}
	for _, bad := range []RuleSpec{{From: "default", Table: 16}, {From: "10.0.1.1/24", Table: 16}, {From: "10.0.1.0/24"}} {
		if bad.Validate() == nil {
			t.Errorf("%#v accepted", bad)
		}
	}
}

func TestRuleSpecOf(t *testing.T) {
	plain := Rule{Family: AF_INET, Priority: 1000, Src: net.ParseIP("10.0.1.0").To4(), SrcLen: 24, Action: FR_ACT_TO_TBL, Table: 100,
		SuppressPrefixlen: -1, SuppressIfgroup: -1}
	spec, err := RuleSpecOf("gw", &plain)
	if err != nil || spec != (RuleSpec{Ns: "gw", From: "10.0.1.0/24", Table: 100, Pref: 1000}) {
		t.Fatalf("%+v, %v", spec, err)
	}
	if got := spec.DeleteCmds()[0].String(); got != "ip -n gw rule del from 10.0.1.0/24 table 100 pref 1000" {
		t.Errorf("cmd %q", got)
	}
	main := Rule{Family: AF_INET, Priority: 32766, Action: FR_ACT_TO_TBL, Table: TableMain, SuppressPrefixlen: -1, SuppressIfgroup: -1}
	marked := plain
	marked.HasMark, marked.Mark = true, 1
	suppress := plain
	suppress.SuppressPrefixlen = 0
	for name, r := range map[string]*Rule{"main": &main, "fwmark": &marked, "suppress_prefixlength": &suppress} {
		if _, err := RuleSpecOf("gw", r); err == nil {
			t.Errorf("%s: a spec for a rule lazyns does not make", name)
		}
	}
}

func TestForwardingSpec(t *testing.T) {
	for _, c := range []struct {
		spec ForwardingSpec
		want string
	}{
		{ForwardingSpec{Ns: "gw", On: true}, "ip netns exec gw sysctl -w net.ipv4.ip_forward=1"},
		{ForwardingSpec{Ns: "gw", IPv6: true}, "ip netns exec gw sysctl -w net.ipv6.conf.all.forwarding=0"},
		{ForwardingSpec{On: true}, "sysctl -w net.ipv4.ip_forward=1"},
	} {
		if got := c.spec.Cmds()[0].String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.spec, got, c.want)
		}
	}
}
