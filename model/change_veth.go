package model

// A veth pair: made alone, or by a form with its peer moved, bridged,
// addressed and up in one go.

// VethSpec is a veth pair: one end Name in Ns, the other PeerName in
// PeerNs ("" = the host for both).
type VethSpec struct {
	Ns, Name         string
	PeerNs, PeerName string
}

// Cmds is the one command that makes the pair, its peer born in its
// namespace. When only the peer is in the host, the ends are swapped: the
// pair is the same, and `ip -n NS ... netns 1` would lean on pid 1.
func (s VethSpec) Cmds() []Cmd {
	ns, name, peerNs, peerName := s.Ns, s.Name, s.PeerNs, s.PeerName
	if peerNs == "" && ns != "" {
		ns, name, peerNs, peerName = peerNs, peerName, ns, name
	}
	args := []string{"link", "add", "name", name, "type", "veth", "peer", "name", peerName}
	if peerNs != ns {
		args = append(args, "netns", netnsArg(peerNs))
	}
	return []Cmd{ipIn(ns, args...)}
}

// Validate checks both ends' names and namespaces.
func (s VethSpec) Validate() error {
	if err := firstErr(CheckIfName("name", s.Name), checkNs("namespace", s.Ns),
		CheckIfName("peer name", s.PeerName), checkNs("peer namespace", s.PeerNs)); err != nil {
		return err
	}
	if s.Ns == s.PeerNs && s.Name == s.PeerName {
		return fieldErr("peer name", "both ends are named %q in %s: give the peer another name", Visible(s.Name), NsLabel(s.Ns))
	}
	return nil
}

// VethIntoSpec is what a form makes in one go: a veth whose end Name stays
// in Ns (optionally a port of Bridge there, optionally with Addr), and
// whose peer PeerName goes into PeerNs with PeerAddr; both ends up, and lo
// up in both namespaces (not the host's: it is up, and lazyns leaves it
// alone). All of it happens, or none of it.
type VethIntoSpec struct {
	Ns, Name, Bridge, Addr     string
	PeerNs, PeerName, PeerAddr string
}

// Veth is the pair it starts from.
func (s VethIntoSpec) Veth() VethSpec {
	return VethSpec{Ns: s.Ns, Name: s.Name, PeerNs: s.PeerNs, PeerName: s.PeerName}
}

// Cmds are all its steps, in order.
func (s VethIntoSpec) Cmds() []Cmd {
	cmds := s.Veth().Cmds()
	if s.Bridge != "" {
		cmds = append(cmds, MasterSpec{Ns: s.Ns, Link: s.Name, Bridge: s.Bridge}.Cmds()...)
	}
	if s.Addr != "" {
		cmds = append(cmds, AddrSpec{Ns: s.Ns, Dev: s.Name, CIDR: s.Addr}.AddCmds()...)
	}
	if s.PeerAddr != "" {
		cmds = append(cmds, AddrSpec{Ns: s.PeerNs, Dev: s.PeerName, CIDR: s.PeerAddr}.AddCmds()...)
	}
	cmds = append(cmds, LinkStateSpec{Ns: s.Ns, Name: s.Name, Up: true}.Cmds()...)
	cmds = append(cmds, LinkStateSpec{Ns: s.PeerNs, Name: s.PeerName, Up: true}.Cmds()...)
	for _, ns := range s.LoUp() {
		cmds = append(cmds, LinkStateSpec{Ns: ns, Name: "lo", Up: true}.Cmds()...)
	}
	return cmds
}

// LoUp are the namespaces whose lo the pair brings up: each end's, once,
// but not the host's.
func (s VethIntoSpec) LoUp() []string {
	var out []string
	for _, ns := range []string{s.Ns, s.PeerNs} {
		if ns != "" && (len(out) == 0 || out[0] != ns) {
			out = append(out, ns)
		}
	}
	return out
}

// Validate checks the pair, the bridge and both addresses.
func (s VethIntoSpec) Validate() error {
	if err := s.Veth().Validate(); err != nil {
		return err
	}
	if s.Bridge != "" {
		if err := CheckIfName("bridge", s.Bridge); err != nil {
			return err
		}
	}
	if s.Addr != "" {
		if _, ferr := ParseCIDR("address", s.Addr); ferr != nil {
			return ferr
		}
	}
	if s.PeerAddr != "" {
		if _, ferr := ParseCIDR("peer address", s.PeerAddr); ferr != nil {
			return ferr
		}
	}
	return nil
}

// CheckVethInto checks a veth form against the snapshot: both names free
// where they go, both namespaces there, the bridge a bridge.
func CheckVethInto(snap *Snapshot, s VethIntoSpec) error {
	errs := []*FieldError{
		CheckNsExists(snap, "namespace", s.Ns),
		CheckNsExists(snap, "peer namespace", s.PeerNs),
		CheckLinkFree(snap, "name", s.Ns, s.Name),
		CheckLinkFree(snap, "peer name", s.PeerNs, s.PeerName),
	}
	if s.Bridge != "" {
		errs = append(errs, CheckBridge(snap, "bridge", s.Ns, s.Bridge))
	}
	return firstErr(errs...)
}

// PortSpec is a veth pair made as a bridge's port, as a lab plugs a
// namespace in: the near end Name born in Ns a port of Bridge and up, the
// peer PeerName born in PeerNs, in one request. The peer stays down: the
// kernel cannot bring it up in the request that makes it (its other end
// is not linked yet). Both ends get one queue each way, which is what a
// veth keeps anyway: a default veth is made with a queue per CPU and cut
// down to one, and each cut waits for an RCU grace period while holding
// the lock every link change needs.
type PortSpec struct {
	VethSpec
	Bridge string
}

// Cmds is the one command that does it.
func (s PortSpec) Cmds() []Cmd {
	queues := []string{"numtxqueues", "1", "numrxqueues", "1"}
	args := append([]string{"link", "add", "name", s.Name}, queues...)
	args = append(args, "master", s.Bridge, "up", "type", "veth", "peer", "name", s.PeerName)
	if s.PeerNs != s.Ns {
		args = append(args, "netns", netnsArg(s.PeerNs))
	}
	return []Cmd{ipIn(s.Ns, append(args, queues...)...)}
}

// Validate checks the pair and the bridge's name.
func (s PortSpec) Validate() error {
	if err := s.VethSpec.Validate(); err != nil {
		return err
	}
	if err := CheckIfName("bridge", s.Bridge); err != nil {
		return err
	}
	return nil
}
