package tui

import (
	"net"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// roleWords marks a cell holding a line as ip prints it (a route, rule or
// neighbour), coloured word by word as ip -c does.
const roleWords model.Role = 1000

// paintWords colours the addresses, interface names and MAC addresses in
// an ip-style line by the word before them.
func paintWords(paint model.Paint, line string) string {
	words := strings.Split(line, " ")
	prev := ""
	for i, w := range words {
		switch {
		case prev == "dev" || prev == "iif" || prev == "oif":
			words[i] = paint(model.RoleIfname, w)
		case prev == "lladdr":
			words[i] = paint(model.RoleMAC, w)
		case i == 0 || prev == "via" || prev == "src" || prev == "from" || prev == "to" || isRouteType(prev):
			if r, ok := addrWordRole(w); ok {
				words[i] = paint(r, w)
			}
		}
		prev = w
	}
	return strings.Join(words, " ")
}

// isRouteType is a route type ip writes before the destination.
func isRouteType(w string) bool {
	switch w {
	case "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat":
		return true
	}
	return false
}

// addrWordRole says whether w is an address or prefix, and of which family.
func addrWordRole(w string) (model.Role, bool) {
	host, _, _ := strings.Cut(w, "/")
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return 0, false
	case ip.To4() != nil:
		return model.RoleInet, true
	}
	return model.RoleInet6, true
}
