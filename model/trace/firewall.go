package trace

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// FwHit is a firewall rule, or a chain's policy, that decided what
// happened to the packet in a namespace — or may have, when Unsure says
// what in it trace cannot evaluate.
type FwHit struct {
	// Netns is the display name of the namespace whose firewall it is.
	Netns string
	// Bridge is the bridge whose forwarding handed the packet to this
	// firewall (br_netfilter); "" for a packet the namespace routes.
	Bridge string
	// Hook is where the packet met the chain: prerouting, input, forward,
	// output or postrouting.
	Hook   string
	Family string
	Table  string
	// Chain holds the rule: the base chain, or a chain reached by jump.
	Chain  string
	Source model.FwSource
	// Rule is the rule as its tool lists it (iptables-save's "-A …" or
	// nft's line); "" when Policy. Names and comments in it are anyone's:
	// pass it through model.Visible before a terminal.
	Rule   string
	Policy bool
	Handle uint64
	// Counters are the rule's (or, for a policy, the chain's) counters as
	// read; nil where none are kept.
	Counters *model.FwCounters
	// Action is what it does: accept, drop, reject, queue, or the NAT
	// kinds dnat, snat, masquerade, redirect.
	Action string
	// NAT says what a translation rewrote: "dst 172.24.4.10 → 10.0.0.5".
	NAT string
	// Unsure names what trace cannot evaluate in the rule: while it is not
	// empty, the rule may or may not apply.
	Unsure []string
	// Command lists the chain, with counters, by hand.
	Command string
}

// Sure reports whether trace knows the hit applies.
func (h *FwHit) Sure() bool { return len(h.Unsure) == 0 }

// Drops reports whether the hit's action ends the packet (or, for queue,
// hands its fate to a program trace cannot see).
func (h *FwHit) Drops() bool {
	return h.Action == string(model.FwDrop) || h.Action == string(model.FwReject) || h.Action == string(model.FwQueue)
}

// Where names the chain as an operator finds it: "ip filter FORWARD".
func (h *FwHit) Where() string { return h.Family + " " + h.Table + " " + h.Chain }

// What is the hit in words, for reasons and the drawn trace: the rule's
// text (or "policy drop"), with its counters.
func (h *FwHit) What() string {
	s := "policy " + h.Action
	if !h.Policy {
		s = "rule " + strings.TrimSpace(h.Rule)
	}
	// nft's text of a rule with a counter carries the counts already.
	if c := h.Counters; c != nil && !strings.Contains(h.Rule, "counter packets ") {
		s += fmt.Sprintf(" (%s, %d bytes so far)", plural(c.Packets, "packet"), c.Bytes)
	}
	return s
}

// hookChain is a base chain on a hook, with its table.
type hookChain struct {
	table *model.FwTable
	chain *model.FwChain
}

// tableFits reports whether a table of that family sees packets of
// address family fam: ip sees IPv4, ip6 IPv6, inet both.
func tableFits(family string, fam int) bool {
	switch family {
	case "inet":
		return true
	case "ip":
		return fam == model.AF_INET
	case "ip6":
		return fam == model.AF_INET6
	}
	return false
}

// chainsOn are the base chains of fw on hook for packets of family fam,
// in the order the kernel runs them: by priority. iptables-legacy's
// chains sit at the same priorities as iptables-nft's.
func chainsOn(fw *model.Firewall, hook string, fam int) []hookChain {
	var out []hookChain
	for i := range fw.Tables {
		t := &fw.Tables[i]
		if !tableFits(t.Family, fam) {
			continue
		}
		for j := range t.Chains {
			if c := &t.Chains[j]; c.Hook == hook {
				out = append(out, hookChain{t, c})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].chain.Priority < out[j].chain.Priority })
	return out
}

// maxJumps bounds how deep jumps nest; the kernel refuses rulesets deeper
// than 16, so only a ruleset read wrongly gets there.
const maxJumps = 32

