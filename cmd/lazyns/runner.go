package main

import (
	"context"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/pty"
	"github.com/lazyns/lazyns/tui"
)

// runner starts shells and commands for the UI's s and x keys; under
// --read-only they cannot change the network, as lazyns shell's and
// exec's cannot.
type runner struct{ a *app }

// newRunner is the UI's Runner. The shell's prompt template is the
// effective setting (--prompt, $LAZYNS_PROMPT, the config file), which is
// also tui.Options.Prompt.
func newRunner(a *app) tui.Runner { return &runner{a: a} }

func (r *runner) Shell(ns *model.Namespace) (tea.ExecCommand, error) {
	return pty.NewShell(ns, pty.Options{Prompt: r.a.effective().Prompt.Val, Color: r.a.color(os.Stdout), ReadOnly: r.a.readOnly})
}

func (r *runner) Run(ctx context.Context, ns *model.Namespace, command string, live io.Writer) ([]byte, int, error) {
	return pty.Run(ctx, ns, command, pty.Options{Live: live, ReadOnly: r.a.readOnly})
}
