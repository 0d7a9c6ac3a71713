package tui

import (
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// sep comes before and after every word of a search text: no name or
// address contains it, so a whole address can be looked for as a word.
const sep = "\x00"

// searchText is what the filter matches a namespace against: its display
// name (raw and as shown), its interface names and its addresses, lower
// case, each word between two seps.
func searchText(ns *model.Namespace) string {
	var b strings.Builder
	word := func(s string) {
		b.WriteString(s)
		b.WriteString(sep)
	}
	b.WriteString(sep)
	name := ns.DisplayName()
	word(strings.ToLower(name))
	if v := model.Visible(name); v != name {
		word(strings.ToLower(v))
	}
	for i := range ns.Links {
		l := &ns.Links[i]
		word(strings.ToLower(l.Name))
		for j := range l.Addrs {
			word(l.Addrs[j].CIDR())
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

// with is idx with the search text of position i made again from ns, as a
// new index: a snapshot on screen may still be reading the old one.
func (idx filterIndex) with(i int, ns *model.Namespace) filterIndex {
	out := slices.Clone(idx)
	out[i] = searchText(ns)
	return out
}

// match returns the positions of the namespaces whose search text contains
// query, case-insensitively; all of them when query is empty. A query that
// is a whole address (10.0.0.1, 2001:db8::1, or one with its prefix length)
// matches that address only, not every address it starts (10.0.0.10…19).
func (idx filterIndex) match(query string) []int {
	q := strings.ToLower(strings.TrimSpace(query))
	wants := []string{q}
	if addr, ok := wholeAddress(q); ok {
		wants = []string{sep + addr + "/", sep + addr + sep}
		if strings.Contains(addr, "/") {
			wants = wants[1:]
		}
	}
	out := make([]int, 0, len(idx))
	for i, text := range idx {
		if q == "" || containsAny(text, wants) {
			out = append(out, i)
		}
	}
	return out
}

// wholeAddress is q as the search text writes it (10.0.0.1, 2001:db8::1,
// 10.0.0.1/24) when q is a complete address, optionally with a prefix
// length; ok is false for anything else, such as part of one (10.0.0.).
func wholeAddress(q string) (string, bool) {
	if ip := net.ParseIP(q); ip != nil {
		return ip.String(), true
	}
	if at, bits, ok := strings.Cut(q, "/"); ok {
		ip := net.ParseIP(at)
		n, err := strconv.Atoi(bits)
		if ip != nil && err == nil && n >= 0 && n <= 8*len(ipBytes(ip)) {
			return ip.String() + "/" + strconv.Itoa(n), true
		}
	}
	return "", false
}

// ipBytes is ip in its own family's length (4 bytes for IPv4).
func ipBytes(ip net.IP) net.IP {
	if v4 := ip.To4(); v4 != nil {
		return v4
	}
	return ip
}

func containsAny(text string, wants []string) bool {
	for _, w := range wants {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}
