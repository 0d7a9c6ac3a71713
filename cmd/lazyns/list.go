package main

import (
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

func newListCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "One line per network namespace",
		Long: `List every network namespace on the host: named, the host's own, and unnamed
ones held by a process, an open file or a bind mount. Marks stale names (the
namespace is gone, the name stayed), empty namespaces (no process, nothing but
lo) and the container holding an unnamed one.`,
		Example: `  lazyns list
  lazyns list --json | jq -r '.[] | select(.empty) | .name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON {
				// The same array as show --json (PRODUCT.md), so a jq filter
				// works on either.
				sys, snap, _, err := a.discoverNamed(nil)
				if err != nil {
					return err
				}
				if err := a.streamAll(cmdContext(cmd), sys, snap, true, false, false); err != nil {
					return err
				}
				return a.warnPrivileges(pointers(snap))
			}
			// Links are all the text list shows (their number, and whether
			// any is more than lo), so nothing else is read, and no veth's
			// peer is looked for.
			_, snap, err := a.snapshot(nsops.ReadOptions{Full: func(*model.Namespace) bool { return false }, NoPeers: true})
			if err != nil {
				return err
			}
			nss := pointers(snap)
			model.WriteList(a.stdout, nss, a.paint(a.stdout))
			return a.warnPrivileges(nss)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/json.md)")
	return cmd
}

func pointers(snap *model.Snapshot) []*model.Namespace {
	out := make([]*model.Namespace, len(snap.Namespaces))
	for i := range snap.Namespaces {
		out[i] = &snap.Namespaces[i]
	}
	return out
}
