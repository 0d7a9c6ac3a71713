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
	switch {
	case ns.Host:
		return "ip"
	case ns.Name != "":
		return "ip -n " + model.ShellQuote(ns.Name)
	case len(ns.Procs) > 0:
		return fmt.Sprintf("nsenter -t %d -n ip", ns.Procs[0].Pid)
	case len(ns.Mounts) > 0:
		return "nsenter --net=" + model.ShellQuote(ns.Mounts[0]) + " ip"
	}
	return "nsenter --net=" + model.ShellQuote(ns.Path) + " ip"
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
