// Package pty runs shells and commands inside a network namespace on a new
// pseudo-terminal: an interactive shell whose prompt names the namespace
// (lazyns shell, the s key), and one command whose output is collected with
// its colours (the x key).
package pty

import (
	"io"
	"os"
	"strings"

	"github.com/clipperhouse/displaywidth"
	"github.com/lazyns/lazyns/model"
)

// DefaultPrompt is the prompt template when none is given; {ns} stands for
// the namespace's display name.
const DefaultPrompt = "[netns {ns}] "

// PromptEnv is the environment variable that holds a prompt template.
const PromptEnv = "LAZYNS_PROMPT"

// NetnsEnv holds, inside a lazyns shell or command, the display name of the
// namespace it runs in.
const NetnsEnv = "LAZYNS_NETNS"

// ReadOnlyEnv is 1 inside a shell or command started read-only, so that
// scripts can tell and a lazyns started there is read-only too.
const ReadOnlyEnv = "LAZYNS_READ_ONLY"

// readOnlyMark starts the prompt of a read-only shell, in the words of the
// UI's badge.
const readOnlyMark = "READ-ONLY "

// promptColor is the colour of the prompt prefix (bold cyan).
const promptColor = "\x1b[1;36m"

// maxNameWidth is how wide a name may be in a prompt before it is cut,
// keeping enough of a Neutron name (qrouter- and the first 8 hex digits of
// the UUID) to tell routers apart.
const (
	maxNameWidth = 20
	cutNameWidth = 17
)

// Options are how a shell or command is started.
type Options struct {
	// Prompt is the template of the prompt prefix; "" means the LAZYNS_PROMPT
	// environment variable, or DefaultPrompt.
	Prompt string
	// Color colours the prompt prefix.
	Color bool
	// Shell is the shell's path; "" means $SHELL, else bash, else sh.
	Shell string
	// Live, for Run, gets the output as it comes, besides the returned copy,
	// so a screen can show a long-running command (ping) as it goes.
	Live io.Writer
	// ReadOnly starts the shell or command unable to change the kernel
	// (nsops.Entry.ReadOnly), with READ-ONLY in the prompt and
	// LAZYNS_READ_ONLY=1 in the environment.
	ReadOnly bool
}

// Environ is lazyns's environment for a shell or command in ns: with
// LAZYNS_NETNS naming it and, when readOnly, LAZYNS_READ_ONLY=1, each
// replacing any value from outside (programs differ on which of two
// copies of a variable they read).
func Environ(ns *model.Namespace, readOnly bool) []string {
	env := setEnv(os.Environ(), NetnsEnv, ns.DisplayName())
	if readOnly {
		env = setEnv(env, ReadOnlyEnv, "1")
	}
	return env
}

// template picks the prompt template: the option, the environment, the default.
func (o Options) template(getenv func(string) string) string {
	if o.Prompt != "" {
		return o.Prompt
	}
	if t := getenv(PromptEnv); t != "" {
		return t
	}
	return DefaultPrompt
}

// PromptText renders a prompt template for a namespace's display name: the
// name made visible (no control character reaches the terminal) and cut to
// a readable width. The result is shown literally by every shell: it is
// passed in the environment and only ever referenced, never evaluated.
func PromptText(template, name string) string {
	name = model.Visible(name)
	if displaywidth.String(name) > maxNameWidth {
		name = displaywidth.TruncateString(name, cutNameWidth, "…")
	}
	return model.Visible(strings.ReplaceAll(template, "{ns}", name))
}
