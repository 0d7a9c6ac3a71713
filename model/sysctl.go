package model

import (
	"sort"
	"strconv"
	"strings"
)

// Sysctls are the settings of one namespace that decide how it forwards
// and answers, by their sysctl names ("net.ipv4.ip_forward",
// "net.ipv4.conf.eth0.rp_filter"), with the values as /proc/sys gives them.
type Sysctls map[string]string

// The namespace-wide settings lazyns reads.
const (
	SysctlIPForward      = "net.ipv4.ip_forward"
	SysctlIPv6Forwarding = "net.ipv6.conf.all.forwarding"
	// nf_conntrack_max is the host's (only the host's namespace may set
	// it); nf_conntrack_count is the namespace's own. Both are absent
	// when connection tracking is not loaded.
	SysctlConntrackMax   = "net.netfilter.nf_conntrack_max"
	SysctlConntrackCount = "net.netfilter.nf_conntrack_count"
)

// LinkSysctls4 and LinkSysctls6 are the per-interface settings lazyns
// reads under net.ipv4.conf.IF and net.ipv6.conf.IF, for every interface
// and for the "all" and "default" entries.
var (
	LinkSysctls4 = []string{"forwarding", "rp_filter", "proxy_arp", "arp_ignore", "arp_announce"}
	LinkSysctls6 = []string{"forwarding", "accept_ra"}
)

// SysctlLinkKey names a per-interface setting as sysctl does: family is
// "ipv4" or "ipv6", and a '.' in the interface name (a VLAN's eth0.100)
// is written '/', so that the name stays one component.
func SysctlLinkKey(family, ifname, key string) string {
	return "net." + family + ".conf." + strings.ReplaceAll(ifname, ".", "/") + "." + key
}

// Keys lists the settings in order.
func (s Sysctls) Keys() []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Int reads a setting as a number.
func (s Sysctls) Int(name string) (int, bool) {
	v, ok := s[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil
}

// Links lists the interfaces with per-interface settings: "all" and
// "default" first, then the others by name.
func (s Sysctls) Links() []string {
	seen := map[string]bool{}
	for k := range s {
		for _, fam := range []string{"net.ipv4.conf.", "net.ipv6.conf."} {
			rest, ok := strings.CutPrefix(k, fam)
			if !ok {
				continue
			}
			if i := strings.LastIndexByte(rest, '.'); i > 0 {
				seen[strings.ReplaceAll(rest[:i], "/", ".")] = true
			}
		}
	}
	var links []string
	for l := range seen {
		if l != "all" && l != "default" {
			links = append(links, l)
		}
	}
	sort.Strings(links)
	var head []string
	for _, l := range []string{"all", "default"} {
		if seen[l] {
			head = append(head, l)
		}
	}
	return append(head, links...)
}

// How the kernel combines a link's IPv4 setting with net.ipv4.conf.all
// (include/linux/inetdevice.h): IN_DEV_MAXCONF takes the larger,
// IN_DEV_ORCONF either.
var combined = map[string]string{
	"rp_filter":    "max",
	"arp_ignore":   "max",
	"arp_announce": "max",
	"proxy_arp":    "or",
}

// Effective is the IPv4 setting key in force on interface ifname, as the
// kernel computes it from the link's own value and the "all" entry:
// rp_filter, arp_ignore and arp_announce take the larger of the two,
// proxy_arp is on when either is. For other keys it is the link's own
// value. ok is false when the values are not there.
func (s Sysctls) Effective(ifname, key string) (v int, ok bool) {
	own, ok := s.Int(SysctlLinkKey("ipv4", ifname, key))
	if !ok {
		return 0, false
	}
	rule := combined[key]
	if rule == "" || ifname == "all" || ifname == "default" {
		return own, true
	}
	all, ok := s.Int(SysctlLinkKey("ipv4", "all", key))
	if !ok {
		return own, true
	}
	if rule == "or" {
		if own != 0 || all != 0 {
			return 1, true
		}
		return 0, true
	}
	return max(own, all), true
}

// Combined reports whether the kernel combines key with the "all" entry.
func Combined(key string) bool { return combined[key] != "" }
