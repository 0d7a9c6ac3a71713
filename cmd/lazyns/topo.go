package main

import (
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

func newTopoCmd(a *app) *cobra.Command {
	var dot bool
	cmd := &cobra.Command{
		Use:   "topo [--dot]",
		Short: "The wiring across namespaces, as a tree or Graphviz",
		Long: `Show how the namespaces are wired together: every bridge (in any namespace)
with its ports and, for each port that is a veth, the namespace and interface at
its other end with their addresses; then the veth pairs that join namespaces
directly; then how many namespaces are wired to nothing (a count and a few
names, not a line each, so the tree stays readable with hundreds of them).
Link-local addresses are left out.

With --dot, prints a Graphviz graph instead: a cluster per namespace, a solid
edge per veth pair, a dashed edge from each port to its bridge.`,
		Example: `  lazyns topo
  lazyns topo --dot | dot -Tsvg > wiring.svg`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sys, err := a.system()
			if err != nil {
				return err
			}
			snap, err := sys.Snapshot(cmdContext(cmd), nsops.ReadOptions{})
			if err != nil {
				return err
			}
			topo := model.BuildTopology(snap)
			if dot {
				err = topo.WriteDot(a.stdout)
			} else {
				err = topo.WriteText(a.stdout, a.paint(a.stdout))
			}
			if err != nil {
				return err
			}
			return a.warnPrivileges(pointers(snap))
		},
	}
	cmd.Flags().BoolVar(&dot, "dot", false, "print a Graphviz graph (render with: dot -Tsvg)")
	return cmd
}
