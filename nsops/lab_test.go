package nsops

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// labPrefix is a run-unique lab prefix (at most 9 bytes).
func labPrefix() string {
	p := nstest.Name("")
	if len(p) > model.MaxLabPrefix {
		p = p[len(p)-model.MaxLabPrefix:]
	}
	return p
}

// labNames lists what a plan may make: its namespaces, and its links in
// the host.
func labNames(plan *model.LabPlan) (nss, hostLinks []string) {
	for _, op := range plan.Ops() {
		switch {
		case op.Netns != nil:
			nss = append(nss, op.Netns.Name)
		case op.Veth != nil || op.Port != nil:
			v := op.Veth
			if v == nil {
				v = &op.Port.VethSpec
			}
			if v.Ns == "" {
				hostLinks = append(hostLinks, v.Name)
			}
			if v.PeerNs == "" {
				hostLinks = append(hostLinks, v.PeerName)
			}
		case op.Bridge != nil && op.Bridge.Ns == "":
			hostLinks = append(hostLinks, op.Bridge.Name)
		}
	}
	return nss, hostLinks
}

// present is which of the names exist: namespaces under the netns
// directory, links in the host.
func present(t *testing.T, nss, hostLinks []string) string {
	t.Helper()
	var out []string
	for _, ns := range nss {
		if _, err := os.Lstat(filepath.Join(DefaultNetnsDir, ns)); err == nil {
			out = append(out, "netns "+ns)
		}
	}
	for _, l := range ipjIn(t, "", "link", "show") {
		if slices.Contains(hostLinks, str(l["ifname"])) {
			out = append(out, "link "+str(l["ifname"]))
		}
	}
	return strings.Join(out, "\n")
}

// cleanupLab removes, at the end of the test, whatever of the plan's
// names still exist, whatever happened.
func cleanupLab(t *testing.T, plan *model.LabPlan) {
	nss, links := labNames(plan)
	t.Cleanup(func() {
		for _, ns := range nss {
			_ = exec.Command("ip", "netns", "del", ns).Run()
		}
		for _, l := range links {
			_ = exec.Command("ip", "link", "del", l).Run()
		}
	})
}

func pingAll(t *testing.T, pings []model.LabPing) {
	t.Helper()
	for _, p := range pings {
		var out []byte
		var err error
		for range 3 { // the first may go while a port is still learning
			if out, err = exec.Command("ip", "netns", "exec", p.From, "ping", "-c1", "-W2", p.To).CombinedOutput(); err == nil {
				break
			}
		}
		if err != nil {
			t.Errorf("ping %s from %s: %v\n%s", p.To, p.From, err, out)
		}
	}
}

func labPlanFor(t *testing.T, name string, o model.LabOptions) *model.LabPlan {
	t.Helper()
	lab, err := model.FindLab(name)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := lab.Plan(o)
	if err != nil {
		t.Fatal(err)
	}
	cleanupLab(t, plan)
	return plan
}

