package discover

import (
	"reflect"
	"testing"

	"github.com/lazyns/lazyns/model"
)

func TestProcesses(t *testing.T) {
	d := newDiscovery(fixture())
	d.add(hostIno, func(ns *model.Namespace) { ns.Host = true })
	d.processes(d.scan(nil))

	// Two processes share a namespace; the one that made it (pid 300,
	// started at tick 5000) comes first, though the joiner's pid is lower.
	shared := d.byIno[4026532303]
	want := []model.Proc{{Pid: 300, Comm: "sleep"}, {Pid: 150, Comm: "sleep"}}
	if shared == nil || !reflect.DeepEqual(shared.Procs, want) {
		t.Fatalf("shared namespace's processes: %+v, want %+v", shared, want)
	}
	if got := shared.DisplayName(); got != "pid 300 (sleep)" {
		t.Errorf("shared namespace is called %q, want it named by its oldest process", got)
	}
	if shared.Path != "/proc/300/ns/net" {
		t.Errorf("shared namespace opens at %q, want its oldest process's link", shared.Path)
	}
	// docker's two containers, by their real start times (47828, 47936).
	if got := d.byIno[4026532377].Pids(); !reflect.DeepEqual(got, []int{28587, 28697}) {
		t.Errorf("docker namespace's processes %v", got)
	}
	// The host's processes stay in pid order and unnamed: nobody reads
	// hundreds of them by name. Lazyns itself (7000) is left out, and so
	// is a process whose namespace is not ours to read (6000).
	if got := d.byIno[hostIno].Procs; !reflect.DeepEqual(got, []model.Proc{{Pid: 1}, {Pid: 100}}) {
		t.Errorf("host processes %+v", got)
	}
	for _, ns := range d.order {
		for _, p := range ns.Procs {
			if p.Pid == 6000 || p.Pid == 7000 {
				t.Errorf("pid %d listed in %s", p.Pid, ns.DisplayName())
			}
		}
	}
}

// Joining keeps the name: the namespace is called by the same process
// whatever joins it and in whatever order they are found.
func TestByAgeIsStable(t *testing.T) {
	r := NewProcReader(fixtureRoot)
	for _, order := range [][]model.Proc{{{Pid: 150}, {Pid: 300}}, {{Pid: 300}, {Pid: 150}}} {
		byAge(r, order)
		if order[0].Pid != 300 {
			t.Errorf("oldest first: got %+v", order)
		}
	}
	// A process gone meanwhile goes last.
	procs := []model.Proc{{Pid: 999999}, {Pid: 150}}
	byAge(r, procs)
	if procs[0].Pid != 150 || procs[1].Comm != "" {
		t.Errorf("a vanished process first: %+v", procs)
	}
}
