package host

import (
	"context"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/pty"
	"github.com/lazyns/lazyns/tui"
)

// Runner starts shells and commands for the UI's s and x keys; under
// ReadOnly they cannot change the network, as lazyns shell's and exec's
// cannot.
type Runner struct {
	// Prompt is the shell's prompt template: the effective setting
	// (--prompt, $LAZYNS_PROMPT, the config file), as tui.Options.Prompt.
	Prompt string
	// Color lets the prompt be coloured (the terminal takes colour).
	Color    bool
	ReadOnly bool
}

var _ tui.Runner = Runner{}

func (r Runner) Shell(ns *model.Namespace) (tea.ExecCommand, error) {
	return pty.NewShell(ns, pty.Options{Prompt: r.Prompt, Color: r.Color, ReadOnly: r.ReadOnly})
}

func (r Runner) Run(ctx context.Context, ns *model.Namespace, command string, live io.Writer) ([]byte, int, error) {
	return pty.Run(ctx, ns, command, pty.Options{Live: live, ReadOnly: r.ReadOnly})
}
