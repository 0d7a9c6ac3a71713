package model

import "testing"

func TestRuleSpec(t *testing.T) {
	if got := (RuleSpec{From: "10.0.1.0/24", Table: 16}).AddCmds()[0].String(); got != "ip rule add from 10.0.1.0/24 table 16" {
		t.Errorf("cmd %q", got)
	}
	for _, bad := range []RuleSpec{{From: "default", Table: 16}, {From: "10.0.1.1/24", Table: 16}, {From: "10.0.1.0/24"}} {
		if bad.Validate() == nil {
			t.Errorf("%#v accepted", bad)
		}
	}
}
