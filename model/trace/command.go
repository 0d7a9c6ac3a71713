package trace

import (
	"fmt"
	"net"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// RouteGetCommand is the command that shows a lookup by hand, run as root
// on this host.
func RouteGetCommand(ns *model.Namespace, q RouteQuery) string {
	b := []string{IPCommand(ns), "route", "get", q.Dst.String()}
	if q.Src != nil {
		b = append(b, "from", q.Src.String())
	}
	if q.Iif != "" {
		b = append(b, "iif", model.ShellQuote(q.Iif))
	}
	return strings.Join(b, " ")
}

// IPCommand is how to run ip inside ns: `ip -n NAME`, plain `ip` for the
// host, nsenter for a namespace without a name.
func IPCommand(ns *model.Namespace) string {
	if !ns.Host && ns.Name != "" {
		return "ip -n " + model.ShellQuote(ns.Name)
	}
	return InNsCommand(ns, "ip")
}

// InNsCommand is argv (each word quoted for the shell) run inside ns:
// `ip netns exec NAME …`, as is for the host, nsenter for a namespace
// without a name.
func InNsCommand(ns *model.Namespace, argv ...string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = model.ShellQuote(a)
	}
	cmd := strings.Join(words, " ")
	switch {
	case ns.Host:
		return cmd
	case ns.Name != "":
		return "ip netns exec " + model.ShellQuote(ns.Name) + " " + cmd
	case len(ns.Procs) > 0:
		return fmt.Sprintf("nsenter -t %d -n %s", ns.Procs[0].Pid, cmd)
	case len(ns.Mounts) > 0:
		return "nsenter --net=" + model.ShellQuote(ns.Mounts[0]) + " " + cmd
	}
	return "nsenter --net=" + model.ShellQuote(ns.Path) + " " + cmd
}

// ChainCommand lists a chain with its counters by hand, with the tool
// that made it: iptables-nft or iptables-legacy (-vnL -x, rule numbers),
// or nft (-a, handles). nft cannot name a chain or table whose name is
// not a plain word; the command then lists the table, or the ruleset.
func ChainCommand(ns *model.Namespace, t *model.FwTable, c *model.FwChain) string {
	switch t.Source {
	case model.FwIptablesNft, model.FwIptablesLegacy:
		tool := "iptables"
		if t.Family == "ip6" {
			tool = "ip6tables"
		}
		if t.Source == model.FwIptablesNft {
			tool += "-nft"
		} else {
			tool += "-legacy"
		}
		return InNsCommand(ns, tool, "-t", t.Name, "-vnL", c.Name, "--line-numbers", "-x")
	}
	switch {
	case nftWord(t.Name) && nftWord(c.Name):
		return InNsCommand(ns, "nft", "-a", "list", "chain", t.Family, t.Name, c.Name)
	case nftWord(t.Name):
		return InNsCommand(ns, "nft", "-a", "list", "table", t.Family, t.Name)
	}
	return InNsCommand(ns, "nft", "-a", "list", "ruleset")
}

// nftWord reports whether nft's parser takes s as a name unquoted (it
// takes no quoted names, as of nft 1.0.6).
func nftWord(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '.'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(r >= '0' && r <= '9') && r != '/' && r != '-' {
			return false
		}
	}
	return true
}

// ParseAddrs reads a trace's destination and optional source: plain
// unicast IPv4 or IPv6 addresses of one family.
func ParseAddrs(dstText, srcText string) (dst, src net.IP, err error) {
	if dst = net.ParseIP(strings.TrimSpace(dstText)); dst == nil {
		return nil, nil, fmt.Errorf("destination %q is not an IP address (such as 10.0.2.2 or fd00::2)", model.Visible(dstText))
	}
	if dst.IsUnspecified() || dst.IsMulticast() {
		return nil, nil, fmt.Errorf("destination %s: a trace follows one packet to one host; give a unicast address", dst)
	}
	if strings.TrimSpace(srcText) == "" {
		return dst, nil, nil
	}
	if src = net.ParseIP(strings.TrimSpace(srcText)); src == nil {
		return nil, nil, fmt.Errorf("source %q is not an IP address", model.Visible(srcText))
	}
	if (src.To4() == nil) != (dst.To4() == nil) {
		return nil, nil, fmt.Errorf("source %s and destination %s are of different families", src, dst)
	}
	return dst, src, nil
}
