package model

import (
	"fmt"
	"math/rand/v2"
)

// The labs' plans. Names inside a lab namespace (eth0, veth0) cannot
// collide with anything; names in the host and the namespaces' own names
// carry the prefix.

// opsBuilder collects ops with short helpers, so a plan reads like the
// tutorial it follows.
type opsBuilder struct{ ops []LabOp }

func (b *opsBuilder) netns(name string) { b.ops = append(b.ops, LabOp{Netns: &NetnsSpec{name}}) }
func (b *opsBuilder) veth(ns, name, peerNs, peerName string) {
	b.ops = append(b.ops, LabOp{Veth: &VethSpec{Ns: ns, Name: name, PeerNs: peerNs, PeerName: peerName}})
}
func (b *opsBuilder) bridge(ns, name string) {
	b.ops = append(b.ops, LabOp{Bridge: &BridgeSpec{Ns: ns, Name: name}})
}
func (b *opsBuilder) port(ns, name, br, peerNs, peerName string) {
	b.ops = append(b.ops, LabOp{Port: &PortSpec{VethSpec{Ns: ns, Name: name, PeerNs: peerNs, PeerName: peerName}, br}})
}
func (b *opsBuilder) up(ns string, names ...string) {
	for _, n := range names {
		b.ops = append(b.ops, LabOp{State: &LinkStateSpec{Ns: ns, Name: n, Up: true}})
	}
}
func (b *opsBuilder) addr(ns, dev, cidr string) {
	b.ops = append(b.ops, LabOp{Addr: &AddrSpec{Ns: ns, Dev: dev, CIDR: cidr}})
}
func (b *opsBuilder) route(r RouteSpec) { b.ops = append(b.ops, LabOp{Route: &r}) }
func (b *opsBuilder) rule(r RuleSpec)   { b.ops = append(b.ops, LabOp{Rule: &r}) }
func (b *opsBuilder) forward(ns string) {
	b.ops = append(b.ops, LabOp{Fwd: &ForwardingSpec{Ns: ns, On: true}})
}
func (b *opsBuilder) masquerade(ns, src, out string) {
	b.ops = append(b.ops, LabOp{Masq: &MasqueradeSpec{Ns: ns, Src: src, Out: out}})
}

// plug joins namespace ns to a bridge in brNs with a veth: eth-side name
// inside ns, port name by the bridge, an address inside, all up.
func (b *opsBuilder) plug(brNs, br, port, ns, inner, cidr string) {
	b.port(brNs, port, br, ns, inner)
	b.addr(ns, inner, cidr)
	b.up(ns, inner)
}

func prefixOf(o LabOptions) (string, error) {
	p := o.Prefix
	if p == "" {
		p = DefaultLabPrefix
	}
	if len(p) > MaxLabPrefix {
		return "", fmt.Errorf("the lab prefix %q is longer than %d bytes", Visible(p), MaxLabPrefix)
	}
	return p, nil
}

func vethLab(o LabOptions) (*LabPlan, error) {
	p, err := prefixOf(o)
	if err != nil {
		return nil, err
	}
	red, blue := p+"-veth-red", p+"-veth-blue"
	var b opsBuilder
	b.netns(red)
	b.netns(blue)
	b.veth(red, "veth0", blue, "veth1")
	b.addr(red, "veth0", "10.0.1.1/24")
	b.addr(blue, "veth1", "10.0.1.2/24")
	b.up(red, "lo", "veth0")
	b.up(blue, "lo", "veth1")
	return &LabPlan{Lab: "veth", Setup: b.ops,
		Pings: []LabPing{{red, "10.0.1.2"}, {blue, "10.0.1.1"}, {red, "10.0.1.1"}},
		Try:   "lazyns shell " + ShellQuote(red) + "   then: ping 10.0.1.2"}, nil
}

func bridgeLab(o LabOptions) (*LabPlan, error) {
	p, err := prefixOf(o)
	if err != nil {
		return nil, err
	}
	a, c := p+"-br-a", p+"-br-b"
	br := p + "-br0"
	var b opsBuilder
	b.netns(a)
	b.netns(c)
	b.bridge("", br)
	b.up("", br)
	b.plug("", br, p+"-va", a, "eth0", "10.0.2.1/24")
	b.plug("", br, p+"-vb", c, "eth0", "10.0.2.2/24")
	b.up(a, "lo")
	b.up(c, "lo")
	return &LabPlan{Lab: "bridge", Setup: b.ops,
		Pings: []LabPing{{a, "10.0.2.2"}, {c, "10.0.2.1"}},
		Try:   "lazyns shell " + ShellQuote(a) + "   then: ping 10.0.2.2"}, nil
}

