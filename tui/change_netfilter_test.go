package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// blueSysctls are blue's forwarding settings: both families off.
func blueSysctls() model.Sysctls {
	return model.Sysctls{model.SysctlIPForward: "0", model.SysctlIPv6Forwarding: "0"}
}

// pressF presses F on the selected namespace and hands the settings it
// read back to the model, as the program would.
func pressF(t *testing.T, m *Model) {
	t.Helper()
	cmd := send(m, "F")
	if cmd == nil {
		t.Fatalf("F read nothing; status %q", m.c.status)
	}
	if m.dialog != nil {
		t.Fatal("the form opened before the settings were read")
	}
	m.Update(cmd())
}

// F reads the namespace's settings, then offers IPv4 the other way round
// and IPv6 as it is; enter runs sysctl inside the namespace, echoed and
// kept in the history.
func TestForwardingKey(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		want string
		echo string
	}{
		{"ipv4 on", nil, "SetForwarding [{Ns:blue On:true IPv6:false}]", "$ ip netns exec blue sysctl -w net.ipv4.ip_forward=1  ✓ done"},
		{"both on", []string{"tab", "left"}, "SetForwarding [{Ns:blue On:true IPv6:false} {Ns:blue On:true IPv6:true}]",
			"$ ip netns exec blue sysctl -w net.ipv4.ip_forward=1  (+1 more, H lists them)  ✓ done"},
		{"ipv6 only", []string{"left", "tab", "left"}, "SetForwarding [{Ns:blue On:true IPv6:true}]",
			"$ ip netns exec blue sysctl -w net.ipv6.conf.all.forwarding=1  ✓ done"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fc, src := changeModelSource(t, Options{})
			src.sysctls[kBlue] = blueSysctls()
			send(m, "j") // blue
			pressF(t, m)
			if m.dialog == nil || !strings.Contains(m.dialog.Text, "Now IPv4 off, IPv6 off") {
				t.Fatalf("no form saying what is set now; status %q", m.c.status)
			}
			send(m, c.keys...)
			done := finish(t, m, send(m, "enter"))
			wantCalls(t, fc, c.want)
			if done.err != nil || m.c.status != c.echo {
				t.Fatalf("status %q, want %q", m.c.status, c.echo)
			}
			if m.History().Len() != 1 {
				t.Fatalf("history holds %d changes", m.History().Len())
			}
		})
	}
}

// On the Settings tab, the settings are read again as soon as the change
// is done: no event would say they changed.
func TestForwardingRereadsSettings(t *testing.T) {
	m, _, src := changeModelSource(t, Options{})
	src.sysctls[kBlue] = blueSysctls()
	send(m, "j")
	m.Update(send(m, "0")())
	before := src.count("Sysctls")
	pressF(t, m)
	cmd := send(m, "enter")
	done := cmd().(changeDoneMsg)
	_, cmd = m.Update(done)
	if cmd == nil {
		t.Fatal("nothing read after the change")
	}
	if ans, ok := cmd().(lazyMsg); !ok || ans.tab != tabSettings {
		t.Fatalf("read %T after the change", ans)
	}
	if got := src.count("Sysctls"); got != before+2 { // F's own reading, and the tab's
		t.Fatalf("%d readings of the settings, want %d", got, before+2)
	}
}

func TestForwardingKeyRefuses(t *testing.T) {
	// Choosing what is set already changes nothing, and says so.
	m, fc, src := changeModelSource(t, Options{})
	src.sysctls[kBlue] = blueSysctls()
	send(m, "j")
	pressF(t, m)
	send(m, "left") // IPv4 back to off
	if cmd := send(m, "enter"); cmd != nil || !strings.Contains(dialogErr(m), "nothing would change: each family is set so already") {
		t.Fatalf("dialog error %q", dialogErr(m))
	}
	wantCalls(t, fc)

	// An answer for a namespace no longer selected opens nothing.
	send(m, "esc")
	cmd := send(m, "F")
	send(m, "j")
	m.Update(cmd())
	if m.dialog != nil {
		t.Fatal("the form opened for a namespace no longer selected")
	}

	// Settings that cannot be read are said on the status line.
	m.Update(forwardingReadMsg{key: m.Selected().Key, err: errors.New("settings of evil: permission denied")})
	if m.dialog != nil || m.c.status != "forwarding: settings of evil: permission denied" || !m.c.statusErr {
		t.Fatalf("status %q", m.c.status)
	}

	// An unnamed namespace cannot be named by a change.
	send(m, "G", "k") // pid 1234 (dnsmasq)
	if cmd := send(m, "F"); cmd != nil || !strings.Contains(m.c.status, "has no name under the netns directory") {
		t.Fatalf("F on an unnamed namespace: status %q", m.c.status)
	}
}

