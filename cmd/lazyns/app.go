package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/config"
	"github.com/lazyns/lazyns/cmd/lazyns/internal/host"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
)

// app is what every command shares: the global flags and the host.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	// The settings in effect (config.go), and the three every command
	// looks at.
	settings *config.Settings
	readOnly bool
	netnsDir string
	noColor  bool
	// uiFilter is the UI's starting filter (--filter).
	uiFilter string

	sys *nsops.System
}

func (a *app) system() (*nsops.System, error) {
	if a.sys != nil {
		return a.sys, nil
	}
	sys, err := nsops.New(a.netnsDir)
	if err != nil {
		return nil, err
	}
	sys.ReadOnly = a.readOnly
	a.sys = sys
	return sys, nil
}

func (a *app) close() {
	if a.sys != nil {
		a.sys.Close()
	}
}

// color reports whether output to w may be coloured.
func (a *app) color(w io.Writer) bool {
	if a.noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func (a *app) paint(w io.Writer) model.Paint {
	if !a.color(w) {
		return model.NoPaint
	}
	return a.effective().Paint()
}

// snapshot reads the host, warning on stderr about what it could not see.
func (a *app) snapshot(opt nsops.ReadOptions) (*nsops.System, *model.Snapshot, error) {
	sys, err := a.system()
	if err != nil {
		return nil, nil, err
	}
	snap, err := sys.Snapshot(context.Background(), opt)
	if err != nil {
		return nil, nil, err
	}
	a.warnDiscovery(snap)
	return sys, snap, nil
}

// warnDiscovery says on stderr what discovery could not look at (the
// mount table, /proc): namespaces only it would have found may be missing
// from what follows, and nothing else would say so.
func (a *app) warnDiscovery(snap *model.Snapshot) {
	for _, w := range snap.Warnings {
		fmt.Fprintf(a.stderr, "lazyns: warning: %s: namespaces found only there may be missing\n", model.Visible(w))
	}
}

// errPartial makes a command exit 1 after printing what it could read.
var errPartial = exitError{code: 1}

// warnPrivileges says once, in one line, why parts of the picture are
// missing when lazyns runs without the privileges it needs, and returns
// errPartial if any namespace in nss could not be read for that reason.
func (a *app) warnPrivileges(nss []*model.Namespace) error {
	note := host.PrivilegeNote(nss)
	if note == "" {
		return nil
	}
	fmt.Fprintf(a.stderr, "lazyns: %s\n", note)
	return errPartial
}

// locate resolves NS arguments; an unknown one is a usage error.
func (a *app) locate(sys *nsops.System, snap *model.Snapshot, args []string) ([]*model.Namespace, error) {
	var out []*model.Namespace
	for _, s := range args {
		arg, err := model.ParseNsArg(s)
		if err != nil {
			return nil, usageError{err}
		}
		ns, err := sys.Locate(snap, arg)
		if err != nil {
			if errors.Is(err, nsops.ErrNoNamespace) {
				return nil, usageError{err}
			}
			return nil, err
		}
		out = append(out, ns)
	}
	return out, nil
}