func bridgeInNsLab(o LabOptions) (*LabPlan, error) {
	p, err := prefixOf(o)
	if err != nil {
		return nil, err
	}
	sw := p + "-bns-switch"
	var b opsBuilder
	b.netns(sw)
	b.bridge(sw, "br0")
	b.up(sw, "lo", "br0")
	var pings []LabPing
	hosts := []string{"a", "b", "c"}
	for i, h := range hosts {
		ns := p + "-bns-" + h
		b.netns(ns)
		b.plug(sw, "br0", "port-"+h, ns, "eth0", fmt.Sprintf("10.0.3.%d/24", i+1))
		b.up(ns, "lo")
		for j := range hosts {
			if j != i {
				pings = append(pings, LabPing{ns, fmt.Sprintf("10.0.3.%d", j+1)})
			}
		}
	}
	return &LabPlan{Lab: "bridge-in-ns", Setup: b.ops, Pings: pings,
		Try: "lazyns shell " + ShellQuote(p+"-bns-a") + "   then: ping 10.0.3.3"}, nil
}

func routerLab(o LabOptions) (*LabPlan, error) {
	p, err := prefixOf(o)
	if err != nil {
		return nil, err
	}
	left, right, r := p+"-rt-left", p+"-rt-right", p+"-rt-router"
	var b opsBuilder
	b.netns(left)
	b.netns(right)
	b.netns(r)
	b.veth(left, "eth0", r, "to-left")
	b.veth(right, "eth0", r, "to-right")
	b.addr(left, "eth0", "10.0.10.2/24")
	b.addr(r, "to-left", "10.0.10.1/24")
	b.addr(right, "eth0", "10.0.20.2/24")
	b.addr(r, "to-right", "10.0.20.1/24")
	b.up(left, "lo", "eth0")
	b.up(right, "lo", "eth0")
	b.up(r, "lo", "to-left", "to-right")
	b.route(RouteSpec{Ns: left, Dst: "default", Gateway: "10.0.10.1"})
	b.route(RouteSpec{Ns: right, Dst: "default", Gateway: "10.0.20.1"})
	b.forward(r)
	return &LabPlan{Lab: "router", Setup: b.ops,
		Pings: []LabPing{{left, "10.0.10.1"}, {left, "10.0.20.2"}, {right, "10.0.10.2"}, {right, "10.0.10.1"}},
		Try:   "lazyns trace " + ShellQuote(left) + " 10.0.20.2"}, nil
}

// natLab is the last step of the CLONE_NEWNET tutorial: a namespace
// reaches the internet through the host, which forwards and masquerades
// its subnet out of eth0. Here the gateway namespace stands in for the
// host and the outside namespace for the internet (its router, and an
// address beyond it on its loopback), so the host's own forwarding and
// firewall stay as they are and no packet leaves the machine. The outside
// has no route back to the inside's subnet: only the masquerade makes the
// replies come back.
func natLab(o LabOptions) (*LabPlan, error) {
	p, err := prefixOf(o)
	if err != nil {
		return nil, err
	}
	inside, gw, outside := p+"-nat-inside", p+"-nat-gw", p+"-nat-outside"
	var b opsBuilder
	b.netns(inside)
	b.netns(gw)
	b.netns(outside)
	b.veth(gw, "veth0", inside, "eth0")
	b.veth(gw, "eth0", outside, "eth0")
	b.addr(gw, "veth0", "10.0.1.1/24")
	b.addr(inside, "eth0", "10.0.1.2/24")
	b.addr(gw, "eth0", "192.0.2.2/24")
	b.addr(outside, "eth0", "192.0.2.1/24")
	b.addr(outside, "lo", "198.51.100.1/32")
	b.up(inside, "lo", "eth0")
	b.up(gw, "lo", "veth0", "eth0")
	b.up(outside, "lo", "eth0")
	b.route(RouteSpec{Ns: inside, Dst: "default", Gateway: "10.0.1.1"})
	b.route(RouteSpec{Ns: gw, Dst: "default", Gateway: "192.0.2.1"})
	b.forward(gw)
	b.masquerade(gw, "10.0.1.0/24", "eth0")
	return &LabPlan{Lab: "nat", Setup: b.ops,
		Pings: []LabPing{{inside, "10.0.1.1"}, {inside, "192.0.2.1"}, {inside, "198.51.100.1"}, {gw, "198.51.100.1"}},
		Try:   "lazyns trace " + ShellQuote(inside) + " 198.51.100.1"}, nil
}

