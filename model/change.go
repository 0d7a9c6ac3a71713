package model

import (
	"strconv"
	"strings"
)

// Cmd is one iproute2 (or sysctl) command line that does what a change did.
// Argv holds the exact bytes each argument must reach the program with.
type Cmd struct {
	Argv []string
}

// String is the command as a shell would take it, every argument quoted
// where needed, so a hostile name stays one inert word.
func (c Cmd) String() string {
	parts := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		parts[i] = ShellQuote(a)
	}
	return strings.Join(parts, " ")
}

// A change names its namespace by a string: "" for the host, a name under
// the netns directory, or — for namespaces without a name, such as a
// container's — an absolute path to a file that opens it
// (/proc/PID/ns/net). Names cannot hold a '/', so the two never mix.

// IsNsPath reports a namespace named by its path.
func IsNsPath(ns string) bool { return strings.ContainsRune(ns, '/') }

// ChangeNs is how a change names namespace n: "" for the host, its name,
// or the path of a file that opens it.
func ChangeNs(n *Namespace) string {
	switch {
	case n.Host:
		return ""
	case n.Name != "":
		return n.Name
	}
	return n.Path
}

// inNs is a command run in namespace ns: as is for the host, after
// `ip -n NAME` for a named one, under `nsenter --net=PATH` otherwise
// (ip -n takes only names).
func inNs(ns string, argv ...string) Cmd {
	switch {
	case ns == "":
		return Cmd{Argv: argv}
	case IsNsPath(ns):
		return Cmd{Argv: append([]string{"nsenter", "--net=" + ns}, argv...)}
	case argv[0] == "ip":
		return Cmd{Argv: append([]string{"ip", "-n", ns}, argv[1:]...)}
	}
	return Cmd{Argv: append([]string{"ip", "netns", "exec", ns}, argv...)}
}

// ipIn is `ip` acting in namespace ns: `ip -n NS ...`.
func ipIn(ns string, args ...string) Cmd { return inNs(ns, append([]string{"ip"}, args...)...) }

// netnsArg names a namespace as `ip link ... netns X` takes it: a name or
// a path, or the pid 1 for the host (the classic form of "back to the
// host").
func netnsArg(ns string) string {
	if ns == "" {
		return "1"
	}
	return ns
}

// NsLabel is how a change's namespace reads in a message: "host" for "".
func NsLabel(ns string) string {
	if ns == "" {
		return "host"
	}
	return Visible(ns)
}

// NetnsSpec names a namespace to add or delete.
type NetnsSpec struct{ Name string }

// AddCmds are the commands of adding the namespace.
func (s NetnsSpec) AddCmds() []Cmd { return []Cmd{{Argv: []string{"ip", "netns", "add", s.Name}}} }

// DeleteCmds are the commands of deleting it.
func (s NetnsSpec) DeleteCmds() []Cmd { return []Cmd{{Argv: []string{"ip", "netns", "del", s.Name}}} }

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

// BridgeSpec is a bridge to make in a namespace.
type BridgeSpec struct{ Ns, Name string }

// Cmds makes the bridge.
func (s BridgeSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "add", "name", s.Name, "type", "bridge")}
}

// LinkRef names an existing link: its name inside namespace Ns.
type LinkRef struct{ Ns, Name string }

// DeleteCmds deletes the link (a veth takes its peer with it).
func (r LinkRef) DeleteCmds() []Cmd { return []Cmd{ipIn(r.Ns, "link", "del", "dev", r.Name)} }

// NoMasterCmds detaches the link from its bridge.
func (r LinkRef) NoMasterCmds() []Cmd {
	return []Cmd{ipIn(r.Ns, "link", "set", "dev", r.Name, "nomaster")}
}

// MasterSpec attaches link Link to bridge Bridge, both in Ns.
type MasterSpec struct{ Ns, Link, Bridge string }

// Cmds attaches it.
func (s MasterSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "set", "dev", s.Link, "master", s.Bridge)}
}

// LinkStateSpec brings a link up or down.
type LinkStateSpec struct {
	Ns, Name string
	Up       bool
}

// Cmds sets the state.
func (s LinkStateSpec) Cmds() []Cmd {
	state := "down"
	if s.Up {
		state = "up"
	}
	return []Cmd{ipIn(s.Ns, "link", "set", "dev", s.Name, state)}
}

// AddrSpec is an address (CIDR, such as 10.0.1.1/24) on link Dev in Ns.
type AddrSpec struct{ Ns, Dev, CIDR string }

// AddCmds adds the address.
func (s AddrSpec) AddCmds() []Cmd { return []Cmd{ipIn(s.Ns, "addr", "add", s.CIDR, "dev", s.Dev)} }

// DeleteCmds removes it.
func (s AddrSpec) DeleteCmds() []Cmd { return []Cmd{ipIn(s.Ns, "addr", "del", s.CIDR, "dev", s.Dev)} }

// RouteSpec is a route in Ns: to Dst ("default" or a prefix), via Gateway
// and/or out of Dev; Table 0 is the main table, Metric 0 none. The family
// follows the destination or the gateway: an IPv6 default route without a
// gateway is written ::/0.
type RouteSpec struct {
	Ns, Dst, Gateway, Dev string
	Table, Metric         uint32
}

func (s RouteSpec) args(verb string) []string {
	args := []string{"route", verb, s.Dst}
	if s.Gateway != "" {
		args = append(args, "via", s.Gateway)
	}
	if s.Dev != "" {
		args = append(args, "dev", s.Dev)
	}
	if s.Table != 0 {
		args = append(args, "table", strconv.FormatUint(uint64(s.Table), 10))
	}
	if s.Metric != 0 {
		args = append(args, "metric", strconv.FormatUint(uint64(s.Metric), 10))
	}
	return args
}

// AddCmds adds the route.
func (s RouteSpec) AddCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("add")...)} }

// DeleteCmds removes it.
func (s RouteSpec) DeleteCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("del")...)} }

// MoveSpec moves link Name from Ns into ToNs.
type MoveSpec struct{ Ns, Name, ToNs string }

// Cmds moves it.
func (s MoveSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "set", "dev", s.Name, "netns", netnsArg(s.ToNs))}
}

// RenameSpec renames link Name in Ns to NewName.
type RenameSpec struct{ Ns, Name, NewName string }

// Cmds renames it.
func (s RenameSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "set", "dev", s.Name, "name", s.NewName)}
}

// ForwardingSpec turns IPv4 forwarding on or off in a namespace.
type ForwardingSpec struct {
	Ns string
	On bool
}

// Cmds is the sysctl that does it, run inside the namespace.
func (s ForwardingSpec) Cmds() []Cmd {
	v := "0"
	if s.On {
		v = "1"
	}
	return []Cmd{inNs(s.Ns, "sysctl", "-w", "net.ipv4.ip_forward="+v)}
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

// RuleSpec is a policy rule in Ns: traffic from prefix From looks up
// Table, at priority Pref (0: the kernel picks one).
type RuleSpec struct {
	Ns, From    string
	Table, Pref uint32
}

func (s RuleSpec) args(verb string) []string {
	args := []string{"rule", verb, "from", s.From, "table", strconv.FormatUint(uint64(s.Table), 10)}
	if s.Pref != 0 {
		args = append(args, "pref", strconv.FormatUint(uint64(s.Pref), 10))
	}
	return args
}

// AddCmds adds the rule.
func (s RuleSpec) AddCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("add")...)} }

// DeleteCmds removes it.
func (s RuleSpec) DeleteCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("del")...)} }
