package model

// A bridge, and the links attached to it as its ports.

// BridgeSpec is a bridge to make in a namespace.
type BridgeSpec struct{ Ns, Name string }

// Cmds makes the bridge.
func (s BridgeSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "add", "name", s.Name, "type", "bridge")}
}

// Validate checks the bridge's name and namespace.
func (s BridgeSpec) Validate() error {
	return firstErr(checkNs("namespace", s.Ns), CheckIfName("name", s.Name))
}

// MasterSpec attaches link Link to bridge Bridge, both in Ns.
type MasterSpec struct{ Ns, Link, Bridge string }

// Cmds attaches it.
func (s MasterSpec) Cmds() []Cmd {
	return []Cmd{ipIn(s.Ns, "link", "set", "dev", s.Link, "master", s.Bridge)}
}

// Validate checks the link and bridge names.
func (s MasterSpec) Validate() error {
	if err := firstErr(checkNs("namespace", s.Ns), CheckIfName("link", s.Link), CheckIfName("bridge", s.Bridge)); err != nil {
		return err
	}
	if s.Link == s.Bridge {
		return fieldErr("bridge", "a bridge cannot be its own port")
	}
	return nil
}

// NoMasterCmds detaches the link from its bridge.
func (r LinkRef) NoMasterCmds() []Cmd {
	return []Cmd{ipIn(r.Ns, "link", "set", "dev", r.Name, "nomaster")}
}

// CheckBridge says when ns has no bridge named name.
func CheckBridge(snap *Snapshot, field, ns, name string) *FieldError {
	n, ferr := nsOf(snap, field, ns)
	if ferr != nil {
		return ferr
	}
	l := n.LinkByName(name)
	if l == nil {
		return fieldErr(field, "no bridge %s in %s", Visible(name), NsLabel(ns))
	}
	if l.Kind != "bridge" {
		return fieldErr(field, "%s in %s is not a bridge", Visible(name), NsLabel(ns))
	}
	return nil
}

// Bridges lists the bridges in ns, for a form's choices.
func Bridges(snap *Snapshot, ns string) []string {
	var out []string
	if n := NsByName(snap, ns); n != nil {
		for i := range n.Links {
			if n.Links[i].Kind == "bridge" {
				out = append(out, n.Links[i].Name)
			}
		}
	}
	return out
}