// MaxBridgePorts is how many ports the openstack lab puts on one bridge:
// a Linux bridge takes at most 1023, and adding a port costs more the
// more ports the bridge has.
const MaxBridgePorts = 900

// MaxLabRouters bounds the openstack lab: each router's subnet is one /24
// of 10.64.0.0/10.
const MaxLabRouters = 16000

// DefaultLabRouters is the openstack lab's size without --routers.
const DefaultLabRouters = 3

func openstackLab(o LabOptions) (*LabPlan, error) {
	p, err := prefixOf(o)
	if err != nil {
		return nil, err
	}
	n := o.Routers
	if n == 0 {
		n = DefaultLabRouters
	}
	if n < 1 || n > MaxLabRouters {
		return nil, fmt.Errorf("--routers takes 1 to %d, not %d", MaxLabRouters, n)
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	// Each router puts two ports on an integration bridge (its qr- and its
	// network's DHCP tap) and one on an external bridge (qg-).
	perInt, perEx := MaxBridgePorts/2, MaxBridgePorts
	var setup opsBuilder
	for i := 0; i <= (n-1)/perInt; i++ {
		setup.bridge("", fmt.Sprintf("%s-int%d", p, i))
		setup.up("", fmt.Sprintf("%s-int%d", p, i))
	}
	for i := 0; i <= (n-1)/perEx; i++ {
		setup.bridge("", fmt.Sprintf("%s-ex%d", p, i))
		setup.up("", fmt.Sprintf("%s-ex%d", p, i))
	}
	plan := &LabPlan{Lab: "openstack", Setup: setup.ops, Unit: "routers"}
	var firstRouter, secondExt string
	for i := 0; i < n; i++ {
		brInt, brEx := fmt.Sprintf("%s-int%d", p, i/perInt), fmt.Sprintf("%s-ex%d", p, i/perEx)
		router, dhcp := "qrouter-"+uuid(rng), "qdhcp-"+uuid(rng)
		qr, qg, tap := portID(rng), portID(rng), portID(rng)
		subnet := fmt.Sprintf("10.%d.%d", 64+i/256, i%256)
		// External addresses: 100.64.0.0/16 per external bridge, .1 the
		// (absent) upstream gateway.
		ext := 10 + i%perEx
		extCIDR := fmt.Sprintf("100.64.%d.%d/16", ext/256, ext%256)
		var b opsBuilder
		b.netns(router)
		b.netns(dhcp)
		b.up(router, "lo")
		b.up(dhcp, "lo")
		b.plug("", brInt, "tap"+qr, router, "qr-"+qr, subnet+".1/24")
		b.plug("", brEx, "ext"+qg, router, "qg-"+qg, extCIDR)
		b.plug("", brInt, "dhcp"+tap, dhcp, "tap"+tap, subnet+".2/24")
		b.route(RouteSpec{Ns: dhcp, Dst: "default", Gateway: subnet + ".1"})
		// As Neutron's DVR routers do: no default route in the main table;
		// what the main table cannot route from the tenant subnet looks up
		// table 16 (the rule comes after main's), which sends it out of
		// the external port.
		b.route(RouteSpec{Ns: router, Dst: "default", Gateway: "100.64.0.1", Dev: "qg-" + qg, Table: 16})
		b.rule(RuleSpec{Ns: router, From: subnet + ".0/24", Table: 16, Pref: 32768})
		b.forward(router)
		plan.Units = append(plan.Units, b.ops)
		extAddr := extCIDR[:len(extCIDR)-len("/16")]
		switch i {
		case 0:
			firstRouter = router
			plan.Try = "lazyns shell " + dhcp + "   then: ping " + subnet + ".1"
			fallthrough
		case 1:
			secondExt = extAddr
			plan.Pings = append(plan.Pings, LabPing{dhcp, subnet + ".1"}, LabPing{dhcp, extAddr})
		}
	}
	if n >= 2 && perEx > 1 {
		// Two routers on one external bridge reach each other.
		plan.Pings = append(plan.Pings, LabPing{firstRouter, secondExt})
	}
	return plan, nil
}

// uuid is a random version-4 UUID, as Neutron names its namespaces.
func uuid(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// portID is the first 11 characters of a port's UUID, as Neutron names
// the port's device ("qr-" + "76de6d23-a8").
func portID(rng *rand.Rand) string { return uuid(rng)[:11] }
