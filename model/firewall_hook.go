package model

import "strconv"

// nft's names for the standard priorities (nftables src/rule.c), with the
// hooks each name is used on (nil: every hook).
var stdPriorities = []struct {
	name  string
	value int
	hooks []string
}{
	{"raw", -300, nil},
	{"mangle", -150, nil},
	{"dstnat", -100, []string{"prerouting"}},
	{"filter", 0, nil},
	{"security", 50, nil},
	{"srcnat", 100, []string{"postrouting"}},
}

// The bridge family names its priorities differently.
var bridgePriorities = []struct {
	name  string
	value int
	hooks []string
}{
	{"dstnat", -300, []string{"prerouting"}},
	{"filter", -200, nil},
	{"out", 100, []string{"output"}},
	{"srcnat", 300, []string{"postrouting"}},
}

// FwPriorityText writes a base chain's priority as nft list ruleset does:
// a standard name, the name with an offset of at most 10 ("filter + 10",
// "srcnat - 5"), or the number.
func FwPriorityText(family, hook string, prio int) string {
	table := stdPriorities
	switch family {
	case "bridge":
		table = bridgePriorities
	case "ip", "ip6", "inet", "netdev":
	default:
		return strconv.Itoa(prio)
	}
	for _, p := range table {
		if p.hooks != nil && !listHas(p.hooks, hook) {
			continue
		}
		switch off := prio - p.value; {
		case off == 0:
			return p.name
		case off > 0 && off <= 10:
			return p.name + " + " + strconv.Itoa(off)
		case off < 0 && off >= -10:
			return p.name + " - " + strconv.Itoa(-off)
		}
	}
	return strconv.Itoa(prio)
}

func listHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// xtablesChain describes a built-in chain of an iptables table: where it
// hooks in, at which priority (the kernel's NF_IP_PRI_*, the same for
// iptables-legacy and iptables-nft) and of which nft type.
type xtablesChain struct {
	hook string
	prio int
	typ  string
}

var xtablesTables = map[string]map[string]xtablesChain{
	"raw": {
		"PREROUTING": {"prerouting", -300, "filter"},
		"OUTPUT":     {"output", -300, "filter"},
	},
	"mangle": {
		"PREROUTING":  {"prerouting", -150, "filter"},
		"INPUT":       {"input", -150, "filter"},
		"FORWARD":     {"forward", -150, "filter"},
		"OUTPUT":      {"output", -150, "route"},
		"POSTROUTING": {"postrouting", -150, "filter"},
	},
	"nat": {
		"PREROUTING":  {"prerouting", -100, "nat"},
		"INPUT":       {"input", 100, "nat"},
		"OUTPUT":      {"output", -100, "nat"},
		"POSTROUTING": {"postrouting", 100, "nat"},
	},
	"filter": {
		"INPUT":   {"input", 0, "filter"},
		"FORWARD": {"forward", 0, "filter"},
		"OUTPUT":  {"output", 0, "filter"},
	},
	"security": {
		"INPUT":   {"input", 50, "filter"},
		"FORWARD": {"forward", 50, "filter"},
		"OUTPUT":  {"output", 50, "filter"},
	},
}

// XtablesBuiltin says where a built-in chain of an iptables table hooks in;
// ok is false for a user chain or an unknown table.
func XtablesBuiltin(table, chain string) (hook string, prio int, typ string, ok bool) {
	c, ok := xtablesTables[table][chain]
	return c.hook, c.prio, c.typ, ok
}

// LooksIptablesNft reports whether an nftables table is one iptables
// (nf_tables backend) made: an ip or ip6 table named as an iptables table,
// whose base chains are all its built-in chains, on their hooks (iptables
// -N alone makes the table with no base chain). nft's own "managed by
// iptables-nft" warning looks for iptables's compat expressions instead,
// and so misses tables whose rules needed none.
func LooksIptablesNft(t *FwTable) bool {
	if t.Family != "ip" && t.Family != "ip6" {
		return false
	}
	chains, ok := xtablesTables[t.Name]
	if !ok {
		return false
	}
	for i := range t.Chains {
		c := &t.Chains[i]
		if !c.Base() {
			continue
		}
		if want, ok := chains[c.Name]; !ok || want.hook != c.Hook {
			return false
		}
	}
	return len(t.Chains) > 0
}
