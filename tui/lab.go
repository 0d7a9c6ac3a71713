package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// LabInfo is one practice topology as the L dialog offers it.
type LabInfo struct {
	Name, Summary string
	Up            bool
	// Routers is true for the lab that takes a size (openstack).
	Routers bool
}

// Labs builds and removes the practice topologies of `lazyns lab`, so a
// learner never has to leave the UI; cmd/lazyns adapts nsops to it.
type Labs interface {
	Labs() []LabInfo
	// LabUp builds a lab and returns the ip commands it stands for;
	// progress (from any goroutine) says how far a big one has got.
	LabUp(ctx context.Context, name string, routers int, progress func(done, total int)) ([]model.Cmd, error)
	LabDown(name string) error
}

type labDoneMsg struct {
	name string
	up   bool
	cmds []model.Cmd
	err  error
}

// labRun is a lab being built: its progress, read by a ticking status line.
type labRun struct {
	name        string
	done, total atomic.Int64
	over        atomic.Bool
}

type labTickMsg struct{ run *labRun }

func labTick(r *labRun) tea.Cmd {
	return tea.Tick(200*time.Millisecond, func(time.Time) tea.Msg { return labTickMsg{r} })
}

// labTicked says how far the lab has got, until it is done.
func labTicked(c *common, msg labTickMsg) tea.Cmd {
	r := msg.run
	if r.over.Load() {
		return nil
	}
	if total := r.total.Load(); total > 0 {
		c.setStatus(fmt.Sprintf("lab %s: building… %d of %d", r.name, r.done.Load(), total), false)
	}
	return labTick(r)
}

// labDialog asks which lab, up or down, and for openstack how big (L).
func labDialog(s *mainScreen) tea.Cmd {
	c := s.c
	labs := c.Labs.Labs()
	names := make([]string, len(labs))
	var lines []string
	for i, l := range labs {
		names[i] = l.Name
		mark := "  "
		if l.Up {
			mark = "● "
		}
		lines = append(lines, mark+l.Name+": "+l.Summary)
	}
	byName := func(name string) (LabInfo, bool) {
		for _, l := range labs {
			if l.Name == name {
				return l, true
			}
		}
		return LabInfo{}, false
	}
	d := NewDialog("Practice lab", func(v map[string]string) (tea.Cmd, error) {
		lab, ok := byName(v["lab"])
		if !ok {
			return nil, fmt.Errorf("no lab %q", v["lab"])
		}
		routers := 0
		if r := strings.TrimSpace(v["routers"]); r != "" {
			n, err := strconv.Atoi(r)
			if err != nil || n < 1 || n > model.MaxLabRouters {
				return nil, fmt.Errorf("routers: a number from 1 to %d", model.MaxLabRouters)
			}
			if !lab.Routers {
				return nil, fmt.Errorf("routers: only the openstack lab takes a size; leave it empty")
			}
			routers = n
		}
		up := v["action"] == "up"
		if up == lab.Up {
			if up {
				return nil, fmt.Errorf("lab %s is already up", lab.Name)
			}
			return nil, fmt.Errorf("lab %s is not up", lab.Name)
		}
		return runLab(c, lab.Name, up, routers), nil
	},
		ChoiceField("lab", "lab", names, 0),
		ChoiceField("action", "action", []string{"up", "down"}, 0),
		TextField("routers", "routers", "openstack only: how many", ""),
	)
	d.Text = strings.Join(lines, "\n") + "\n● is up. The ip commands of an up go to the history (H)."
	return c.openDialog(d)
}

func runLab(c *common, name string, up bool, routers int) tea.Cmd {
	labs, ctx := c.Labs, c.ctx
	if up {
		c.setStatus("lab "+name+": building…", false)
	} else {
		c.setStatus("lab "+name+": taking it down…", false)
	}
	if !up {
		return func() tea.Msg { return labDoneMsg{name: name, err: labs.LabDown(name)} }
	}
	r := &labRun{name: name}
	progress := func(done, total int) { r.done.Store(int64(done)); r.total.Store(int64(total)) }
	build := func() tea.Msg {
		cmds, err := labs.LabUp(ctx, name, routers, progress)
		r.over.Store(true)
		return labDoneMsg{name: name, up: true, cmds: cmds, err: err}
	}
	return tea.Batch(build, labTick(r))
}

// labDone says how the lab went and records its commands.
func labDone(c *common, msg labDoneMsg) {
	switch {
	case msg.err != nil:
		c.setStatus("lab "+msg.name+": ✗ "+model.Visible(msg.err.Error()), true)
	case msg.up:
		c.history.Record(msg.cmds...)
		c.setStatus(fmt.Sprintf("lab %s is up: %d ip commands (H lists them)  ✓ done", msg.name, len(msg.cmds)), false)
	default:
		c.setStatus("lab "+msg.name+" is down  ✓ done", false)
	}
}
