package model

// MergeIptablesView joins the two readings of a table iptables-nft made:
// nft, read from the kernel as nftables holds it, and saved, the same
// table as iptables-nft-save -c printed it. Each rule appears once, in
// the iptables syntax its owner wrote it in (Text), with nft's rendering
// beside it (NftText), its nftables handle, and the counters of the
// kernel read — the same counters iptables -vnL -x and nft list ruleset
// show, since iptables-nft keeps its counters in nftables counter
// expressions. Matches come from whichever reading understood the rule
// completely, the iptables one first.
//
// The rules are paired by position in each chain. ok is false when the
// two readings do not describe the same rules (a chain or a rule added or
// removed between them, or a verdict that differs): the caller keeps the
// nft reading then.
func MergeIptablesView(nft, saved *FwTable) (FwTable, bool) {
	if nft.Family != saved.Family || nft.Name != saved.Name {
		return FwTable{}, false
	}
	byName := make(map[string]*FwChain, len(nft.Chains))
	for i := range nft.Chains {
		byName[nft.Chains[i].Name] = &nft.Chains[i]
	}
	savedNames := make(map[string]bool, len(saved.Chains))
	for i := range saved.Chains {
		savedNames[saved.Chains[i].Name] = true
	}
	for name := range byName {
		if !savedNames[name] {
			return FwTable{}, false
		}
	}
	out := FwTable{Family: nft.Family, Name: nft.Name, Source: FwIptablesNft, TextFrom: saved.TextFrom,
		Chains: make([]FwChain, 0, len(saved.Chains))}
	// iptables-save's order: built-in chains first, as an operator knows it.
	for i := range saved.Chains {
		s := &saved.Chains[i]
		n, ok := byName[s.Name]
		if !ok && len(s.Rules) == 0 {
			// iptables-nft-save lists every built-in chain of a table,
			// also those iptables never made in nftables: no hook holds
			// them, so no packet meets them.
			continue
		}
		if !ok || len(n.Rules) != len(s.Rules) {
			return FwTable{}, false
		}
		c := *n
		c.PolicyCounters = s.PolicyCounters
		c.Rules = make([]FwRule, len(s.Rules))
		for j := range s.Rules {
			r, ok := mergeRule(&n.Rules[j], &s.Rules[j])
			if !ok {
				return FwTable{}, false
			}
			c.Rules[j] = r
		}
		out.Chains = append(out.Chains, c)
	}
	return out, true
}

func mergeRule(nft, saved *FwRule) (FwRule, bool) {
	// A rule one reading does not fully understand may differ in what
	// that reading made of its verdict; a jump's chain never does.
	sure := len(nft.Unsure) == 0 && len(saved.Unsure) == 0
	if nft.Verdict.Chain != saved.Verdict.Chain ||
		(sure && (nft.Verdict.Kind != saved.Verdict.Kind || (nft.NAT == nil) != (saved.NAT == nil))) {
		return FwRule{}, false
	}
	r := *saved
	r.Handle = nft.Handle
	r.NftText = nft.Text
	if nft.Counters != nil {
		r.Counters = nft.Counters
	}
	if len(saved.Unsure) > 0 && len(nft.Unsure) == 0 {
		r.Matches, r.Unsure = nft.Matches, nil
		if r.NAT == nil || nft.NAT != nil {
			r.NAT = nft.NAT
		}
		r.Verdict = nft.Verdict
	}
	if r.Comment == "" {
		r.Comment = nft.Comment
	}
	return r, true
}
