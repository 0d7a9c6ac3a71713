package main

import (
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/tui"
)

// The UI's change keys act through *nsops.System.
var _ tui.Changer = (*nsops.System)(nil)

// newChanger is what the UI changes the kernel through: the same System
// it reads with, so --read-only is refused in nsops too, whatever the UI
// shows.
func newChanger(a *app) (tui.Changer, error) {
	sys, err := a.system()
	if err != nil {
		return nil, err
	}
	return sys, nil
}
