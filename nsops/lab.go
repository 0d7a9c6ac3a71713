package nsops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lazyns/lazyns/model"
)

// DefaultLabDir is where lab up records what each lab made.
const DefaultLabDir = "/run/lazyns/labs"

// ErrLabUp and ErrLabDown are what LabUp and LabDown's errors match when
// the lab already is, or is not, up.
var (
	ErrLabUp   = errors.New("lab already up")
	ErrLabDown = errors.New("lab not up")
)

// The record of a lab (dir/LAB.json, encoded by model.LabState) is written
// here rather than by cmd because it is part of changing the kernel, not
// output: lab up writes it as it builds, so a crash or ctrl+c leaves the
// list of exactly what it made, and lab down reads it to remove those
// objects and nothing else (a name someone reused is left alone).
func labStatePath(dir, lab string) string { return filepath.Join(dir, lab+".json") }

// LabIsUp reports whether dir records the lab as up.
func LabIsUp(dir, lab string) bool {
	_, err := os.Stat(labStatePath(dir, lab))
	return err == nil
}

// LabUp builds a lab's plan, from the same specs as the UI's changes
// (lab_build.go says how), recording each namespace and host link it
// makes in dir/LAB.json (written as it
// goes, so even a crash leaves a record lab down can use). If any step
// fails, everything made so far is removed and no record is left. The
// plan's units are built in parallel; progress, if set, is called with
// the units done so far, one call at a time. When ctx ends (the user
// pressed ctrl+c), building stops and what was made is removed.
func (s *System) LabUp(ctx context.Context, plan *model.LabPlan, prefix, dir string, progress func(done, total int)) ([]model.Cmd, error) {
	if s.ReadOnly {
		return nil, ErrReadOnly
	}
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	// A lab makes namespaces and links: say what is missing up front
	// rather than which of its first steps the kernel refused.
	if missing := Privileges(); missing != "" {
		return nil, fmt.Errorf("lab %s: %s", plan.Lab, missing)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := labStatePath(dir, plan.Lab)
	// The record is created exclusively: two lab ups of one lab cannot race.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, said(ErrLabUp, "lab %s is already up (take it down with: lazyns lab down %s)", plan.Lab, plan.Lab)
	}
	if err != nil {
		return nil, fmt.Errorf("record lab %s: %w", plan.Lab, err)
	}
	f.Close()
	b := &labBuild{sys: s, path: path, state: &model.LabState{Lab: plan.Lab, Prefix: prefix, Created: time.Now().UTC()}}
	if err := b.run(ctx, plan, progress); err != nil {
		if derr := s.removeLab(b.state); derr != nil {
			err = fmt.Errorf("%w; and undoing it failed: %v (the record stays in %s)", err, derr, path)
			_ = b.save()
			return nil, err
		}
		os.Remove(path)
		return nil, fmt.Errorf("lab %s: %w (everything it made was removed)", plan.Lab, err)
	}
	if err := b.save(); err != nil {
		return nil, err
	}
	return plan.Cmds(), nil
}

type labBuild struct {
	sys    *System
	path   string
	state  *model.LabState
	links  labLinks
	saveMu sync.Mutex
}

// save writes the record as it stands, atomically.
func (b *labBuild) save() error {
	data, err := b.state.Marshal()
	if err != nil {
		return err
	}
	b.saveMu.Lock()
	defer b.saveMu.Unlock()
	tmp := b.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("record lab: %w", err)
	}
	return os.Rename(tmp, b.path)
}

func (b *labBuild) run(ctx context.Context, plan *model.LabPlan, progress func(done, total int)) error {
	if err := b.build(ctx, plan.Setup); err != nil {
		return err
	}
	if err := b.save(); err != nil {
		return err
	}
	workers := b.sys.Workers
	if workers < 1 {
		workers = 1
	}
	var (
		done     atomic.Int64
		failed   atomic.Bool
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
		// progress is called by one worker at a time.
		progressMu sync.Mutex
		units      = make(chan []model.LabOp)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for unit := range units {
				if failed.Load() {
					continue
				}
				if err := b.build(context.Background(), unit); err != nil {
					errOnce.Do(func() { firstErr = err })
					failed.Store(true)
				}
				n := done.Add(1)
				if n%10 == 0 { // a kill -9 leaks at most the units since
					_ = b.save()
				}
				if progress != nil {
					progressMu.Lock()
					progress(int(n), len(plan.Units))
					progressMu.Unlock()
				}
			}
		}()
	}
dispatch:
	for _, u := range plan.Units {
		if failed.Load() {
			break
		}
		select {
		case units <- u:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(units)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = fmt.Errorf("interrupted: %w", ctx.Err())
	}
	return firstErr
}

// build makes the ops of one unit, in order, and lets go of what the unit
// held open. With ctx, it stops between ops once ctx is done.
func (b *labBuild) build(ctx context.Context, ops []model.LabOp) error {
	u := b.unit()
	defer u.close()
	for _, op := range ops {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %w", ctx.Err())
		}
		if err := u.apply(op); err != nil {
			return err
		}
	}
	return nil
}

// LabDown removes exactly what the record of the lab says lab up made,
// then the record.
func (s *System) LabDown(lab, dir string) error {
	if s.ReadOnly {
		return ErrReadOnly
	}
	path := labStatePath(dir, lab)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return said(ErrLabDown, "lab %s is not up (see: lazyns lab list)", lab)
	}
	if err != nil {
		return err
	}
	if len(data) == 0 {
		// lab up stopped before it made anything.
		return os.Remove(path)
	}
	state, err := model.UnmarshalLabState(data)
	if err != nil {
		return fmt.Errorf("the record of lab %s (%s) is damaged: %w", lab, path, err)
	}
	if err := s.removeLab(state); err != nil {
		return fmt.Errorf("lab %s: %w (the record stays in %s)", lab, err, path)
	}
	return os.Remove(path)
}

// LabList reads which labs dir records as up.
func LabList(dir string) map[string]*model.LabState {
	up := map[string]*model.LabState{}
	for _, l := range model.Labs() {
		if data, err := os.ReadFile(labStatePath(dir, l.Name)); err == nil {
			if st, err := model.UnmarshalLabState(data); err == nil {
				up[l.Name] = st
			}
		}
	}
	return up
}
