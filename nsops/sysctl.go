package nsops

import (
	"os"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// /proc/sys/net shows the network namespace of the thread that opens a
// file there, and /proc/thread-self/net that of the thread itself
// (/proc/self/net and /proc/net follow the process's first thread): every
// function here must run on a thread inside the namespace it reads.

// readSysctls reads the forwarding settings of the calling thread's
// namespace: the namespace-wide ones, and each interface's (with the
// "all" and "default" entries).
func readSysctls() (model.Sysctls, error) {
	s := model.Sysctls{}
	v, err := readProc("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		return nil, err
	}
	s[model.SysctlIPForward] = v
	for name, path := range map[string]string{
		model.SysctlConntrackMax:   "/proc/sys/net/netfilter/nf_conntrack_max",
		model.SysctlConntrackCount: "/proc/sys/net/netfilter/nf_conntrack_count",
	} {
		// Absent while connection tracking is not loaded.
		if v, err := readProc(path); err == nil {
			s[name] = v
		}
	}
	for _, fam := range []struct {
		name string
		keys []string
	}{{"ipv4", model.LinkSysctls4}, {"ipv6", model.LinkSysctls6}} {
		dir := "/proc/sys/net/" + fam.name + "/conf/"
		entries, err := os.ReadDir(dir)
		if err != nil {
			// A kernel without IPv6 has no net.ipv6.
			continue
		}
		for _, e := range entries {
			for _, key := range fam.keys {
				// An interface may go away meanwhile: its values with it.
				if v, err := readProc(dir + e.Name() + "/" + key); err == nil {
					s[model.SysctlLinkKey(fam.name, e.Name(), key)] = v
				}
			}
		}
	}
	return s, nil
}

func readProc(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// conntrackLimits reads nf_conntrack_count and nf_conntrack_max, and
// whether entries count packets (nf_conntrack_acct); loaded is false when
// connection tracking is not in the kernel at all.
func conntrackLimits() (count, limit int, acct, loaded bool) {
	c, err1 := readProc("/proc/sys/net/netfilter/nf_conntrack_count")
	m, err2 := readProc("/proc/sys/net/netfilter/nf_conntrack_max")
	if err1 != nil || err2 != nil {
		return -1, -1, false, false
	}
	count, _ = strconv.Atoi(c)
	limit, _ = strconv.Atoi(m)
	a, _ := readProc("/proc/sys/net/netfilter/nf_conntrack_acct")
	return count, limit, a == "1", true
}

// legacyTables lists the x_tables tables iptables-legacy (and
// ip6tables-legacy) made in the calling thread's namespace: the kernel
// names each one there once something used it.
func legacyTables() (v4, v6 []string) {
	read := func(path string) []string {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		return strings.Fields(string(b))
	}
	return read("/proc/thread-self/net/ip_tables_names"), read("/proc/thread-self/net/ip6_tables_names")
}
