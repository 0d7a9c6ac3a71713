package model

import "fmt"

// LabOp is one change of a lab's plan; exactly one field is set. Labs are
// built from the same specs as every other change, so they yield the same
// ip commands.
type LabOp struct {
	Netns  *NetnsSpec      `json:",omitempty"`
	Veth   *VethSpec       `json:",omitempty"`
	Port   *PortSpec       `json:",omitempty"`
	Bridge *BridgeSpec     `json:",omitempty"`
	Master *MasterSpec     `json:",omitempty"`
	State  *LinkStateSpec  `json:",omitempty"`
	Addr   *AddrSpec       `json:",omitempty"`
	Route  *RouteSpec      `json:",omitempty"`
	Rule   *RuleSpec       `json:",omitempty"`
	Fwd    *ForwardingSpec `json:",omitempty"`
	Masq   *MasqueradeSpec `json:",omitempty"`
}

// parts is the op's spec, to check, and its commands; nil for an empty op.
func (o LabOp) parts() (interface{ Validate() error }, func() []Cmd) {
	switch {
	case o.Netns != nil:
		return o.Netns, o.Netns.AddCmds
	case o.Veth != nil:
		return o.Veth, o.Veth.Cmds
	case o.Port != nil:
		return o.Port, o.Port.Cmds
	case o.Bridge != nil:
		return o.Bridge, o.Bridge.Cmds
	case o.Master != nil:
		return o.Master, o.Master.Cmds
	case o.State != nil:
		return o.State, o.State.Cmds
	case o.Addr != nil:
		return o.Addr, o.Addr.AddCmds
	case o.Route != nil:
		return o.Route, o.Route.AddCmds
	case o.Rule != nil:
		return o.Rule, o.Rule.AddCmds
	case o.Fwd != nil:
		return o.Fwd, o.Fwd.Cmds
	case o.Masq != nil:
		return o.Masq, o.Masq.AddCmds
	}
	return nil, nil
}

// Cmds are the op's ip commands.
func (o LabOp) Cmds() []Cmd {
	if _, cmds := o.parts(); cmds != nil {
		return cmds()
	}
	return nil
}

// LabPing is a ping the lab's tutorial says works: from a namespace to an
// address.
type LabPing struct {
	From, To string
}

// LabPlan is everything a lab makes. Setup runs first, in order; then the
// units, each in order but independent of one another (so they may be
// built in parallel).
type LabPlan struct {
	Lab   string
	Setup []LabOp
	Units [][]LabOp
	// Unit names what one unit is, for progress ("routers").
	Unit  string
	Pings []LabPing
	// Try is a line for the learner: what to do next.
	Try string
}

// Ops is the whole plan in the order it is built when done one by one.
func (p *LabPlan) Ops() []LabOp {
	ops := append([]LabOp(nil), p.Setup...)
	for _, u := range p.Units {
		ops = append(ops, u...)
	}
	return ops
}

// Cmds is the whole plan as ip commands, for lab up --print.
func (p *LabPlan) Cmds() []Cmd {
	var cmds []Cmd
	for _, op := range p.Ops() {
		cmds = append(cmds, op.Cmds()...)
	}
	return cmds
}

// Validate checks every op of the plan.
func (p *LabPlan) Validate() error {
	for _, op := range p.Ops() {
		v, _ := op.parts()
		if v == nil {
			return fmt.Errorf("lab %s: an empty step", p.Lab)
		}
		if err := v.Validate(); err != nil {
			return fmt.Errorf("lab %s: %w", p.Lab, err)
		}
	}
	return nil
}

// LabOptions shape a lab. Prefix starts every name the lab gives (so two
// users of one host, or tests, cannot collide); Routers sizes openstack;
// Seed makes its UUIDs (the same seed, the same names).
type LabOptions struct {
	Prefix  string
	Routers int
	Seed    uint64
}

// DefaultLabPrefix starts the names of everything a lab makes.
const DefaultLabPrefix = "lz"

// MaxLabPrefix keeps host-side interface names within 15 bytes.
const MaxLabPrefix = 9

// Lab is a practice topology.
type Lab struct {
	Name    string
	Summary string
	Plan    func(LabOptions) (*LabPlan, error)
	// Sized labs take LabOptions.Routers (--routers).
	Sized bool
}

// Labs lists the practice topologies, by name.
func Labs() []Lab {
	labs := []Lab{
		{"veth", "two namespaces joined by a veth pair, 10.0.1.1/24 and 10.0.1.2/24, lo up", vethLab, false},
		{"bridge", "a bridge in the host with two namespaces plugged in by veths", bridgeLab, false},
		{"bridge-in-ns", "a bridge inside one namespace joining three namespaces", bridgeInNsLab, false},
		{"router", "two subnets joined by a namespace that forwards between them, with default routes", routerLab, false},
		{"openstack", "a miniature network node: qrouter-/qdhcp- namespaces with qr-, qg- and tap ports on integration bridges (--routers N)", openstackLab, true},
		{"nat", "a namespace reaching an outside through a gateway namespace that forwards and masquerades (the host and the internet stand-ins)", natLab, false},
	}
	return labs
}

// FindLab returns the lab with that name.
func FindLab(name string) (Lab, error) {
	for _, l := range Labs() {
		if l.Name == name {
			return l, nil
		}
	}
	return Lab{}, fmt.Errorf("no lab %q (see: lazyns lab list)", Visible(name))
}
