package model

// Checks of a form's values against what a snapshot shows exists, so a
// taken name or a missing bridge is said in the form before anything is
// sent (the kernel's own refusal, said in words, remains the last word:
// the snapshot may be a moment old).

// NsByName finds the namespace a change names ("" = the host), or nil.
func NsByName(snap *Snapshot, ns string) *Namespace {
	if ns == "" {
		return snap.Host()
	}
	for i := range snap.Namespaces {
		if n := &snap.Namespaces[i]; n.Name == ns && !n.Stale {
			return n
		}
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

// CheckNsExists says when the namespace a change names is not there.
func CheckNsExists(snap *Snapshot, field, ns string) *FieldError {
	if NsByName(snap, ns) == nil {
		return fieldErr(field, "no namespace %s", NsLabel(ns))
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

// CheckBridge says when ns has no bridge named name.
func CheckBridge(snap *Snapshot, field, ns, name string) *FieldError {
	n := NsByName(snap, ns)
	if n == nil {
		return fieldErr(field, "no namespace %s", NsLabel(ns))
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
