package model

import (
	"strings"
	"testing"
)

func TestLabPlans(t *testing.T) {
	for _, l := range Labs() {
		plan, err := l.Plan(LabOptions{Prefix: "lzabcdef1"})
		if err != nil {
			t.Fatalf("%s: %v", l.Name, err)
		}
		if err := plan.Validate(); err != nil {
			t.Errorf("%s: %v", l.Name, err)
		}
		// Every op has a command at least (a masquerade has three).
		if len(plan.Pings) == 0 || plan.Try == "" || len(plan.Cmds()) < len(plan.Ops()) {
			t.Errorf("%s: %d pings, try %q, %d cmds for %d ops", l.Name, len(plan.Pings), plan.Try, len(plan.Cmds()), len(plan.Ops()))
		}
	}
	if _, err := FindLab("nope"); err == nil {
		t.Error("FindLab(nope)")
	}
	lab, _ := FindLab("veth")
	if _, err := lab.Plan(LabOptions{Prefix: "0123456789"}); err == nil {
		t.Error("a 10-byte prefix accepted")
	}
}

// At operator scale, no bridge gets more ports than a Linux bridge takes,
// and the same seed gives the same names.
func TestOpenstackSpreadsPorts(t *testing.T) {
	lab, _ := FindLab("openstack")
	plan, err := lab.Plan(LabOptions{Routers: 1500, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Validate(); err != nil {
		t.Fatal(err)
	}
	ports := map[string]int{}
	names := map[string]bool{}
	for _, op := range plan.Ops() {
		if op.Port != nil {
			ports[op.Port.Bridge]++
		}
		if op.Netns != nil {
			if names[op.Netns.Name] {
				t.Fatalf("namespace %s twice", op.Netns.Name)
			}
			names[op.Netns.Name] = true
		}
	}
	if len(names) != 3000 || len(plan.Units) != 1500 {
		t.Errorf("%d namespaces, %d units", len(names), len(plan.Units))
	}
	for br, n := range ports {
		if n > MaxBridgePorts {
			t.Errorf("bridge %s has %d ports", br, n)
		}
	}
	if len(ports) != 4+2 { // 3000 integration ports, 1500 external
		t.Errorf("bridges: %v", ports)
	}
	again, _ := lab.Plan(LabOptions{Routers: 1500, Seed: 5})
	if again.Units[7][0].Netns.Name != plan.Units[7][0].Netns.Name || !strings.HasPrefix(plan.Units[7][0].Netns.Name, "qrouter-") {
		t.Error("the same seed gave other names")
	}
	if _, err := lab.Plan(LabOptions{Routers: MaxLabRouters + 1}); err == nil {
		t.Error("too many routers accepted")
	}
}

// The nat lab is the tutorial's last step, its commands those a person
// types: forwarding and the masquerade in the gateway, nothing in the
// host.
func TestNatLabPlan(t *testing.T) {
	lab, err := FindLab("nat")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := lab.Plan(LabOptions{Prefix: "lzt"})
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, c := range plan.Cmds() {
		cmds = append(cmds, c.String())
	}
	all := strings.Join(cmds, "\n")
	for _, want := range []string{
		"ip netns exec lzt-nat-gw sysctl -w net.ipv4.ip_forward=1",
		`ip netns exec lzt-nat-gw nft add rule ip lazyns postrouting ip saddr 10.0.1.0/24 oifname '"eth0"' counter masquerade`,
		"ip -n lzt-nat-inside route add default via 10.0.1.1",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("plan lacks %q:\n%s", want, all)
		}
	}
	for _, op := range plan.Ops() {
		if op.Netns == nil && opNs(op) == "" {
			t.Errorf("an op in the host: %v", op.Cmds())
		}
	}
}

// opNs is the namespace an op acts in.
func opNs(op LabOp) string {
	switch {
	case op.Veth != nil:
		if op.Veth.PeerNs == "" {
			return ""
		}
		return op.Veth.Ns
	case op.Addr != nil:
		return op.Addr.Ns
	case op.State != nil:
		return op.State.Ns
	case op.Route != nil:
		return op.Route.Ns
	case op.Fwd != nil:
		return op.Fwd.Ns
	case op.Masq != nil:
		return op.Masq.Ns
	}
	return ""
}
