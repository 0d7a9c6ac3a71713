package model

import (
	"fmt"
	"strconv"
)

// A policy rule.

// RuleSpec is a policy rule in Ns: traffic from prefix From looks up
// Table, at priority Pref (0: the kernel picks one).
type RuleSpec struct {
	Ns, From    string
	Table, Pref uint32
}

func (s RuleSpec) args(verb string) []string {
	args := []string{"rule", verb, "from", s.From, "table", strconv.FormatUint(uint64(s.Table), 10)}
	return withNumber(args, "pref", s.Pref)
}

// AddCmds adds the rule.
func (s RuleSpec) AddCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("add")...)} }

// DeleteCmds removes it.
func (s RuleSpec) DeleteCmds() []Cmd { return []Cmd{ipIn(s.Ns, s.args("del")...)} }

// Validate checks the source prefix and the table.
func (s RuleSpec) Validate() error {
	if err := checkNs("namespace", s.Ns); err != nil {
		return err
	}
	if _, ferr := ParseDst("from", s.From); ferr != nil {
		return ferr
	}
	if s.From == "default" {
		return fieldErr("from", "give a prefix, such as 10.0.1.0/24")
	}
	if s.Table == 0 {
		return fieldErr("table", "a rule needs a table to look up")
	}
	return nil
}

// RuleSpecOf is the spec that deletes policy rule r in namespace ns (as
// ChangeNs names it), so the UI can delete the rule under the cursor, or
// an error saying why lazyns cannot: it makes only "from PREFIX lookup
// TABLE" rules, and the kernel's own rules (local, main, default) stay.
func RuleSpecOf(ns string, r *Rule) (RuleSpec, error) {
	switch {
	case r.Action != FR_ACT_TO_TBL:
		return RuleSpec{}, fmt.Errorf("a rule that does not look up a table: delete it with ip rule")
	case r.Table == TableLocal || r.Table == TableMain || r.Table == 253:
		if r.SrcLen == 0 {
			return RuleSpec{}, fmt.Errorf("the kernel's own rule for table %d: lazyns leaves it", r.Table)
		}
	}
	if r.SrcLen == 0 || r.Invert || r.DstLen != 0 || r.Tos != 0 || r.HasMark || r.Iif != "" || r.Oif != "" ||
		r.HasIPProto || r.HasUID || r.HasSport || r.HasDport || r.L3mdev || r.HasGoto ||
		r.SuppressPrefixlen != -1 || r.SuppressIfgroup != -1 {
		return RuleSpec{}, fmt.Errorf("a rule with more than a source: delete it with ip rule")
	}
	return RuleSpec{Ns: ns, From: r.Src.String() + "/" + strconv.Itoa(r.SrcLen), Table: r.Table, Pref: r.Priority}, nil
}
