package main

import (
	"context"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/pty"
	"github.com/lazyns/lazyns/tui"
)

// runner starts shells and commands for the UI's s and x keys.
type runner struct {
	a      *app
	prompt string
}

// newRunner is the UI's Runner; the prompt template comes from
// $LAZYNS_PROMPT or the default.
func newRunner(a *app) tui.Runner { return newPromptRunner(a, "") }

// newPromptRunner is newRunner with a prompt template (tui.Options.Prompt);
// "" means $LAZYNS_PROMPT or the default.
func newPromptRunner(a *app, prompt string) tui.Runner { return &runner{a: a, prompt: prompt} }

func (r *runner) Shell(ns *model.Namespace) (tea.ExecCommand, error) {
	return pty.NewShell(ns, pty.Options{Prompt: r.prompt, Color: r.a.color(os.Stdout)})
}

func (r *runner) Run(ctx context.Context, ns *model.Namespace, command string) ([]byte, int, error) {
	return pty.Run(ctx, ns, command, pty.Options{})
}
