package model

import "strconv"

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
