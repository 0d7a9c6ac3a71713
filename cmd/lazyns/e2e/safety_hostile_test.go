package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
	"github.com/lazyns/lazyns/tui"
)

// Hostile names end to end: a namespace and interfaces named with escape
// sequences, control characters, shell metacharacters, invalid UTF-8 and
// (the namespace) great length, made through lazyns's own changes. They
// are inert in list, show, topo and --dot (valid Graphviz), in the history
// script (which, run by bash, makes exactly the same again), in the shell
// prompt and on the UI's screen, and exact in JSON. "$(>p)" and "`>q`"
// would make files p and q in the working directory if anything ran them.
func TestHostileNamesEverywhere(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "bash")
	unique := nstest.Name("")
	nsName := "$(>p)`>q`\x1b[2J\a\xff;'\"|&" + unique + strings.Repeat("-long", 30)
	peerNs := nstest.Name("hp")
	if1, if2 := "e\x1b[31m\xfe;$(>p)", "p\a`>q`'\""
	for _, ns := range []string{nsName, peerNs} {
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	}
	work := t.TempDir()
	t.Chdir(work) // a name run by a shell would leave p or q here
	noMarkers := func(when string) {
		t.Helper()
		for _, m := range []string{"p", "q"} {
			if _, err := os.Stat(filepath.Join(work, m)); err == nil {
				t.Fatalf("%s: a name was run by a shell (%s exists)", when, m)
			}
		}
	}

	// Made through lazyns's changes, recorded as the UI records them.
	sys, err := nsops.New(nsops.DefaultNetnsDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	var h model.History
	record := func(cmds []model.Cmd, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		h.Record(cmds...)
	}
	record(sys.AddNetns(model.NetnsSpec{Name: nsName}))
	record(sys.AddNetns(model.NetnsSpec{Name: peerNs}))
	record(sys.AddVeth(model.VethSpec{Ns: nsName, Name: if1, PeerNs: peerNs, PeerName: if2}))
	record(sys.AddAddr(model.AddrSpec{Ns: nsName, Dev: if1, CIDR: "10.66.0.1/24"}))
	record(sys.SetLinkState(model.LinkStateSpec{Ns: nsName, Name: if1, Up: true}))
	want := hostileState(t, sys, nsName, peerNs)

	// Text output: no raw control byte, the names shown escaped.
	escNs, escIf := `$(>p)`+"`>q`"+`\x1b[2J\x07\xff;'"|&`+unique, `e\x1b[31m\xfe;$(>p)`
	for _, args := range [][]string{{"list"}, {"show"}, {"show", nsName}, {"topo"}, {"topo", "--dot"}} {
		code, stdout, stderr := lazyns(t, args...)
		if code != 0 {
			t.Fatalf("lazyns %q: exit %d: %s", args, code, stderr)
		}
		if c, ok := rawControl(stdout); ok {
			t.Errorf("lazyns %q wrote raw control byte %#x", args, c)
		}
		if !utf8.ValidString(stdout) {
			t.Errorf("lazyns %q wrote invalid UTF-8", args)
		}
		shown := escNs
		if args[len(args)-1] == "--dot" {
			// Inside a DOT string backslashes and quotes are escaped again.
			shown = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(escNs)
		}
		if !strings.Contains(stdout, shown) {
			t.Errorf("lazyns %q: the namespace is not shown escaped (%s):\n%s", args, shown, stdout)
		}
		if args[0] == "show" && len(args) == 2 && !strings.Contains(stdout, escIf) {
			t.Errorf("lazyns %q: the interface is not shown escaped:\n%s", args, stdout)
		}
		if args[len(args)-1] == "--dot" {
			clitest.RenderDot(t, stdout) // valid Graphviz
		}
	}

	// JSON: exact (invalid bytes as \udcXX, as the JSON contract says).
	code, stdout, stderr := lazyns(t, "show", nsName, "--json")
	if code != 0 || !json.Valid([]byte(stdout)) {
		t.Fatalf("show --json: exit %d, valid %v: %s", code, json.Valid([]byte(stdout)), stderr)
	}
	for _, exact := range []string{`$(>p)` + "`>q`" + `\u001b[2J\u0007\udcff;'\"|\u0026` + unique, `e\u001b[31m\udcfe;$(>p)`} {
		if !strings.Contains(stdout, exact) && !strings.Contains(stdout, strings.ReplaceAll(exact, `\u0026`, "&")) {
			t.Errorf("JSON lacks %s:\n%s", exact, stdout)
		}
	}
	noMarkers("the command line")

	// The shell prompt names the namespace escaped; nothing in it runs.
	ns, err := sys.Target(nsName)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SHELL", "/bin/bash")
	prompt := shellOutput(t, ns, "echo ran-$((6*7)); exit")
	if !strings.Contains(prompt, "ran-42") || !strings.Contains(prompt, `$(>p)`+"`>q`"+`\x1b[2J`) {
		t.Errorf("the prompt does not name the namespace escaped:\n%q", prompt)
	}
	if strings.Contains(prompt, "\x1b[2J") || strings.Contains(prompt, "\xff") {
		t.Errorf("the name reached the terminal raw:\n%q", prompt)
	}
	noMarkers("the shell")

	// The UI's screen.
	uiHostile(t, nsName, unique, escNs)
	noMarkers("the UI")

	// The history script, run by bash, makes exactly the same again.
	script := h.Script()
	for _, ns := range []string{nsName, peerNs} {
		if _, err := sys.DeleteNetns(model.NetnsSpec{Name: ns}); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("bash", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("the history script failed: %v\n%s\n%s", err, out, script)
	}
	noMarkers("the history script")
	if got := hostileState(t, sys, nsName, peerNs); got != want {
		t.Errorf("the history script made something else:\nwant %s\ngot  %s", want, got)
	}
}

// hostileState is what the kernel holds of the two namespaces: their
// exact names, links (name, kind, peer, up) and addresses.
func hostileState(t *testing.T, sys *nsops.System, names ...string) string {
	t.Helper()
	snap, err := sys.Snapshot(context.Background(), nsops.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, name := range names {
		ns := model.NsByName(snap, name)
		if ns == nil {
			t.Fatalf("namespace %q is missing", name)
		}
		b.WriteString(strings.ToValidUTF8(model.Visible(name), "?") + ":")
		for _, l := range ns.Links {
			b.WriteString(" " + model.Visible(l.Name) + "/" + l.Kind + "/" + model.OperStateName(l.OperState))
			if l.Peer != nil {
				b.WriteString("@" + model.Visible(l.Peer.Name) + "/" + model.Visible(l.Peer.NsName))
			}
			for _, a := range l.Addrs {
				b.WriteString(fmt.Sprintf(" %s/%d", a.Local, a.PrefixLen))
			}
		}
		b.WriteString("; ")
	}
	return b.String()
}

// shellOutput runs the UI's shell in ns with lines typed into it (read
// as it prompts) and returns what the terminal got.
func shellOutput(t *testing.T, ns *model.Namespace, lines string) string {
	t.Helper()
	sh, err := host.Runner{}.Shell(ns)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer
	sh.SetStdin(r)
	sh.SetStdout(&out)
	sh.SetStderr(&out)
	if _, err := w.WriteString(lines + "\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := sh.Run(); err != nil {
		t.Fatalf("shell: %v\n%q", err, out.String())
	}
	return out.String()
}

// uiHostile puts the hostile namespace on the explorer's screen (list,
// detail, topology) and checks no frame carries its bytes raw.
func uiHostile(t *testing.T, nsName, unique, escNs string) {
	t.Helper()
	d := newUIDriver(t, newSystem(t), tui.Options{Refresh: -1})
	d.loaded()
	// Listed first, read after: wait for its reading.
	if !d.pump(30*time.Second, func() bool { return d.has(nsName) }) {
		t.Fatal("the hostile namespace is not in the UI's snapshot, read, within 30 s")
	}
	d.press("/")
	d.typeText(unique)
	d.press("enter")
	if sel := d.m.Selected(); sel == nil || sel.Name != nsName {
		t.Fatalf("the hostile namespace could not be selected: %v", sel)
	}
	frames := map[string]string{"list": d.screen()}
	d.press("tab")
	d.pump(100*time.Millisecond, nil)
	frames["links"] = d.screen()
	d.press("]", "]")
	d.pump(300*time.Millisecond, nil)
	frames["sockets"] = d.screen()
	d.press("esc", "t")
	d.pump(100*time.Millisecond, nil)
	frames["topology"] = d.screen()
	for what, frame := range frames {
		for _, raw := range []string{"\x1b[2J", "\a", "\xff", "\xfe", "\x1b[31m"} {
			if strings.Contains(frame, raw) {
				t.Errorf("UI %s: the frame carries %q raw", what, raw)
			}
		}
		if c, ok := rawControl(ansi.Strip(frame)); ok {
			t.Errorf("UI %s: raw control byte %#x outside styling", what, c)
		}
		if !utf8.ValidString(frame) {
			t.Errorf("UI %s: invalid UTF-8 in the frame", what)
		}
	}
	if !strings.Contains(ansi.Strip(frames["list"]), `\x1b[2J\x07\xff`) {
		t.Errorf("UI: the namespace is not shown escaped (%s):\n%s", escNs, ansi.Strip(frames["list"]))
	}
	if !strings.Contains(ansi.Strip(frames["links"]), `e\x1b[31m\xfe`) {
		t.Errorf("UI: the interface is not shown escaped:\n%s", ansi.Strip(frames["links"]))
	}
}
