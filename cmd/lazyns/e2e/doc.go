// Package e2e holds lazyns's end-to-end and system tests: the built binary
// on a terminal (tmux), as nobody (setpriv), through the shells'
// completion, and the terminal UI over the real host while namespaces
// come and go; the safety checks (hostile names, churn, leaks, missing
// privileges) and the scale benchmark of make bench. Most need root and
// skip without it (fail under CI=true).
package e2e
