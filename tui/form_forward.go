package tui

import (
	"fmt"
	"strconv"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// What makes a namespace a router: forwarding (F) and policy rules (R;
// d on the Rules tab deletes one).

// forwardingReadMsg is the forwarding settings of the namespace F was
// pressed on, read for its form.
type forwardingReadMsg struct {
	key     model.NsKey
	here    string
	sysctls model.Sysctls
	err     error
}

// forwardingForm turns forwarding on or off in the selected namespace
// (F). The settings are read first, so the form says what they are and
// starts on the other value for IPv4 (F, enter turns it around) and the
// same for IPv6.
func forwardingForm(s *mainScreen) tea.Cmd {
	t, _ := s.named()
	ns, here := t.ns, t.here
	ctx, src := s.c.ctx, s.c.Source
	return func() tea.Msg {
		sys, err := src.Sysctls(ctx, ns)
		return forwardingReadMsg{key: ns.Key, here: here, sysctls: sys, err: err}
	}
}

var onOff = []string{"on", "off"}

func onOffWord(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func onOffIndex(on bool) int {
	if on {
		return 0
	}
	return 1
}

// forwardingRead opens F's form once the settings are read, if the
// namespace they are of is still the one selected.
func (s *mainScreen) forwardingRead(msg forwardingReadMsg) tea.Cmd {
	ns := s.selected()
	if ns == nil || ns.Key != msg.key {
		return nil // another namespace was chosen meanwhile: F again asks for it
	}
	if msg.err != nil {
		s.c.setStatus("forwarding: "+model.Visible(msg.err.Error()), true)
		return nil
	}
	on4 := msg.sysctls[model.SysctlIPForward] == "1"
	v6, has6 := msg.sysctls[model.SysctlIPv6Forwarding]
	on6 := v6 == "1"
	fields := []Field{ChoiceField("ipv4", "IPv4 forwarding", onOff, onOffIndex(!on4))}
	now := "Now IPv4 " + onOffWord(on4)
	if has6 {
		fields = append(fields, ChoiceField("ipv6", "IPv6 forwarding", onOff, onOffIndex(on6)))
		now += ", IPv6 " + onOffWord(on6)
	}
	d := NewDialog("Forwarding in "+model.Visible(ns.DisplayName()), nil, fields...)
	d.Text = now + ". ←/→ choose; sysctl runs inside the namespace."
	here := msg.here
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		// A sysctl for each family that changes: both, all or nothing.
		var specs []model.ForwardingSpec
		if want := v["ipv4"] == "on"; want != on4 {
			specs = append(specs, model.ForwardingSpec{Ns: here, On: want})
		}
		if want := v["ipv6"] == "on"; has6 && want != on6 {
			specs = append(specs, model.ForwardingSpec{Ns: here, On: want, IPv6: true})
		}
		if len(specs) == 0 {
			return nil, &model.FieldError{Field: "IPv4 forwarding", Msg: "nothing would change: each family is set so already"}
		}
		var cmds []model.Cmd
		for _, spec := range specs {
			if err := spec.Validate(); err != nil {
				return nil, err
			}
			cmds = append(cmds, spec.Cmds()...)
		}
		return runChange(s, cmds, within(here), func(c Changer) ([]model.Cmd, error) { return c.SetForwarding(specs...) }), nil
	}
	return s.c.openDialog(d)
}

// addRuleForm adds a policy rule in the selected namespace (R): traffic
// from a prefix looks up a table, at a priority.
func addRuleForm(s *mainScreen) tea.Cmd {
	t, _ := s.named()
	here := t.here
	d := NewDialog("Add a policy rule in "+model.Visible(t.ns.DisplayName()), nil,
		TextField("from", "from", "10.0.1.0/24", ""),
		TextField("table", "table", "100", ""),
		TextField("priority", "priority", "none: the kernel picks one", ""))
	d.Text = "Traffic from the prefix looks up the table's routes (r adds them, with its table)."
	d.Submit = func(v map[string]string) (tea.Cmd, error) {
		table, ferr := ruleTable(v["table"])
		if ferr != nil {
			return nil, ferr
		}
		pref, ferr := rulePriority(v["priority"])
		if ferr != nil {
			return nil, ferr
		}
		spec := model.RuleSpec{Ns: here, From: v["from"], Table: table, Pref: pref}
		if err := spec.Validate(); err != nil {
			return nil, err
		}
		return runChange(s, spec.AddCmds(), within(here), func(c Changer) ([]model.Cmd, error) { return c.AddRule(spec) }), nil
	}
	return s.c.openDialog(d)
}

// ruleTable reads a rule's table: a number, or main, local or default.
// Unlike a route's, it has no default: "" asks for one.
func ruleTable(s string) (uint32, *model.FieldError) {
	switch s {
	case "":
		return 0, &model.FieldError{Field: "table", Msg: "a rule needs a table to look up: a number such as 100, or main"}
	case "main":
		return model.TableMain, nil
	}
	return model.ParseTable("table", s)
}

// rulePriority reads a rule's priority; "" leaves it to the kernel.
func rulePriority(s string) (uint32, *model.FieldError) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, &model.FieldError{Field: "priority", Msg: fmt.Sprintf("%q is not a priority: give a number from 0 to 4294967295, or none", model.Visible(s))}
	}
	return uint32(n), nil
}

// deleteRuleConfirm asks before deleting the policy rule under the cursor
// (d on the Rules tab).
func deleteRuleConfirm(s *mainScreen) tea.Cmd {
	t, why := s.named()
	if why != "" {
		s.c.setStatus("delete rule: "+why, true)
		return nil
	}
	r := s.selectedRule(t.ns)
	if r == nil {
		s.c.setStatus("delete rule: no rule selected", true)
		return nil
	}
	spec, err := model.RuleSpecOf(t.here, r)
	if err != nil {
		s.c.setStatus("delete rule: "+model.Visible(err.Error()), true)
		return nil
	}
	q := "Delete the rule " + model.RuleText(r, s.c.names) + " in " + model.Visible(t.ns.DisplayName()) + "?" +
		"\n\n$ " + spec.DeleteCmds()[0].String()
	return s.c.openDialog(NewConfirm("Delete rule", q, func() tea.Cmd {
		return runChange(s, spec.DeleteCmds(), within(t.here), func(c Changer) ([]model.Cmd, error) { return c.DeleteRule(spec) })
	}))
}