// R adds a policy rule from a form; d on the Rules tab deletes the rule
// under the cursor once confirmed.
func TestPolicyRuleKeys(t *testing.T) {
	cases := []struct {
		name  string
		keys  []string
		typed []string // into from, table and priority
		want  string
	}{
		{"add", []string{"j", "R"}, []string{"10.0.1.0/24", "100", "1000"}, "AddRule {Ns:blue From:10.0.1.0/24 Table:100 Pref:1000}"},
		{"add main, any priority", []string{"j", "R"}, []string{"10.0.1.0/24", "main", ""}, "AddRule {Ns:blue From:10.0.1.0/24 Table:254 Pref:0}"},
		{"delete", []string{"j", "j", "j", "j", "5", "tab", "j", "j", "d"}, nil,
			"DeleteRule {Ns:" + routerName + " From:10.0.0.0/24 Table:16 Pref:57481}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fc := changeModel(t, Options{})
			send(m, c.keys...)
			if m.dialog == nil {
				t.Fatalf("no dialog; status %q", m.c.status)
			}
			for i, v := range c.typed {
				if i > 0 {
					send(m, "tab")
				}
				typeIn(m, v)
			}
			if strings.HasPrefix(c.name, "delete") && !strings.Contains(m.dialog.Text, "$ ip -n "+routerName+" rule del from 10.0.0.0/24 table 16 pref 57481") {
				t.Fatalf("the confirmation does not show the command:\n%s", m.dialog.Text)
			}
			finish(t, m, send(m, "enter"))
			wantCalls(t, fc, c.want)
			if !strings.Contains(m.c.status, "✓ done") || m.History().Len() != 1 {
				t.Fatalf("status %q, history %d", m.c.status, m.History().Len())
			}
		})
	}
}

func TestPolicyRuleKeysRefuse(t *testing.T) {
	cases := []struct {
		name  string
		typed []string
		msg   string
	}{
		{"no table", []string{"10.0.1.0/24", ""}, "table: a rule needs a table to look up"},
		{"bad table", []string{"10.0.1.0/24", "x"}, "table: \"x\" is not a table"},
		{"bad priority", []string{"10.0.1.0/24", "100", "-1"}, "priority: \"-1\" is not a priority"},
		{"no prefix", []string{"", "100"}, "from:"},
		{"default", []string{"default", "100"}, "from: give a prefix"},
		{"host bits", []string{"10.0.1.1/24", "100"}, "from:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fc := changeModel(t, Options{})
			send(m, "j", "R")
			for i, v := range c.typed {
				if i > 0 {
					send(m, "tab")
				}
				typeIn(m, v)
			}
			if cmd := send(m, "enter"); cmd != nil || !strings.Contains(dialogErr(m), c.msg) {
				t.Fatalf("dialog error %q, want %q", dialogErr(m), c.msg)
			}
			wantCalls(t, fc)
		})
	}

	// The rules from all are the namespace's own; d says what it can
	// delete rather than delete one it cannot name exactly.
	m, fc := changeModel(t, Options{})
	send(m, "5", "tab", "d")
	if m.dialog != nil || !strings.Contains(m.c.status, "delete rule: the kernel's own rule for table 255: lazyns leaves it") {
		t.Fatalf("d on the local rule: status %q", m.c.status)
	}
	wantCalls(t, fc)
}

// The refusal of the change keys happens in the table (build): F and R
// under read-only never read or open anything.
func TestForwardingAndRuleRefusedReadOnly(t *testing.T) {
	m, fc, src := changeModelSource(t, Options{ReadOnly: true})
	send(m, "j")
	for _, k := range []string{"F", "R"} {
		if cmd := send(m, k); cmd != nil || m.dialog != nil || !strings.Contains(m.c.status, "lazyns runs read-only") {
			t.Fatalf("%s under read-only: status %q", k, m.c.status)
		}
	}
	if src.count("Sysctls") != 0 {
		t.Fatal("F read the settings under read-only")
	}
	wantCalls(t, fc)
}

// toRow presses j on the detail pane until the row under the cursor
// holds text.
func toRow(t *testing.T, m *Model, text string) {
	t.Helper()
	for range len(m.main.detail.t.rows) {
		if r := m.main.detail.cursorRow(); r != nil && strings.Contains(rowWords(*r), text) {
			return
		}
		send(m, "j")
	}
	t.Fatalf("no row holds %q:\n%s", text, screen(m))
}

func rowWords(r row) string {
	var b strings.Builder
	for _, c := range r.cells {
		b.WriteString(c.text + " ")
	}
	return b.String()
}