func TestLabsUpPingDown(t *testing.T) {
	s := changeSystem(t)
	nstest.RequireTool(t, "ping")
	for _, l := range model.Labs() {
		t.Run(l.Name, func(t *testing.T) {
			dir := t.TempDir()
			prefix := labPrefix()
			plan := labPlanFor(t, l.Name, model.LabOptions{Prefix: prefix, Seed: runSeed(1)})
			nss, links := labNames(plan)
			before := present(t, nss, links)
			if before != "" {
				t.Fatalf("names of the lab exist before it is up:\n%s", before)
			}
			cmds, err := s.LabUp(context.Background(), plan, prefix, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(cmds) != len(plan.Cmds()) {
				t.Errorf("%d commands, want %d", len(cmds), len(plan.Cmds()))
			}
			if !LabIsUp(dir, l.Name) {
				t.Fatal("no record")
			}
			if got := present(t, nss, links); strings.Count(got, "\n")+1 != len(nss)+len(links) {
				t.Fatalf("not everything is there:\n%s", got)
			}
			pingAll(t, plan.Pings)

			_, err = s.LabUp(context.Background(), plan, prefix, dir, nil)
			if !errors.Is(err, ErrLabUp) || !strings.Contains(err.Error(), "already up") {
				t.Errorf("up twice: %v", err)
			}
			if err := s.LabDown(l.Name, dir); err != nil {
				t.Fatal(err)
			}
			settle(t, before, func() string { return present(t, nss, links) })
			if LabIsUp(dir, l.Name) {
				t.Error("record left after down")
			}
			err = s.LabDown(l.Name, dir)
			if !errors.Is(err, ErrLabDown) || !strings.Contains(err.Error(), "not up") {
				t.Errorf("down twice: %v", err)
			}
		})
	}
}

// A failed up removes what it made and leaves no record; what it failed
// on (someone else's namespace of the same name) is untouched.
func TestLabFailedUpLeavesNothing(t *testing.T) {
	s := changeSystem(t)
	dir := t.TempDir()
	prefix := labPrefix()
	plan := labPlanFor(t, "router", model.LabOptions{Prefix: prefix})
	theirs := prefix + "-rt-router"
	nstest.NetnsNamed(t, theirs)
	nss, links := labNames(plan)
	_, err := s.LabUp(context.Background(), plan, prefix, dir, nil)
	wantErr(t, err, "a namespace named "+theirs+" already exists")
	settle(t, "netns "+theirs, func() string { return present(t, nss, links) })
	if LabIsUp(dir, "router") {
		t.Fatal("a failed up left a record")
	}

	// Failing in the middle of units built in parallel.
	plan = labPlanFor(t, "openstack", model.LabOptions{Prefix: prefix, Routers: 12, Seed: runSeed(7)})
	nss, links = labNames(plan)
	var taken string
	for _, op := range plan.Units[8] {
		if op.Port != nil && op.Port.Ns == "" {
			taken = op.Port.Name
			break
		}
	}
	nstest.HostLink(t, taken)
	nstest.IP(t, "link", "add", taken, "type", "veth", "peer", "name", labPrefix()+"x")
	_, err = s.LabUp(context.Background(), plan, prefix, dir, nil)
	wantErr(t, err, "a link named "+taken+" already exists in host")
	settle(t, "link "+taken, func() string { return present(t, nss, links) })
	if LabIsUp(dir, "openstack") {
		t.Fatal("a failed up left a record")
	}
}

// Down removes only what up made: a namespace deleted and made again
// under the same name by someone else since is left alone.
func TestLabDownOnlyWhatItMade(t *testing.T) {
	s := changeSystem(t)
	dir := t.TempDir()
	prefix := labPrefix()
	plan := labPlanFor(t, "veth", model.LabOptions{Prefix: prefix})
	if _, err := s.LabUp(context.Background(), plan, prefix, dir, nil); err != nil {
		t.Fatal(err)
	}
	red := prefix + "-veth-red"
	nstest.IP(t, "netns", "del", red)
	nstest.IP(t, "netns", "add", red)
	if err := s.LabDown("veth", dir); err != nil {
		t.Fatal(err)
	}
	nss, links := labNames(plan)
	settle(t, "netns "+red, func() string { return present(t, nss, links) })
}

// The printed commands, run with bash, build the same topology.
func TestLabPrintBuildsTheSame(t *testing.T) {
	s := changeSystem(t)
	nstest.RequireTool(t, "bash")
	for _, name := range []string{"bridge", "router", "openstack", "nat"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			prefix := labPrefix()
			plan := labPlanFor(t, name, model.LabOptions{Prefix: prefix, Routers: 2, Seed: runSeed(3)})
			nss, links := labNames(plan)
			if _, err := s.LabUp(context.Background(), plan, prefix, dir, nil); err != nil {
				t.Fatal(err)
			}
			built := stable(t, func() string { return kernelState(t, nss, links...) })
			if err := s.LabDown(name, dir); err != nil {
				t.Fatal(err)
			}
			settle(t, "", func() string { return present(t, nss, links) })

			var script strings.Builder
			script.WriteString("set -e\n")
			for _, c := range plan.Cmds() {
				script.WriteString(c.String() + "\n")
			}
			if out, err := exec.Command("bash", "-c", script.String()).CombinedOutput(); err != nil {
				t.Fatalf("the printed commands failed: %v\n%s\n%s", err, out, script.String())
			}
			settle(t, built, func() string { return kernelState(t, nss, links...) })
			pingAll(t, plan.Pings)
		})
	}
}

