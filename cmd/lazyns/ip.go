package main

import (
	"errors"
	"fmt"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

// ipListing is one subcommand of lazyns ip: the ip -j listing it repeats
// in every namespace, and what must be read for it.
type ipListing struct {
	name    string
	aliases []string
	list    model.IPList
	parts   nsops.Parts
	ip      string // the ip command whose array it is
}

var ipListings = []ipListing{
	{"addr", []string{"address", "a"}, model.IPAddr, nsops.PartAddrs, "ip -j addr"},
	{"link", []string{"l"}, model.IPLink, nsops.PartLinks, "ip -j link"},
	{"route", []string{"r", "ro"}, model.IPRoute, nsops.PartRoutes, "ip -j route show table all"},
	{"rule", []string{"ru"}, model.IPRule, nsops.PartRules, "ip -j rule"},
	{"neigh", []string{"neighbour", "neighbor", "n"}, model.IPNeigh, nsops.PartNeighbours, "ip -j neigh"},
}

func newIPCmd(a *app) *cobra.Command {
	var v4, v6, stats bool
	cmd := &cobra.Command{
		Use:   "ip [-4|-6] [-s] addr|link|route|rule|neigh [NS...]",
		Short: "What ip -j prints, across namespaces, each object with its netns",
		Long: `Print one JSON array holding, for every namespace (or the NS given), exactly
the objects that "ip -n NS -j addr" (link, "route show table all", rule, neigh)
prints there, each with one key added first: "netns", the namespace's name as
lazyns list shows it. A jq filter written for ip's output works unchanged
across the whole host; select(.netns == "…") narrows it to one namespace.

Namespaces are read a few at a time and written as they are read, in the
order lazyns list shows them, so the output starts at once and memory stays
small however many namespaces there are.

As with ip, -4 and -6 keep one family (link lists every link either way);
rule lists IPv4 rules unless given -6, and route lists every table of both
families. With -s, addr and link carry each link's counters ("stats64"), as
ip -s -j addr and ip -s -j link print them (-s -6 addr is refused: there ip
prints the IPv6 protocol's counters instead of the link's). A namespace that
cannot be read is named on stderr, and the exit status is 1; one that
vanishes while the list is read is left out.`,
		Example: `  lazyns ip addr | jq -r '.[] | select(.addr_info[]?.local == "10.0.0.5") | "\(.netns) \(.ifname)"'
  lazyns ip route qrouter-e945b6b1 | jq '.[] | select(.dst == "default")'
  lazyns ip -6 rule | jq -r '.[] | "\(.netns) \(.priority) \(.table)"'
  lazyns ip link | jq -r '.[] | select(.operstate == "DOWN") | "\(.netns) \(.ifname)"'
  lazyns ip -s link | jq -r '.[] | select(.stats64.rx.dropped > 0) | "\(.netns) \(.ifname)"'`,
		RunE: func(*cobra.Command, []string) error {
			return usageError{errors.New("ip: which listing? addr, link, route, rule or neigh (see: lazyns ip --help)")}
		},
	}
	f := cmd.PersistentFlags()
	f.BoolVarP(&v4, "ipv4", "4", false, "IPv4 only, as ip -4")
	f.BoolVarP(&v6, "ipv6", "6", false, "IPv6 only, as ip -6 (rule: the IPv6 rules)")
	f.BoolVarP(&stats, "stats", "s", false, "addr and link: each link's counters, as ip -s")
	for _, l := range ipListings {
		cmd.AddCommand(&cobra.Command{
			Use:               l.name + " [NS...]",
			Aliases:           l.aliases,
			Short:             "The array " + l.ip + " prints, from every namespace (or each NS)",
			Long:              "Print the array " + l.ip + " prints in every namespace (or in each NS\ngiven), as one array, each object with \"netns\" added. See: lazyns ip --help.",
			Example:           "  lazyns ip " + l.name + "\n  lazyns ip " + l.name + " host blue | jq '.[] | .netns'",
			ValidArgsFunction: a.completeNamespaces,
			RunE: func(cmd *cobra.Command, args []string) error {
				if v4 && v6 {
					return usageError{errors.New("ip: -4 and -6 exclude each other (neither lists both families)")}
				}
				family := 0
				if v4 {
					family = model.AF_INET
				} else if v6 {
					family = model.AF_INET6
				}
				if stats {
					if err := statsAllowed(l, family); err != nil {
						return usageError{err}
					}
					l.parts |= nsops.PartStats
				}
				return a.ipList(cmd, args, l, family, stats)
			},
		})
	}
	return cmd
}

// statsAllowed refuses -s where lazyns ip would not print what ip -s -j
// prints: route, rule and neigh (ip -s adds other fields there), and
// addresses of IPv6 alone, for which ip reads the links through their
// IPv6 messages and prints the IPv6 protocol's counters.
func statsAllowed(l ipListing, family int) error {
	switch {
	case l.list != model.IPAddr && l.list != model.IPLink:
		return fmt.Errorf("ip: -s is for addr and link (the counters of each link), not %s", l.name)
	case l.list == model.IPAddr && family == model.AF_INET6:
		return errors.New("ip: -s -6 addr is not supported: ip prints the IPv6 protocol's counters there, not the link's; use lazyns ip -s link")
	}
	return nil
}

// ipList writes listing l of the namespaces args name (all when none),
// with each link's counters when stats is set.
func (a *app) ipList(cmd *cobra.Command, args []string, l ipListing, family int, stats bool) error {
	sys, snap, located, err := a.discoverNamed(args)
	if err != nil {
		return err
	}
	var nss []*model.Namespace
	if len(args) > 0 {
		seen := map[model.NsKey]bool{}
		for _, ns := range located {
			if !seen[ns.Key] {
				seen[ns.Key] = true
				nss = append(nss, ns)
			}
		}
	} else {
		// A stale name holds nothing to list.
		for i := range snap.Namespaces {
			if !snap.Namespaces[i].Stale {
				nss = append(nss, &snap.Namespaces[i])
			}
		}
	}
	out := model.NewIPArray(a.stdout, l.list, family, sys.Names)
	out.Stats = stats
	var denied []*model.Namespace
	failed := false
	err = sys.ReadEach(cmdContext(cmd), nss, l.parts, func(ns *model.Namespace, err error) error {
		switch {
		case err == nil:
		case errors.Is(err, nsops.ErrNoNamespace):
			// Gone since it was found: with no NS named, there is simply
			// nothing of it to list.
			if len(args) > 0 {
				fmt.Fprintf(a.stderr, "lazyns: %v\n", err)
				failed = true
			}
			return nil
		case errors.Is(err, model.ErrPermission) && nsops.Privileges() != "":
			denied = append(denied, ns) // said once, below
			return nil
		default:
			fmt.Fprintf(a.stderr, "lazyns: %s: %v\n", model.Visible(ns.DisplayName()), err)
			failed = true
			if len(ns.Links)+len(ns.Routes)+len(ns.Rules)+len(ns.Neighbours) == 0 {
				return nil
			}
		}
		return out.Add(ns)
	})
	if err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := a.warnPrivileges(denied); err != nil {
		return err
	}
	if failed {
		return errPartial
	}
	return nil
}
