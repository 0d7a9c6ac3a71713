package nsops

import (
	"fmt"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/lazyns/lazyns/model"
	"github.com/mdlayher/netlink"
)

// nftFamilyName is nft's name for a table family.
func nftFamilyName(f nftables.TableFamily) string {
	switch f {
	case nftables.TableFamilyIPv4:
		return "ip"
	case nftables.TableFamilyIPv6:
		return "ip6"
	case nftables.TableFamilyINet:
		return "inet"
	case nftables.TableFamilyARP:
		return "arp"
	case nftables.TableFamilyBridge:
		return "bridge"
	case nftables.TableFamilyNetdev:
		return "netdev"
	}
	return fmt.Sprintf("family%d", f)
}

// hookName is nft's name for a hook number of a family.
func hookName(family string, h nftables.ChainHook) string {
	var names []string
	switch family {
	case "netdev":
		names = []string{"ingress", "egress"}
	case "arp":
		names = []string{"input", "output", "forward"}
	default:
		names = []string{"prerouting", "input", "forward", "output", "postrouting", "ingress"}
	}
	if int(h) < len(names) {
		return names[h]
	}
	return fmt.Sprintf("hook%d", h)
}

// nftSockets are the sockets a ruleset is read through, both opened inside
// the namespace: the library's for tables, chains and sets, and a plain
// netfilter one for the rules and the generation.
type nftSockets struct {
	lib *nftables.Conn
	nl  *netlink.Conn
}

// readRuleset reads every table, chain, rule and used set, and reads
// again while the ruleset changed underneath (its generation moved).
func readRuleset(s nftSockets, ifname func(uint32) (string, bool)) ([]model.FwTable, error) {
	for attempt := 0; attempt < dumpRetries; attempt++ {
		gen, err := nftGeneration(s.nl)
		if err != nil {
			return nil, fmt.Errorf("ruleset generation: %w", err)
		}
		tables, err := readRulesetOnce(s, ifname)
		if err != nil {
			return nil, err
		}
		after, err := nftGeneration(s.nl)
		if err != nil {
			return nil, fmt.Errorf("ruleset generation: %w", err)
		}
		if after == gen {
			return tables, nil
		}
	}
	return nil, errDumpInconsistent
}

type tableKey struct {
	family nftables.TableFamily
	name   string
}

func readRulesetOnce(s nftSockets, ifname func(uint32) (string, bool)) ([]model.FwTable, error) {
	tables, err := s.lib.ListTables()
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	chains, err := s.lib.ListChains()
	if err != nil {
		return nil, fmt.Errorf("chains: %w", err)
	}
	rules, err := dumpNftRules(s.nl)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	// The sets rules look up, per table: only those are read.
	used := map[tableKey]map[string]bool{}
	for i := range rules {
		for _, x := range rules[i].exprs {
			if l, ok := x.e.(*expr.Lookup); ok {
				k := tableKey{nftables.TableFamily(rules[i].family), rules[i].table}
				if used[k] == nil {
					used[k] = map[string]bool{}
				}
				used[k][l.SetName] = true
			}
		}
	}
	out := make([]model.FwTable, 0, len(tables))
	index := map[tableKey]int{}
	sets := map[tableKey]map[string]*nftSet{}
	for _, t := range tables {
		k := tableKey{t.Family, t.Name}
		index[k] = len(out)
		out = append(out, model.FwTable{Family: nftFamilyName(t.Family), Name: t.Name, Source: model.FwNftables})
		if len(used[k]) > 0 {
			sets[k] = readSets(s.lib, t, used[k])
		}
	}
	chainAt := map[tableKey]map[string]int{}
	for _, c := range chains {
		k := tableKey{c.Table.Family, c.Table.Name}
		ti, ok := index[k]
		if !ok {
			continue // made after the tables were listed: the generation check reads again
		}
		t := &out[ti]
		fc := model.FwChain{Name: c.Name, Type: string(c.Type)}
		if c.Hooknum != nil {
			fc.Hook = hookName(t.Family, *c.Hooknum)
			if c.Priority != nil {
				fc.Priority = int(*c.Priority)
			}
			fc.Policy = "accept"
			if c.Policy != nil && *c.Policy == nftables.ChainPolicyDrop {
				fc.Policy = "drop"
			}
		}
		if chainAt[k] == nil {
			chainAt[k] = map[string]int{}
		}
		chainAt[k][c.Name] = len(t.Chains)
		t.Chains = append(t.Chains, fc)
	}
	for i := range rules {
		m := &rules[i]
		k := tableKey{nftables.TableFamily(m.family), m.table}
		ti, ok := index[k]
		if !ok {
			continue
		}
		ci, ok := chainAt[k][m.chain]
		if !ok {
			continue
		}
		scope := &nftScope{family: out[ti].Family, sets: sets[k], ifname: ifname}
		c := &out[ti].Chains[ci]
		c.Rules = append(c.Rules, decodeNftRule(scope, m))
	}
	for i := range out {
		if model.LooksIptablesNft(&out[i]) {
			out[i].Source = model.FwIptablesNft
		}
	}
	return out, nil
}

// readSets reads the sets of table t named in want, with their elements.
// A set that cannot be read keeps its error, so that the rules using it
// say they are not understood rather than fail the whole read.
func readSets(lib *nftables.Conn, t *nftables.Table, want map[string]bool) map[string]*nftSet {
	out := map[string]*nftSet{}
	all, err := lib.GetSets(t)
	if err != nil {
		for name := range want {
			out[name] = &nftSet{name: name, err: err}
		}
		return out
	}
	for _, s := range all {
		if !want[s.Name] {
			continue
		}
		ns := &nftSet{name: s.Name, anonymous: s.Anonymous, interval: s.Interval}
		if s.IsMap || s.Concatenation {
			ns.err = fmt.Errorf("set %s is a map or a concatenation", s.Name)
		} else {
			ns.elems, ns.err = lib.GetSetElements(s)
		}
		out[s.Name] = ns
	}
	return out
}