// Operator scale: 200 routers (400 namespaces, 600 host ports) up, the
// pings, then down without a trace.
func TestLabOpenstack200(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 400 namespaces")
	}
	s := changeSystem(t)
	nstest.RequireTool(t, "ping")
	dir := t.TempDir()
	prefix := labPrefix()
	plan := labPlanFor(t, "openstack", model.LabOptions{Prefix: prefix, Routers: 200, Seed: runSeed(11)})
	nss, links := labNames(plan)
	var progressed int
	if _, err := s.LabUp(context.Background(), plan, prefix, dir, func(done, total int) {
		if total != 200 || done < 1 || done > 200 {
			t.Errorf("progress %d/%d", done, total)
		}
		progressed++
	}); err != nil {
		t.Fatal(err)
	}
	if progressed != 200 {
		t.Errorf("progress called %d times, want 200", progressed)
	}
	st := LabList(dir)["openstack"]
	if st == nil || len(st.Namespaces) != 400 || len(st.HostLinks) != 600+2 {
		t.Fatalf("record: %+v", st)
	}
	if got := present(t, nss, links); strings.Count(got, "\n")+1 != 400+602 {
		t.Fatalf("%d of %d objects there", strings.Count(got, "\n")+1, 400+602)
	}
	pingAll(t, plan.Pings)
	if err := s.LabDown("openstack", dir); err != nil {
		t.Fatal(err)
	}
	settle(t, "", func() string { return present(t, nss, links) })
}

// Interrupted (ctrl+c) halfway, up removes what it made.
func TestLabUpInterrupted(t *testing.T) {
	s := changeSystem(t)
	dir := t.TempDir()
	prefix := labPrefix()
	plan := labPlanFor(t, "openstack", model.LabOptions{Prefix: prefix, Routers: 60, Seed: runSeed(13)})
	nss, links := labNames(plan)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := s.LabUp(ctx, plan, prefix, dir, func(done, _ int) {
		if done == 20 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v", err)
	}
	settle(t, "", func() string { return present(t, nss, links) })
	if LabIsUp(dir, "openstack") {
		t.Fatal("an interrupted up left a record")
	}
}

// runSeed makes a lab's port names (taken from its UUIDs) unique to this
// run: a fixed seed gives two test runs at once the same names in the host.
func runSeed(n uint64) uint64 { return uint64(time.Now().UnixNano()) ^ n<<32 }

// Lab down waits for the kernel to take the host's veth ends with their
// namespaces, so nothing of the lab is left when it returns; but a
// namespace something else still holds outlives its name, veths and all:
// down deletes that one's host end itself rather than wait for a teardown
// that is not coming, and the bridge after it.
func TestLabDownHeldNamespace(t *testing.T) {
	s := changeSystem(t)
	dir := t.TempDir()
	prefix := labPrefix()
	plan := labPlanFor(t, "bridge", model.LabOptions{Prefix: prefix})
	if _, err := s.LabUp(context.Background(), plan, prefix, dir, nil); err != nil {
		t.Fatal(err)
	}
	held, err := os.Open(filepath.Join(DefaultNetnsDir, prefix+"-br-a"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	start := time.Now()
	if err := s.LabDown("bridge", dir); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > teardownPatience/2 {
		t.Errorf("lab down took %v: it waited for a namespace someone holds", took)
	}
	nss, links := labNames(plan)
	if got := present(t, nss, links); got != "" {
		t.Errorf("left when lab down returned:\n%s", got)
	}
}
