package model

import (
	"fmt"
	"strconv"
	"strings"
)

// NsArgKind tells how a namespace was named on the command line.
type NsArgKind int

const (
	ArgName NsArgKind = iota // a name under the netns directory, or a part of one
	ArgHost                  // "host": the namespace lazyns runs in
	ArgPid                   // "pid:PID": the namespace of a process
	ArgPath                  // a path to a namespace file
)

// NsArg is a parsed NS argument.
type NsArg struct {
	Kind NsArgKind
	Name string // for ArgName and ArgPath
	Pid  int    // for ArgPid
	Raw  string
}

// ParseNsArg reads an NS argument: a name under the netns directory (or a
// part of one, see NameMatches), "host", "pid:PID", or a path (anything
// with a slash, which no name can hold).
func ParseNsArg(s string) (NsArg, error) {
	a := NsArg{Raw: s}
	switch {
	case s == "":
		return a, fmt.Errorf("empty namespace name")
	case s == "host":
		a.Kind = ArgHost
	case strings.HasPrefix(s, "pid:"):
		pid, err := strconv.Atoi(s[4:])
		if err != nil || pid <= 0 {
			return a, fmt.Errorf("%q: pid:PID takes a process id, such as pid:1234", Visible(s))
		}
		a.Kind, a.Pid = ArgPid, pid
	case strings.Contains(s, "/"):
		a.Kind, a.Name = ArgPath, s
	default:
		a.Kind, a.Name = ArgName, s
	}
	return a, nil
}

// NameMatches are the namespaces with a name under the netns directory
// that contains part, case-insensitively, in snapshot order: what an NS
// argument that is no whole name may stand for, since operators copy a
// fragment of a UUID (8c35c77a for qrouter-8c35c77a-…). Stale names are
// among them, so that one can be told apart from a typo.
func NameMatches(snap *Snapshot, part string) []*Namespace {
	want := strings.ToLower(part)
	var out []*Namespace
	for i := range snap.Namespaces {
		ns := &snap.Namespaces[i]
		if ns.Named() && strings.Contains(strings.ToLower(ns.Name), want) {
			out = append(out, ns)
		}
	}
	return out
}