// hookRun is one packet through the chains of one hook in one namespace.
type hookRun struct {
	hook string
	pkt  *model.FwPacket
	// nat says whether nat chains see the packet: only a connection's
	// first packet meets them.
	nat bool
	// command lists a chain by hand.
	command func(t *model.FwTable, c *model.FwChain) string
	// hits are what the run saw, in order; translated is the sure NAT
	// rule that applied, if any (its hit is the last sure NAT hit).
	hits       []FwHit
	translated *model.FwNAT
	// markUnsure: a rule trace cannot evaluate matched, and may have set
	// the packet's mark.
	markUnsure bool
}

// run evaluates every base chain on the hook, in order, until one drops
// the packet. It returns the hit that dropped it for sure, or nil.
func (r *hookRun) run(chains []hookChain) *FwHit {
	for _, hc := range chains {
		if hc.chain.Type == "nat" && (!r.nat || r.translated != nil) {
			// The kernel consults nat chains until one translates the
			// connection, and never for its later packets.
			continue
		}
		start := len(r.hits)
		kind, decided := r.chain(hc.table, hc.chain, true, 0)
		if !decided {
			kind = model.FwVerdictKind(hc.chain.Policy)
			if kind == model.FwDrop {
				r.hits = append(r.hits, r.hit(hc.table, hc.chain, nil, string(model.FwDrop), nil))
			}
		}
		if kind == model.FwDrop || kind == model.FwReject {
			return &r.hits[len(r.hits)-1]
		}
		// A rule that may accept matters only where the packet is then
		// dropped: in a chain that passes it, it is noise.
		r.dropUnsureAccepts(start)
	}
	return nil
}

// dropUnsureAccepts forgets the unsure accepts recorded since start.
func (r *hookRun) dropUnsureAccepts(start int) {
	kept := r.hits[:start]
	for _, h := range r.hits[start:] {
		if h.Sure() || h.Action != string(model.FwAccept) {
			kept = append(kept, h)
		}
	}
	r.hits = kept
}

// chain evaluates c's rules; decided is false when the packet reaches the
// chain's end (or a return). sure is false inside a chain the packet may
// not reach, or whose earlier rules may have taken it: what is found
// there is recorded as unsure and decides nothing.
func (r *hookRun) chain(t *model.FwTable, c *model.FwChain, sure bool, depth int) (model.FwVerdictKind, bool) {
	if depth > maxJumps {
		return "", false
	}
	for i := range c.Rules {
		rule := &c.Rules[i]
		ev := rule.Eval(r.pkt)
		if ev == model.FwEvalNo {
			continue
		}
		ruleSure := sure && ev == model.FwEvalYes
		var why []string
		if !ruleSure {
			why = r.unsureWhy(rule, sure)
		}
		if len(rule.Unsure) > 0 && rule.Verdict.Kind == model.FwContinue {
			r.markUnsure = true
			r.pkt.Unknown = appendKind(r.pkt.Unknown, model.FwMark)
		}
		if rule.NAT != nil {
			// The kernel takes NAT statements only in nat chains, so
			// the packet meets this one only where it may be translated.
			r.hits = append(r.hits, r.hit(t, c, rule, rule.NAT.Kind, why))
			if ruleSure {
				r.translated = rule.NAT
				return model.FwAccept, true
			}
			continue
		}
		switch k := rule.Verdict.Kind; k {
		case model.FwAccept, model.FwDrop, model.FwReject:
			r.hits = append(r.hits, r.hit(t, c, rule, string(k), why))
			if ruleSure {
				return k, true
			}
		case model.FwQueue:
			// A program in user space decides: trace cannot know what.
			r.hits = append(r.hits, r.hit(t, c, rule, string(k), append(why, "a program in user space decides (queue)")))
		case model.FwReturn:
			if ruleSure {
				return "", false
			}
			sure = false // the rest of the chain may not be reached
		case model.FwJump, model.FwGoto:
			target := chainNamed(t, rule.Verdict.Chain)
			if target == nil {
				continue
			}
			kind, decided := r.chain(t, target, ruleSure, depth+1)
			if ruleSure && decided {
				return kind, true
			}
			if k == model.FwGoto {
				if ruleSure {
					return "", false // the end of a goto's chain ends this one too
				}
				sure = false
			}
		}
	}
	return "", false
}

