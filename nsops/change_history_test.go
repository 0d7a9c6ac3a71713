package nsops

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// The bridge tutorial, built through the changes API and recorded; torn
// down; rebuilt by running the history script with bash: the same kernel
// state, and the namespaces ping each other again.
func TestHistoryScriptRebuilds(t *testing.T) {
	s := changeSystem(t)
	nstest.RequireTool(t, "ping")
	nstest.RequireTool(t, "bash")
	// Hostile names: the script must do exactly this, nothing more.
	a, b := "a $(touch lz-pwned)"+nstest.Name(""), "b'"+nstest.Name("")
	br, va, vb := nstest.Name("br"), nstest.Name("va"), nstest.Name("vb")
	for _, ns := range []string{a, b} {
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	}
	nstest.HostLink(t, br)
	nstest.HostLink(t, va)
	nstest.HostLink(t, vb)

	var h model.History
	do := recorder(t, &h)
	do(s.AddNetns(model.NetnsSpec{Name: a}))
	do(s.AddNetns(model.NetnsSpec{Name: b}))
	do(s.AddBridge(model.BridgeSpec{Name: br}))
	do(s.SetLinkState(model.LinkStateSpec{Name: br, Up: true}))
	do(s.VethInto(model.VethIntoSpec{Name: va, Bridge: br, PeerNs: a, PeerName: "eth0", PeerAddr: "10.0.1.1/24"}))
	do(s.VethInto(model.VethIntoSpec{Name: vb, Bridge: br, PeerNs: b, PeerName: "eth0", PeerAddr: "10.0.1.2/24"}))
	do(s.AddRoute(model.RouteSpec{Ns: a, Dst: "10.9.0.0/16", Gateway: "10.0.1.2"}))

	ping := func() {
		t.Helper()
		if out, err := exec.Command("ip", "netns", "exec", a, "ping", "-c1", "-W2", "10.0.1.2").CombinedOutput(); err != nil {
			t.Fatalf("ping across the bridge: %v\n%s", err, out)
		}
	}
	ping()
	state := func() string { return kernelState(t, []string{a, b}, br, va, vb) }
	built := stable(t, state)

	do(s.DeleteNetns(model.NetnsSpec{Name: a}))
	do(s.DeleteNetns(model.NetnsSpec{Name: b}))
	do(s.DeleteLink(model.LinkRef{Name: br}))
	settle(t, "netns "+a+"\n  absent\nnetns "+b+"\n  absent\nhost\n", state)

	// Replay everything but the tear-down.
	var replay model.History
	for _, e := range h.Entries()[:7] {
		replay.Record(e.Cmds...)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "lazyns-history.sh")
	pwned := filepath.Join(dir, "lz-pwned")
	if err := os.WriteFile(script, []byte(replay.Script()), 0o600); err != nil {
		t.Fatal(err)
	}
	run := exec.Command("bash", script)
	run.Dir = dir
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("the history script failed: %v\n%s\n%s", err, out, replay.Script())
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("the script executed a namespace name")
	}
	settle(t, built, state)
	ping()
}

// recorder returns what records each change's commands in h, as the UI's
// history does, failing the test when a change fails.
func recorder(t *testing.T, h *model.History) func([]model.Cmd, error) {
	return func(cmds []model.Cmd, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		h.Record(cmds...)
	}
}
