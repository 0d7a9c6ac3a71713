package model

// FwRuleRef names a rule across two readings of one namespace's firewall:
// by its nftables handle, which stays with the rule while others come and
// go, or, for iptables-legacy (no handles), by its position in the chain.
type FwRuleRef struct {
	Source FwSource
	Family string
	Table  string
	Chain  string
	Handle uint64
	Index  int
}

// RuleRef is the reference of rule i of chain c in table t.
func RuleRef(t *FwTable, c *FwChain, i int) FwRuleRef {
	ref := FwRuleRef{Source: t.Source, Family: t.Family, Table: t.Name, Chain: c.Name, Handle: c.Rules[i].Handle}
	if ref.Handle == 0 {
		ref.Index = i
	}
	return ref
}

// MovedRules lists the rules of cur whose packet counters grew since prev
// (a later reading of the same namespace): the rules traffic is hitting
// now. A rule new in cur has not moved.
func MovedRules(prev, cur *Firewall) map[FwRuleRef]bool {
	before := map[FwRuleRef]uint64{}
	if prev != nil {
		eachRule(prev, func(ref FwRuleRef, r *FwRule) {
			if r.Counters != nil {
				before[ref] = r.Counters.Packets
			}
		})
	}
	moved := map[FwRuleRef]bool{}
	eachRule(cur, func(ref FwRuleRef, r *FwRule) {
		if was, ok := before[ref]; ok && r.Counters != nil && r.Counters.Packets > was {
			moved[ref] = true
		}
	})
	return moved
}

func eachRule(fw *Firewall, fn func(FwRuleRef, *FwRule)) {
	for i := range fw.Tables {
		t := &fw.Tables[i]
		for j := range t.Chains {
			c := &t.Chains[j]
			for k := range c.Rules {
				fn(RuleRef(t, c, k), &c.Rules[k])
			}
		}
	}
}
