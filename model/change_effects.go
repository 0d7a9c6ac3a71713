package model

import (
	"fmt"
	"strconv"
	"strings"
)

// What a destructive change takes with it, said before asking to confirm.
// Each function is pure: it reads a snapshot and returns sentences.

// DeleteNetnsEffects says what deleting namespace ns's name brings about.
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

// DeleteLinkEffects says what deleting link l of ns brings about.
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

// FreeNetnsName is prefix followed by the smallest number no namespace
// is named.
func FreeNetnsName(snap *Snapshot, prefix string) string {
	used := map[string]bool{}
	for i := range snap.Namespaces {
		used[snap.Namespaces[i].Name] = true
	}
	return freeName(prefix, used)
}

func freeName(prefix string, used map[string]bool) string {
	for i := 0; ; i++ {
		if n := prefix + strconv.Itoa(i); !used[n] {
			return n
		}
	}
}
