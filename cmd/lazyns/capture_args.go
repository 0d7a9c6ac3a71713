package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gopacket/gopacket/layers"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/pcapfilter"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

// capturePoint is an interface to capture on and the link type its
// packets will have.
type capturePoint struct {
	model.CapturePoint
	link layers.LinkType
}

// splitIface splits IFACE@NS at its last @ (interface names may hold an
// @; namespace names seldom do); a bare IFACE is in def.
func splitIface(arg, def string) (iface, ns string, err error) {
	i := strings.LastIndexByte(arg, '@')
	if i < 0 {
		return arg, def, nil
	}
	if i == 0 || i == len(arg)-1 {
		return "", "", fmt.Errorf("capture: %q: write IFACE@NS, both named", model.Visible(arg))
	}
	return arg[:i], arg[i+1:], nil
}

// capturePoints resolves NS and the interfaces into capture points. An
// unknown namespace or interface is a usage error, found by reading the
// namespaces' links before anything is opened.
func (a *app) capturePoints(cmd *cobra.Command, args []string) (*nsops.System, *model.Snapshot, []capturePoint, error) {
	type want struct{ iface, ns string }
	var wants []want
	var nsArgs []string
	for _, arg := range args[1:] {
		iface, ns, err := splitIface(arg, args[0])
		if err != nil {
			return nil, nil, nil, usageError{err}
		}
		wants = append(wants, want{iface, ns})
		if !slices.Contains(nsArgs, ns) {
			nsArgs = append(nsArgs, ns)
		}
	}
	sys, snap, located, err := a.discoverNamed(nsArgs)
	if err != nil {
		return nil, nil, nil, err
	}
	byArg := map[string]*model.Namespace{}
	var nss []*model.Namespace
	for i, ns := range located {
		byArg[nsArgs[i]] = ns
		if !slices.Contains(nss, ns) {
			nss = append(nss, ns)
		}
	}
	links := map[model.NsKey][]model.Link{}
	err = sys.ReadEach(cmdContext(cmd), nss, nsops.PartLinks, func(ns *model.Namespace, err error) error {
		if err != nil {
			if errors.Is(err, nsops.ErrNoNamespace) {
				return usageError{err}
			}
			return fmt.Errorf("%s: %w", model.Visible(ns.DisplayName()), err)
		}
		links[ns.Key] = slices.Clone(ns.Links)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	var points []capturePoint
	for _, w := range wants {
		ns := byArg[w.ns]
		i := slices.IndexFunc(links[ns.Key], func(l model.Link) bool { return l.Name == w.iface })
		if i < 0 {
			return nil, nil, nil, usageError{fmt.Errorf("capture: no interface %q in %s (it has: %s)",
				model.Visible(w.iface), model.Visible(ns.DisplayName()), linkNames(links[ns.Key]))}
		}
		l := &links[ns.Key][i]
		p := capturePoint{CapturePoint: model.PointOf(ns, l), link: layers.LinkTypeRaw}
		if lt, ok := pcapfilter.LinkTypeOf(l.HWType); ok {
			p.link = lt
		}
		if !slices.ContainsFunc(points, func(q capturePoint) bool { return q.Ns == p.Ns && q.Name == p.Name }) {
			points = append(points, p)
		}
	}
	return sys, snap, points, nil
}

func linkNames(links []model.Link) string {
	names := make([]string, len(links))
	for i := range links {
		names[i] = model.Visible(links[i].Name)
	}
	return strings.Join(names, ", ")
}

func modelPoints(points []capturePoint) []model.CapturePoint {
	out := make([]model.CapturePoint, len(points))
	for i, p := range points {
		out[i] = p.CapturePoint
	}
	return out
}

// completeCapture completes NS first, then the interfaces of NS, or,
// after an @, the namespaces again (IFACE@NS).
func (a *app) completeCapture(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return a.namespaceNames(cmd, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	if i := strings.LastIndexByte(toComplete, '@'); i >= 0 {
		var out []string
		for _, ns := range a.namespaceNames(cmd, toComplete[i+1:]) {
			out = append(out, toComplete[:i+1]+ns)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	return a.interfaceNames(cmd, args[0], toComplete), cobra.ShellCompDirectiveNoFileComp
}

// interfaceNames are the names of the links in the namespace nsArg names
// that start with prefix; none when it cannot be read.
func (a *app) interfaceNames(cmd *cobra.Command, nsArg, prefix string) []string {
	sys, _, located, err := a.discoverNamed([]string{nsArg})
	if err != nil {
		return nil
	}
	var names []string
	_ = sys.ReadEach(cmdContext(cmd), located, nsops.PartLinks, func(ns *model.Namespace, err error) error {
		for _, l := range ns.Links {
			// One candidate a line: a name with a control byte cannot be
			// offered intact.
			if strings.HasPrefix(l.Name, prefix) && !strings.ContainsFunc(l.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				names = append(names, l.Name)
			}
		}
		return nil
	})
	return names
}
