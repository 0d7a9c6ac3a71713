// Command teaexec is a minimal Bubble Tea program for pty's tests: s hands
// the terminal to a lazyns shell in the namespace named by the argument
// with tea.Exec, and every key pressed afterwards is listed, so a test can
// see that no key is lost to the shell's input once it has exited.
package main

import (
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/pty"
)

type shellDone struct{ err error }

type ui struct {
	ns   *model.Namespace
	keys []string
	note string
}

func (u *ui) Init() tea.Cmd { return nil }

func (u *ui) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch msg.String() {
		case "s":
			sh, err := pty.NewShell(u.ns, pty.Options{})
			if err != nil {
				u.note = err.Error()
				return u, nil
			}
			return u, tea.Exec(sh, func(err error) tea.Msg { return shellDone{err} })
		case "q":
			return u, tea.Quit
		}
		u.keys = append(u.keys, msg.String())
	case shellDone:
		u.note = fmt.Sprintf("back from the shell (err %v)", msg.err)
	}
	return u, nil
}

func (u *ui) View() tea.View {
	v := tea.NewView(fmt.Sprintf("teaexec %s\n%s\nkeys: [%s]\n", u.ns.DisplayName(), u.note, strings.Join(u.keys, " ")))
	v.AltScreen = true
	return v
}

func main() {
	sys, err := nsops.New("")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ns, err := sys.Target(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := tea.NewProgram(&ui{ns: ns}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
