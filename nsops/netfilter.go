package nsops

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/google/nftables"
	"github.com/lazyns/lazyns/model"
	"github.com/mdlayher/netlink"
	"github.com/ti-mo/conntrack"
	"golang.org/x/sys/unix"
)

// NetfilterParts choose what ReadNetfilter reads.
type NetfilterParts struct {
	Sysctls   bool
	Conntrack bool
	Firewall  bool
}

// AllNetfilter reads everything.
var AllNetfilter = NetfilterParts{Sysctls: true, Conntrack: true, Firewall: true}

// netfilterVisit is what one visit inside a namespace yields: the files
// that must be read from a thread inside it, and the sockets opened there,
// which any goroutine may use afterwards.
type netfilterVisit struct {
	sysctls model.Sysctls
	sysErr  error
	legacy  map[string][]string

	ctCount, ctMax int
	ctAcct, ctOn   bool
	ct             *conntrack.Conn
	ctErr          error

	nft    nftSockets
	nftErr error
}

// inside runs on a thread in the namespace. It opens the sockets there,
// rather than handing the namespace to the libraries (WithNetNSFd,
// netlink.Config.NetNS): they would switch a thread themselves, outside
// InNamespace.
func (v *netfilterVisit) inside(parts NetfilterParts) error {
	if parts.Sysctls {
		v.sysctls, v.sysErr = readSysctls()
	}
	if parts.Conntrack {
		v.ctCount, v.ctMax, v.ctAcct, v.ctOn = conntrackLimits()
		// Without connection tracking in the kernel there is nothing to
		// dump, and asking would load the module; with no entries in
		// this namespace (its own count), there is nothing either, and
		// a dump would still walk the host's whole table (2.7 ms here).
		if v.ctOn && v.ctCount > 0 {
			v.ct, v.ctErr = conntrack.Dial(nil)
		}
	}
	if parts.Firewall {
		v4, v6 := legacyTables()
		v.legacy = map[string][]string{"ip": v4, "ip6": v6}
		v.nft.lib, v.nftErr = nftables.New(nftables.AsLasting())
		if v.nftErr == nil {
			v.nft.nl, v.nftErr = netlink.Dial(unix.NETLINK_NETFILTER, nil)
		}
	}
	return nil
}

func (v *netfilterVisit) close() {
	if v.ct != nil {
		v.ct.Close()
	}
	if v.nft.lib != nil {
		v.nft.lib.CloseLasting()
	}
	if v.nft.nl != nil {
		v.nft.nl.Close()
	}
}

// ReadNetfilter reads what decides a packet's fate in ns beyond its
// routes, as parts asks: its forwarding settings, its connection tracking
// table, and its firewall (nftables over netlink; iptables-nft's tables
// also in iptables syntax and iptables-legacy's tables through their save
// tools, run inside the namespace when installed). What cannot be read
// is said in the result's Errs; an error means the namespace could not be
// entered at all. ns needs its links read (for iif and oif names).
//
// It costs one thread switch and a few netlink dumps, plus a process per
// save tool when iptables tables are in use: callers read it for the
// namespaces a person looks at, not for every namespace on every reload.
func (s *System) ReadNetfilter(ctx context.Context, ns *model.Namespace, parts NetfilterParts) (*model.Netfilter, error) {
	name := model.Visible(ns.DisplayName())
	n, err := s.hold(ns)
	if isGone(err) {
		return nil, goneErr(ns)
	}
	if err != nil {
		return nil, fmt.Errorf("open namespace %s: %w", name, openFailure(err))
	}
	defer n.close()
	var v netfilterVisit
	defer v.close()
	if err := n.do(func() error { return v.inside(parts) }); err != nil {
		return nil, fmt.Errorf("enter namespace %s: %w", name, err)
	}
	nf := &model.Netfilter{}
	fail := func(part string, err error) {
		nf.Errs = append(nf.Errs, fmt.Sprintf("%s of %s: %v", part, name, describeNetfilterErr(err)))
	}
	if parts.Sysctls {
		if v.sysErr != nil {
			fail("settings", v.sysErr)
		} else {
			nf.Sysctls = v.sysctls
		}
	}
	if parts.Conntrack {
		nf.Conntrack = &model.Conntrack{Count: v.ctCount, Max: v.ctMax}
		switch {
		case v.ctErr != nil:
			fail("connection tracking", v.ctErr)
		case v.ct != nil:
			entries, err := readConntrack(v.ct, v.ctAcct)
			if err != nil {
				fail("connection tracking", err)
			}
			nf.Conntrack.Entries = entries
		}
	}
	if parts.Firewall {
		if v.nftErr != nil {
			fail("firewall", v.nftErr)
		} else {
			fw := &model.Firewall{}
			tables, err := readRuleset(v.nft, func(i uint32) (string, bool) {
				if l := ns.Link(int(i)); l != nil {
					return l.Name, true
				}
				return "", false
			})
			if err != nil {
				fail("firewall", err)
			} else {
				fw.Tables = tables
				run := &toolRunner{ctx: ctx, ns: ns}
				addIptablesViews(run, fw, v.legacy)
				run.close()
				nf.Firewall = fw
			}
		}
	}
	return nf, nil
}

func describeNetfilterErr(err error) string {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EPERM) {
		return "permission denied: " + Privileges()
	}
	return err.Error()
}

// ReadNetfilterAll fills Netfilter for each of nss, several at once. A
// namespace that cannot be entered gets the reason in its Errs.
func (s *System) ReadNetfilterAll(ctx context.Context, nss []*model.Namespace, parts NetfilterParts) {
	s.forEach(ctx, len(nss), func(i int) { s.ReadNetfilterInto(ctx, nss[i], parts) })
}

// ReadNetfilterInto reads the parts of ns's firewall, connections and
// settings into ns.Netfilter; what could not be read is said in its Errs.
func (s *System) ReadNetfilterInto(ctx context.Context, ns *model.Namespace, parts NetfilterParts) {
	if ns.Stale {
		return
	}
	nf, err := s.ReadNetfilter(ctx, ns, parts)
	if err != nil {
		nf = &model.Netfilter{Errs: []string{err.Error()}}
	}
	ns.Netfilter = nf
}
