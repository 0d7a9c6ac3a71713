package model

// netfilter writes the "sysctls", "conntrack" and "firewall" keys of a
// namespace's show --json object, for a namespace whose Netfilter was
// read; each key is left out when its part was not read.
func (w *jsonWriter) netfilter(ns *Namespace) {
	nf := ns.Netfilter
	if nf == nil {
		return
	}
	if nf.Sysctls != nil {
		w.beginObject("sysctls")
		for _, k := range nf.Sysctls.Keys() {
			w.str(k, nf.Sysctls[k])
		}
		w.endObject()
	}
	if nf.Conntrack != nil {
		w.beginArray("conntrack")
		for i := range nf.Conntrack.Entries {
			w.connEntry(&nf.Conntrack.Entries[i])
		}
		w.endArray()
	}
	if nf.Firewall != nil {
		w.firewall(nf.Firewall)
	}
	if len(nf.Errs) > 0 {
		w.strs("netfilter_errors", nf.Errs)
	}
}

// connEntry writes one entry with the names conntrack -L gives its
// fields (src, dst, sport, dport, type, code, id, packets, bytes, mark,
// zone, use), grouped by direction as conntrack -o xml groups them.
func (w *jsonWriter) connEntry(e *ConnEntry) {
	w.beginObject("")
	w.str("family", NfprotoName(e.Family))
	w.str("protocol", ConnProtoName(e.Proto))
	w.int("protonum", int64(e.Proto))
	if e.State != "" {
		w.str("state", e.State)
	}
	w.uint("timeout", uint64(e.Timeout))
	w.connTuple("original", &e.Orig, e.Counters)
	w.connTuple("reply", &e.Reply, e.Counters)
	w.bool("assured", e.Assured)
	w.bool("unreplied", e.Unreplied)
	w.bool("snat", e.SNAT())
	w.bool("dnat", e.DNAT())
	w.uint("mark", uint64(e.Mark))
	if e.Zone != 0 {
		w.int("zone", int64(e.Zone))
	}
	w.uint("use", uint64(e.Use))
	w.uint("id", uint64(e.ID))
	w.endObject()
}

func (w *jsonWriter) connTuple(k string, t *ConnTuple, counters bool) {
	w.beginObject(k)
	w.str("src", t.Src.String())
	w.str("dst", t.Dst.String())
	if t.ICMP {
		w.int("type", int64(t.Type))
		w.int("code", int64(t.Code))
		w.int("id", int64(t.ID))
	} else if t.Sport != 0 || t.Dport != 0 {
		w.int("sport", int64(t.Sport))
		w.int("dport", int64(t.Dport))
	}
	if counters {
		w.uint("packets", t.Packets)
		w.uint("bytes", t.Bytes)
	}
	w.endObject()
}

func (w *jsonWriter) firewall(fw *Firewall) {
	w.beginObject("firewall")
	w.beginArray("tables")
	for i := range fw.Tables {
		t := &fw.Tables[i]
		w.beginObject("")
		w.str("family", t.Family)
		w.str("name", t.Name)
		w.str("source", string(t.Source))
		if t.TextFrom != "" {
			w.str("text_from", t.TextFrom)
		}
		w.beginArray("chains")
		for j := range t.Chains {
			w.fwChain(&t.Chains[j])
		}
		w.endArray()
		w.endObject()
	}
	w.endArray()
	if len(fw.Notes) > 0 {
		w.strs("notes", fw.Notes)
	}
	w.endObject()
}

func (w *jsonWriter) fwChain(c *FwChain) {
	w.beginObject("")
	w.str("name", c.Name)
	if c.Base() {
		w.str("type", c.Type)
		w.str("hook", c.Hook)
		w.int("prio", int64(c.Priority))
		w.str("policy", c.Policy)
	}
	if c.PolicyCounters != nil {
		w.beginObject("policy_counters")
		w.uint("packets", c.PolicyCounters.Packets)
		w.uint("bytes", c.PolicyCounters.Bytes)
		w.endObject()
	}
	w.beginArray("rules")
	for k := range c.Rules {
		w.fwRule(&c.Rules[k])
	}
	w.endArray()
	w.endObject()
}

func (w *jsonWriter) fwRule(r *FwRule) {
	w.beginObject("")
	if r.Handle != 0 {
		w.uint("handle", r.Handle)
	}
	w.str("text", r.Text)
	if r.NftText != "" {
		w.str("nft", r.NftText)
	}
	if r.Counters != nil {
		w.uint("packets", r.Counters.Packets)
		w.uint("bytes", r.Counters.Bytes)
	}
	if r.Comment != "" {
		w.str("comment", r.Comment)
	}
	if r.Verdict.Kind != FwContinue {
		w.str("verdict", string(r.Verdict.Kind))
	}
	if r.Verdict.Chain != "" {
		w.str("chain", r.Verdict.Chain)
	}
	if r.Verdict.With != "" {
		w.str("reject_with", r.Verdict.With)
	}
	if n := r.NAT; n != nil {
		w.beginObject("nat")
		w.str("type", n.Kind)
		if to := n.To(); to != "" {
			w.str("to", to)
		}
		if n.Addr.IsValid() {
			w.str("addr", n.Addr.String())
			if n.AddrLast.IsValid() && n.AddrLast != n.Addr {
				w.str("addr_last", n.AddrLast.String())
			}
		}
		if n.Port != 0 {
			w.int("port", int64(n.Port))
			if n.PortLast != n.Port {
				w.int("port_last", int64(n.PortLast))
			}
		}
		if len(n.Flags) > 0 {
			w.strs("flags", n.Flags)
		}
		w.str("maps", r.Maps())
		w.endObject()
	}
	if len(r.Unsure) > 0 {
		w.strs("unsure", r.Unsure)
	}
	w.endObject()
}
