package tui

import (
	"strings"

	"github.com/lazyns/lazyns/model"
)

// searchText is what the filter matches a namespace against: its display
// name (raw and as shown), its interface names and its addresses, lower
// case, separated by a byte no name or address contains.
func searchText(ns *model.Namespace) string {
	var b strings.Builder
	name := ns.DisplayName()
	b.WriteString(strings.ToLower(name))
	if v := model.Visible(name); v != name {
		b.WriteByte(0)
		b.WriteString(strings.ToLower(v))
	}
	for i := range ns.Links {
		l := &ns.Links[i]
		b.WriteByte(0)
		b.WriteString(strings.ToLower(l.Name))
		for j := range l.Addrs {
			b.WriteByte(0)
			b.WriteString(l.Addrs[j].CIDR())
		}
	}
	return b.String()
}

// filterIndex holds the search text of every namespace of a snapshot, so
// typing in the filter does not rebuild it per key.
type filterIndex []string

func newFilterIndex(snap *model.Snapshot) filterIndex {
	idx := make(filterIndex, len(snap.Namespaces))
	for i := range snap.Namespaces {
		idx[i] = searchText(&snap.Namespaces[i])
	}
	return idx
}

// match returns the positions of the namespaces whose search text contains
// query, case-insensitively; all of them when query is empty.
func (idx filterIndex) match(query string) []int {
	q := strings.ToLower(strings.TrimSpace(query))
	out := make([]int, 0, len(idx))
	for i, text := range idx {
		if q == "" || strings.Contains(text, q) {
			out = append(out, i)
		}
	}
	return out
}