// S masquerades a subnet out of a link: the link under the cursor, else
// the one the default route leaves by; the subnet another link's. d on
// the Firewall tab deletes a masquerade lazyns made, and only that.
func TestMasqueradeKeys(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		want string
		echo string
	}{
		{"out of the default route's link", []string{"j", "j", "j", "j", "S"},
			"AddMasquerade {Ns:" + routerName + " Src:10.0.0.0/24 Out:qg-e5b9712e-b0 Host:false}",
			"$ ip netns exec " + routerName + " nft add table ip lazyns  (+2 more, H lists them)  ✓ done"},
		{"out of the link under the cursor", []string{"j", "j", "j", "j", "tab", "j", "S"},
			"AddMasquerade {Ns:" + routerName + " Src:172.24.4.0/24 Out:qr-76de6d23-a8 Host:false}",
			"$ ip netns exec " + routerName + " nft add table ip lazyns  (+2 more, H lists them)  ✓ done"},
		{"in the host", []string{"tab", "j", "j", "S"},
			"AddMasquerade {Ns: Src:192.168.122.0/24 Out:br-ex Host:true}",
			"$ nft add table ip lazyns  (+2 more, H lists them)  ✓ done"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, fc := changeModel(t, Options{})
			send(m, c.keys...)
			if m.dialog == nil {
				t.Fatalf("no form; status %q", m.c.status)
			}
			if host := strings.Contains(m.dialog.Text, "This is the host"); host != strings.Contains(c.want, "Host:true") {
				t.Fatalf("the form says the host %v:\n%s", host, m.dialog.Text)
			}
			finish(t, m, send(m, "enter"))
			wantCalls(t, fc, c.want)
			if m.c.status != c.echo || m.History().Len() != 1 {
				t.Fatalf("status %q, history %d", m.c.status, m.History().Len())
			}
		})
	}

	// A subnet with host bits, and a namespace with nothing but lo.
	m, fc := changeModel(t, Options{})
	send(m, "j", "j", "j", "j", "S", "ctrl+u")
	typeIn(m, "10.0.0.1/24")
	if cmd := send(m, "enter"); cmd != nil || !strings.Contains(dialogErr(m), "source: 10.0.0.1/24 has host bits set") {
		t.Fatalf("dialog error %q", dialogErr(m))
	}
	send(m, "esc", "g", "j", "S")
	if m.dialog != nil || !strings.Contains(m.c.status, "blue has no link to masquerade out of") {
		t.Fatalf("S on blue: status %q", m.c.status)
	}
	wantCalls(t, fc)
}

func TestDeleteMasqueradeKey(t *testing.T) {
	m, fc, src := changeModelSource(t, Options{})
	fakeNetfilter(src)
	send(m, "j", "j", "j", "j")
	m.Update(send(m, "8")())
	send(m, "tab")

	// iptables's rules are iptables's to delete; a table's line is no rule.
	send(m, "d")
	if m.dialog != nil || !strings.Contains(m.c.status, "select a masquerade lazyns made") {
		t.Fatalf("d on a table: status %q", m.c.status)
	}
	toRow(t, m, "-j SNAT")
	send(m, "d")
	if m.dialog != nil || !strings.Contains(m.c.status, "lazyns deletes only the masquerades it made (table ip lazyns); this rule is iptables-nft's") {
		t.Fatalf("d on iptables's SNAT: status %q", m.c.status)
	}
	wantCalls(t, fc)

	// Its own, on the rule's line or on the line saying what it maps.
	toRow(t, m, "↳ masquerade")
	send(m, "d")
	if m.dialog == nil || !strings.Contains(m.dialog.Text, "$ ip netns exec "+routerName+" nft delete rule ip lazyns postrouting handle 9\n"+
		"$ ip netns exec "+routerName+" nft delete table ip lazyns  (its last rule: the table goes too)") {
		t.Fatalf("no confirmation with the commands; status %q", m.c.status)
	}
	finish(t, m, send(m, "y"))
	wantCalls(t, fc, "DeleteMasquerade {Ns:"+routerName+" Src:10.0.0.0/24 Out:qg-e5b9712e-b0 Host:false}")
	if !strings.Contains(m.c.status, "✓ done") {
		t.Fatalf("status %q", m.c.status)
	}
}

// Without a link under the cursor or a default route, nothing says which
// way is out: the form does not guess a subnet.
func TestMasqueradeFormGuessesNothing(t *testing.T) {
	m, _, src := changeModelSource(t, Options{})
	snap := fakeSnapshot()
	router := snap.Find(kRouter)
	router.Routes = router.Routes[1:] // no default route in main
	src.snap = snap
	m.Update(readHost(snap))
	send(m, "j", "j", "j", "j", "S")
	if m.dialog == nil {
		t.Fatalf("no form; status %q", m.c.status)
	}
	if v := m.dialog.values(); v["subnet"] != "" || v["out"] != "qr-76de6d23-a8" {
		t.Fatalf("the form starts on %q", v)
	}
}
