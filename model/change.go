package model

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// A change is a spec, one type per kind of object (change_netns.go,
// change_link.go, change_veth.go, change_bridge.go, change_addr.go,
// change_route.go, change_rule.go), each with the commands that do it, its
// checks before anything reaches the kernel and against a snapshot, and
// what a delete takes with it. This file holds what they share.

// Cmd is one iproute2 (or sysctl) command line that does what a change did.
// Argv holds the exact bytes each argument must reach the program with.
type Cmd struct {
	Argv []string
}

// String is the command as a shell would take it, every argument quoted
// where needed, so a hostile name stays one inert word.
func (c Cmd) String() string {
	parts := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		parts[i] = ShellQuote(a)
	}
	return strings.Join(parts, " ")
}

// A change names its namespace by a string: "" for the host, a name under
// the netns directory, or — for namespaces without a name, such as a
// container's — an absolute path to a file that opens it
// (/proc/PID/ns/net). Names cannot hold a '/', so the two never mix.

// IsNsPath reports a namespace named by its path.
func IsNsPath(ns string) bool { return strings.ContainsRune(ns, '/') }

// ChangeNs is how a change names namespace n: "" for the host, its name,
// or the path of a file that opens it.
func ChangeNs(n *Namespace) string {
	switch {
	case n.Host:
		return ""
	case n.Name != "":
		return n.Name
	}
	return n.Path
}

// NamedNs is the namespace a change's name stands for, as far as the name
// tells — the other way round from ChangeNs: the host for "", the file of
// a name under netnsDir, or the file at a path. Its Key is unknown (zero):
// whatever the file opens when the change runs is the namespace changed,
// as with ip -n.
func NamedNs(ns, netnsDir string) *Namespace {
	switch {
	case ns == "":
		return &Namespace{Host: true}
	case IsNsPath(ns):
		return &Namespace{Path: ns}
	}
	return &Namespace{Name: ns, Path: filepath.Join(netnsDir, ns)}
}

// inNs is a command run in namespace ns: as is for the host, after
// `ip -n NAME` for a named one, under `nsenter --net=PATH` otherwise
// (ip -n takes only names).
func inNs(ns string, argv ...string) Cmd {
	switch {
	case ns == "":
		return Cmd{Argv: argv}
	case IsNsPath(ns):
		return Cmd{Argv: append([]string{"nsenter", "--net=" + ns}, argv...)}
	case argv[0] == "ip":
		return Cmd{Argv: append([]string{"ip", "-n", ns}, argv[1:]...)}
	}
	return Cmd{Argv: append([]string{"ip", "netns", "exec", ns}, argv...)}
}

// ipIn is `ip` acting in namespace ns: `ip -n NS ...`.
func ipIn(ns string, args ...string) Cmd { return inNs(ns, append([]string{"ip"}, args...)...) }

// withNumber appends `key N` when n is set: ip's optional numeric
// arguments (table, metric, pref), where 0 means "not given".
func withNumber(args []string, key string, n uint32) []string {
	if n == 0 {
		return args
	}
	return append(args, key, strconv.FormatUint(uint64(n), 10))
}

// netnsArg names a namespace as `ip link ... netns X` takes it: a name or
// a path, or the pid 1 for the host (the classic form of "back to the
// host").
func netnsArg(ns string) string {
	if ns == "" {
		return "1"
	}
	return ns
}

// NsLabel is how a change's namespace reads in a message: "host" for "".
func NsLabel(ns string) string {
	if ns == "" {
		return "host"
	}
	return Visible(ns)
}

// FieldError says which field of a form holds a value the kernel would
// refuse, and why, before anything is sent to it.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// firstErr returns the first non-nil FieldError as an error, or nil: a
// nil *FieldError must not become a non-nil error.
func firstErr(errs ...*FieldError) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// checkNs checks a namespace field where "" means the host and a path
// (anything with a '/') a namespace file.
func checkNs(field, ns string) *FieldError {
	switch {
	case ns == "":
		return nil
	case IsNsPath(ns):
		if !strings.HasPrefix(ns, "/") || strings.IndexByte(ns, 0) >= 0 || len(ns) > 4095 {
			return fieldErr(field, "%q is neither a namespace name nor the absolute path of a namespace file", Visible(ns))
		}
		return nil
	}
	return CheckNetnsName(field, ns)
}

// Checks of a form's values against what a snapshot shows exists, so a
// taken name or a missing bridge is said in the form before anything is
// sent (the kernel's own refusal, said in words, remains the last word:
// the snapshot may be a moment old).

// NsByName finds the namespace a change names ("" = the host), or nil.
func NsByName(snap *Snapshot, ns string) *Namespace {
	if ns == "" {
		return snap.Host()
	}
	for i := range snap.Namespaces {
		if n := &snap.Namespaces[i]; n.Name == ns && !n.Stale {
			return n
		}
	}
	return nil
}

// nsOf is the namespace a change names, or the field's error when the
// snapshot has no such namespace.
func nsOf(snap *Snapshot, field, ns string) (*Namespace, *FieldError) {
	if n := NsByName(snap, ns); n != nil {
		return n, nil
	}
	return nil, fieldErr(field, "no namespace %s", NsLabel(ns))
}

// CheckNsExists says when the namespace a change names is not there.
func CheckNsExists(snap *Snapshot, field, ns string) *FieldError {
	_, err := nsOf(snap, field, ns)
	return err
}

// freeName is prefix followed by the smallest number not in used.
func freeName(prefix string, used map[string]bool) string {
	for i := 0; ; i++ {
		if n := prefix + strconv.Itoa(i); !used[n] {
			return n
		}
	}
}
