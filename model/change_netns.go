package model

import (
	"fmt"
	"strconv"
	"strings"
)

// A namespace: made, deleted, and whether it forwards.

// NetnsSpec names a namespace to add or delete.
type NetnsSpec struct{ Name string }

// AddCmds are the commands of adding the namespace.
func (s NetnsSpec) AddCmds() []Cmd { return []Cmd{{Argv: []string{"ip", "netns", "add", s.Name}}} }

// DeleteCmds are the commands of deleting it.
func (s NetnsSpec) DeleteCmds() []Cmd { return []Cmd{{Argv: []string{"ip", "netns", "del", s.Name}}} }

// Validate checks the name.
func (s NetnsSpec) Validate() error { return firstErr(CheckNetnsName("name", s.Name)) }

// NetnsNameMax is the longest file name, and so namespace name.
const NetnsNameMax = 255

// CheckNetnsName checks a namespace name as `ip netns add` does: a file
// name under the netns directory (no '/', not "." or "..", at most 255
// bytes, no NUL).
func CheckNetnsName(field, name string) *FieldError {
	switch {
	case name == "":
		return fieldErr(field, "a namespace name is needed")
	case len(name) > NetnsNameMax:
		return fieldErr(field, "the name is %d bytes; a namespace name has at most %d", len(name), NetnsNameMax)
	case name == "." || name == "..":
		return fieldErr(field, "%q is not a valid namespace name", name)
	case strings.ContainsRune(name, '/'):
		return fieldErr(field, "a namespace name cannot contain '/'")
	case strings.IndexByte(name, 0) >= 0:
		return fieldErr(field, "a namespace name cannot contain a NUL byte")
	}
	return nil
}

// CheckNetnsFree says when a namespace (or a stale file) already has name.
func CheckNetnsFree(snap *Snapshot, field, name string) *FieldError {
	for i := range snap.Namespaces {
		if n := &snap.Namespaces[i]; n.Name == name {
			if n.Stale {
				return fieldErr(field, "a stale name %s is left (its namespace is gone): delete it first", Visible(name))
			}
			return fieldErr(field, "a namespace named %s already exists", Visible(name))
		}
	}
	return nil
}

// FreeNetnsName is prefix followed by the smallest number no namespace
// is named.
func FreeNetnsName(snap *Snapshot, prefix string) string {
	used := map[string]bool{}
	for i := range snap.Namespaces {
		used[snap.Namespaces[i].Name] = true
	}
	return freeName(prefix, used)
}

// DeleteNetnsEffects says what deleting namespace ns's name brings about,
// before asking to confirm.
func DeleteNetnsEffects(ns *Namespace) []string {
	var out []string
	if len(ns.Procs) > 0 {
		out = append(out, fmt.Sprintf("%s run in it: the namespace lives on without a name while they hold it", countProcs(ns.Procs)))
		return out
	}
	if len(ns.Mounts) > 0 || len(ns.FdHolders) > 0 {
		out = append(out, "it is held elsewhere too (a mount or an open file): it lives on without a name")
		return out
	}
	for i := range ns.Links {
		l := &ns.Links[i]
		if l.Peer != nil && l.Peer.Ns != ns.Key {
			out = append(out, fmt.Sprintf("veth %s goes, and its peer %s in %s vanishes too", Visible(l.Name), Visible(l.Peer.Name), Visible(l.Peer.NsName)))
		}
	}
	if n := countAddrs(ns.Links); n > 0 {
		out = append(out, fmt.Sprintf("its links and %d addresses go with it", n))
	}
	return out
}

func countProcs(procs []Proc) string {
	shown := procs
	if len(shown) > 3 {
		shown = shown[:3]
	}
	parts := make([]string, len(shown))
	for i, p := range shown {
		parts[i] = strconv.Itoa(p.Pid)
		if p.Comm != "" {
			parts[i] += " " + Visible(p.Comm)
		}
	}
	list := strings.Join(parts, ", ")
	if len(procs) > len(shown) {
		list += ", …"
	}
	if len(procs) == 1 {
		return "1 process (" + list + ")"
	}
	return fmt.Sprintf("%d processes (%s)", len(procs), list)
}

func countAddrs(links []Link) int {
	n := 0
	for i := range links {
		if links[i].Flags&IFF_LOOPBACK == 0 {
			n += len(links[i].Addrs)
		}
	}
	return n
}

// ForwardingSpec turns forwarding on or off in a namespace: IPv4
// (net.ipv4.ip_forward), or with IPv6 set IPv6 (net.ipv6.conf.all.forwarding,
// which also sets every device's). Each namespace has its own.
type ForwardingSpec struct {
	Ns   string
	On   bool
	IPv6 bool `json:",omitempty"`
}

// Sysctl is the setting the spec writes.
func (s ForwardingSpec) Sysctl() string {
	if s.IPv6 {
		return "net.ipv6.conf.all.forwarding"
	}
	return "net.ipv4.ip_forward"
}

// Cmds is the sysctl that does it, run inside the namespace.
func (s ForwardingSpec) Cmds() []Cmd {
	v := "0"
	if s.On {
		v = "1"
	}
	return []Cmd{inNs(s.Ns, "sysctl", "-w", s.Sysctl()+"="+v)}
}

// Validate checks the namespace.
func (s ForwardingSpec) Validate() error { return firstErr(checkNs("namespace", s.Ns)) }