func chainNamed(t *model.FwTable, name string) *model.FwChain {
	for i := range t.Chains {
		if t.Chains[i].Name == name {
			return &t.Chains[i]
		}
	}
	return nil
}

// unsureWhy says why a rule may or may not apply to the packet.
func (r *hookRun) unsureWhy(rule *model.FwRule, reached bool) []string {
	why := append([]string(nil), rule.Unsure...)
	for _, m := range rule.Matches {
		for _, u := range r.pkt.Unknown {
			if m.Kind != u {
				continue
			}
			switch u {
			case model.FwSport:
				why = append(why, "the source port (the kernel picks it)")
			case model.FwDport:
				why = append(why, "the destination port (the kernel picked it)")
			case model.FwMark:
				why = append(why, "the mark (a rule before it may have set it)")
			default:
				why = append(why, string(u))
			}
		}
	}
	if !reached {
		why = append(why, "whether the packet reaches it (a rule before it may take it elsewhere)")
	}
	if len(why) == 0 {
		why = append(why, "the rule")
	}
	return why
}

func appendKind(kinds []model.FwMatchKind, k model.FwMatchKind) []model.FwMatchKind {
	for _, x := range kinds {
		if x == k {
			return kinds
		}
	}
	return append(kinds, k)
}

// hit records rule (nil: the chain's policy) of c as having acted.
func (r *hookRun) hit(t *model.FwTable, c *model.FwChain, rule *model.FwRule, action string, unsure []string) FwHit {
	h := FwHit{Hook: r.hook, Family: t.Family, Table: t.Name, Chain: c.Name, Source: t.Source, Action: action, Unsure: unsure}
	if r.command != nil {
		h.Command = r.command(t, c)
	}
	if rule == nil {
		h.Policy, h.Counters = true, c.PolicyCounters
		return h
	}
	h.Rule, h.Handle, h.Counters = rule.Text, rule.Handle, rule.Counters
	return h
}

// firewallNotes say what of a namespace's firewall the trace does not
// follow: the notes of its reading that say rules could not be read, and
// tables of families that see frames rather than IP packets.
func firewallNotes(name string, fw *model.Firewall) []string {
	var out []string
	for _, u := range fw.Unread {
		out = append(out, fmt.Sprintf("%s has firewall rules trace could not read (%s): the packet may be dropped there", name, model.Visible(u)))
	}
	var others []string
	for i := range fw.Tables {
		t := &fw.Tables[i]
		if tableFits(t.Family, model.AF_INET) || tableFits(t.Family, model.AF_INET6) {
			continue
		}
		for j := range t.Chains {
			if t.Chains[j].Base() {
				others = append(others, t.Family+" "+t.Name)
				break
			}
		}
	}
	if len(others) > 0 {
		out = append(out, fmt.Sprintf("%s has tables trace does not follow (%s): they see frames on their devices, not the routed packet", name, model.Visible(strings.Join(others, ", "))))
	}
	return out
}

// MayDrop are the rules on the way that may drop (or reject, or queue)
// the packet, which trace cannot evaluate: the verdict says what happens
// when they do not.
func (t *Trace) MayDrop() []FwHit {
	var out []FwHit
	for _, h := range t.Unsure {
		if h.Drops() {
			out = append(out, h)
		}
	}
	return out
}

// mayDropJoin joins a verdict's reason and the rules that may drop the
// packet.
const mayDropJoin = "; but "

// mayDropReason is the words a verdict gets for the rules that may drop
// the packet: "it may be dropped by ip filter FORWARD rule … in gw
// (trace cannot evaluate xt match statistic)".
func (t *Trace) mayDropReason() string {
	var parts []string
	for _, h := range t.MayDrop() {
		parts = append(parts, fmt.Sprintf("%s %s in %s (trace cannot evaluate %s)", model.Visible(h.Where()), model.Visible(h.What()),
			model.Visible(h.Netns), model.Visible(strings.Join(h.Unsure, ", "))))
	}
	if len(parts) == 0 {
		return ""
	}
	return "it may be dropped on the way, by " + strings.Join(parts, "; and by ")
}

func plural(n uint64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
