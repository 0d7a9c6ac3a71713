package main

import (
	"fmt"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

func newShowCmd(a *app) *cobra.Command {
	var asJSON, netfilter bool
	cmd := &cobra.Command{
		Use:   "show [NS...] [--json]",
		Short: "Everything in the given namespaces (all when none is given)",
		Long: `Show the links, addresses, routes (every table), policy rules and neighbours of
each namespace, and for every veth the namespace and interface of its other end.
For the namespaces named, also their settings (ip_forward, rp_filter, … per
link), connection tracking entries and firewall (nftables rules, iptables-nft
tables in iptables syntax, iptables-legacy tables through iptables-legacy-save
run inside); for every namespace only with --netfilter, since reading them
costs a few milliseconds per namespace.

With --json, prints an array with one object per namespace. Inside "links",
"routes", "rules" and "neighbours" the objects use the field names and value
forms of ip -j (addresses in each link's "addr_info"), so a jq filter written for
iproute2 works on each namespace's lists (.[].links[]); each veth also has
"peer": {"netns", "ifname", "ifindex"}, and each rule its "family". Namespaces
read with their firewall also have "sysctls", "conntrack" and "firewall". For
ip -j's own arrays across every namespace, see lazyns ip.`,
		Example: `  lazyns show blue
  lazyns show host pid:1234 --json
  lazyns show --json | jq '.[] | {name, peers: [.links[].peer | select(.)]}'
  lazyns show qrouter-e945 --json | jq '.[0].firewall.tables[].chains[].rules[] | select(.nat)'
  lazyns show --json --netfilter | jq '.[] | {name, fwd: .sysctls["net.ipv4.ip_forward"]}'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			sys, snap, located, err := a.discoverNamed(args)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				// Every namespace: each written as soon as it is read. The
				// firewall, connections and settings cost a thread switch,
				// netlink dumps and, where iptables is in use, a process or
				// two per namespace: read for all only when asked.
				if err := a.streamAll(cmdContext(cmd), sys, snap, asJSON, netfilter, true); err != nil {
					return err
				}
				return a.warnPrivileges(pointers(snap))
			}
			want := map[model.NsKey]bool{}
			for _, ns := range located {
				want[ns.Key] = true
			}
			opt := nsops.ReadOptions{Stats: true, Full: func(ns *model.Namespace) bool { return want[ns.Key] }}
			if err := sys.Read(cmdContext(cmd), snap, opt); err != nil {
				return err
			}
			// Reading may drop namespaces that vanished: look them up again.
			var nss []*model.Namespace
			for _, s := range args {
				arg, _ := model.ParseNsArg(s)
				ns, err := sys.Locate(snap, arg)
				if err != nil {
					return usageError{err}
				}
				nss = append(nss, ns)
			}
			// For the namespaces named, their firewall too unless told not.
			if netfilter || !cmd.Flags().Changed("netfilter") {
				sys.ReadNetfilterAll(cmdContext(cmd), nss, nsops.AllNetfilter)
			}
			if asJSON {
				if err := a.writeJSON(sys, nss); err != nil {
					return err
				}
				return a.warnPrivileges(nss)
			}
			paint := a.paint(a.stdout)
			for i, ns := range nss {
				if i > 0 {
					fmt.Fprintln(a.stdout)
				}
				model.WriteShow(a.stdout, ns, sys.Names, paint)
			}
			return a.warnPrivileges(nss)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON in ip -j form (see docs/json.md)")
	cmd.Flags().BoolVar(&netfilter, "netfilter", false,
		"also read the firewall, connections and settings (default: on when namespaces are named, off for all)")
	return cmd
}

// discoverNamed finds every namespace, without reading them, and those
// the NS arguments name; an argument naming none is a usage error.
func (a *app) discoverNamed(args []string) (*nsops.System, *model.Snapshot, []*model.Namespace, error) {
	sys, err := a.system()
	if err != nil {
		return nil, nil, nil, err
	}
	snap, err := sys.Discover()
	if err != nil {
		return nil, nil, nil, err
	}
	located, err := a.locate(sys, snap, args)
	if err != nil {
		return nil, nil, nil, err
	}
	a.warnDiscovery(snap)
	return sys, snap, located, nil
}
