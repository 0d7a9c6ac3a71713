package host

import (
	"context"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// uiLabs lets the UI's L key do what `lazyns lab up|down` does, with the
// same names and the same record of what was made.
type uiLabs struct {
	sys         *nsops.System
	prefix, dir string
}

var _ tui.Labs = uiLabs{}

// NewLabs are the labs the UI's L key builds through sys.
func NewLabs(sys *nsops.System) tui.Labs {
	return uiLabs{sys: sys, prefix: model.DefaultLabPrefix, dir: nsops.DefaultLabDir}
}

func (l uiLabs) Labs() []tui.LabInfo {
	up := nsops.LabList(l.dir)
	var out []tui.LabInfo
	for _, lab := range model.Labs() {
		_, isUp := up[lab.Name]
		out = append(out, tui.LabInfo{Name: lab.Name, Summary: lab.Summary, Up: isUp, Routers: lab.Sized})
	}
	return out
}

func (l uiLabs) LabUp(ctx context.Context, name string, routers int, progress func(done, total int)) ([]model.Cmd, error) {
	lab, err := model.FindLab(name)
	if err != nil {
		return nil, err
	}
	plan, err := lab.Plan(model.LabOptions{Prefix: l.prefix, Routers: routers, Seed: uint64(time.Now().UnixNano())})
	if err != nil {
		return nil, err
	}
	return l.sys.LabUp(ctx, plan, l.prefix, l.dir, progress)
}

func (l uiLabs) LabDown(name string) error { return l.sys.LabDown(name, l.dir) }
