package model

import (
	"fmt"
	"strings"
)

// A link of any kind: deleted, brought up or down, moved, renamed.

// LinkRef names an existing link: its name inside namespace Ns.
type LinkRef struct{ Ns, Name string }

// DeleteCmds deletes the link (a veth takes its peer with it).
func (r LinkRef) DeleteCmds() []Cmd { return []Cmd{ipIn(r.Ns, "link", "del", "dev", r.Name)} }

// Validate checks the link's name and namespace.
func (r LinkRef) Validate() error {
	return firstErr(checkNs("namespace", r.Ns), CheckIfName("link", r.Name))
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

// Validate checks the link's name and namespace.
func (s LinkStateSpec) Validate() error { return LinkRef{s.Ns, s.Name}.Validate() }

// MoveSpec moves link Name from Ns into ToNs.
type MoveSpec struct{ Ns, Name, ToNs string }

// Cmds moves it.
func (s MoveSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "set", "dev", s.Name, "netns", netnsArg(s.ToNs))}
}

// Validate checks the link and both namespaces.
func (s MoveSpec) Validate() error {
	if err := firstErr(checkNs("namespace", s.Ns), CheckIfName("link", s.Name), checkNs("to namespace", s.ToNs)); err != nil {
		return err
	}
	if s.Ns == s.ToNs {
		return fieldErr("to namespace", "%s is already in %s", Visible(s.Name), NsLabel(s.Ns))
	}
	return nil
}

// RenameSpec renames link Name in Ns to NewName.
type RenameSpec struct{ Ns, Name, NewName string }

// Cmds renames it.
func (s RenameSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "set", "dev", s.Name, "name", s.NewName)}
}

// Validate checks both names.
func (s RenameSpec) Validate() error {
	if err := firstErr(checkNs("namespace", s.Ns), CheckIfName("link", s.Name), CheckIfName("new name", s.NewName)); err != nil {
		return err
	}
	if s.Name == s.NewName {
		return fieldErr("new name", "the link is already called %s", Visible(s.Name))
	}
	return nil
}

// IfNameMax is the longest interface name the kernel takes (IFNAMSIZ-1).
const IfNameMax = 15

// CheckIfName checks an interface name as the kernel's dev_valid_name
// does: 1–15 bytes, not "." or "..", no '/', ':' or white space.
func CheckIfName(field, name string) *FieldError {
	switch {
	case name == "":
		return fieldErr(field, "an interface name is needed")
	case len(name) > IfNameMax:
		return fieldErr(field, "%q is %d bytes; an interface name has at most %d", Visible(name), len(name), IfNameMax)
	case name == "." || name == "..":
		return fieldErr(field, "%q is not a valid interface name", name)
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '/', ':':
			return fieldErr(field, "an interface name cannot contain %q", string(c))
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return fieldErr(field, "an interface name cannot contain white space")
		case 0:
			return fieldErr(field, "an interface name cannot contain a NUL byte")
		}
	}
	return nil
}

// CheckLinkFree says when a link named name already exists in ns.
func CheckLinkFree(snap *Snapshot, field, ns, name string) *FieldError {
	if n := NsByName(snap, ns); n != nil && n.LinkByName(name) != nil {
		return fieldErr(field, "a link named %s already exists in %s", Visible(name), NsLabel(ns))
	}
	return nil
}

// FreeLinkName is prefix followed by the smallest number no link in any
// namespace of snap is named, skipping also the names in taken (such as
// the one just chosen for the other end of a pair): "veth0", "veth1", ...
func FreeLinkName(snap *Snapshot, prefix string, taken ...string) string {
	used := map[string]bool{}
	for _, t := range taken {
		used[t] = true
	}
	for i := range snap.Namespaces {
		for j := range snap.Namespaces[i].Links {
			used[snap.Namespaces[i].Links[j].Name] = true
		}
	}
	return freeName(prefix, used)
}

// DeleteLinkEffects says what deleting link l of ns brings about, before
// asking to confirm.
func DeleteLinkEffects(ns *Namespace, l *Link) []string {
	return DeleteLinkEffectsIn(nil, ns, l)
}

// DeleteLinkEffectsIn is DeleteLinkEffects with the snapshot to look the
// peer up in, so the peer's addresses, which go with it, are named too.
func DeleteLinkEffectsIn(snap *Snapshot, ns *Namespace, l *Link) []string {
	var out []string
	if l.Peer != nil {
		where := Visible(l.Peer.NsName)
		if l.Peer.Ns == ns.Key {
			where = "the same namespace"
		}
		gone := fmt.Sprintf("its peer %s in %s vanishes too", Visible(l.Peer.Name), where)
		if snap != nil {
			if pns := snap.Find(l.Peer.Ns); pns != nil {
				if p := pns.Link(l.Peer.Index); p != nil && len(p.Addrs) > 0 {
					gone += ", with " + strings.Join(cidrsOf(p), ", ")
				}
			}
		}
		out = append(out, gone)
	} else if l.IsVeth() {
		out = append(out, "its peer (in a namespace not seen) vanishes too")
	}
	if ports := ns.Ports(l.Index); len(ports) > 0 {
		names := make([]string, len(ports))
		for i, p := range ports {
			names[i] = Visible(p.Name)
		}
		out = append(out, fmt.Sprintf("its %d ports are detached: %s", len(ports), strings.Join(names, ", ")))
	}
	if len(l.Addrs) > 0 {
		out = append(out, "its addresses go: "+strings.Join(cidrsOf(l), ", "))
	}
	return out
}

func cidrsOf(l *Link) []string {
	cidrs := make([]string, len(l.Addrs))
	for i := range l.Addrs {
		cidrs[i] = l.Addrs[i].CIDR()
	}
	return cidrs
}
