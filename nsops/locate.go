package nsops

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// ErrNoNamespace is what Locate's error matches (errors.Is) when nothing
// has the name the user gave.
var ErrNoNamespace = errors.New("no such namespace")

// notFoundError says which argument matched nothing, or which namespace
// is gone (it then matches model.ErrGone too), and where to look.
type notFoundError struct {
	what string
	gone bool
}

func (e notFoundError) Error() string { return e.what + " (see: lazyns list)" }
func (e notFoundError) Is(target error) bool {
	return target == ErrNoNamespace || e.gone && target == model.ErrGone
}

// ambiguousShown bounds the candidates an ambiguous part lists: a fragment
// such as "qrouter" may be part of thousands of names.
const ambiguousShown = 20

// ambiguousError says that a part of a name is part of several, and lists
// them. It names no one namespace, so it matches ErrNoNamespace too (a
// usage error, as a name that matches nothing).
type ambiguousError struct {
	part  string
	names []string
}

func (e ambiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q is part of %d namespace names; give one of them, or more of it:", model.Visible(e.part), len(e.names))
	for _, n := range e.names[:min(len(e.names), ambiguousShown)] {
		b.WriteString("\n  " + model.Visible(n))
	}
	if more := len(e.names) - ambiguousShown; more > 0 {
		fmt.Fprintf(&b, "\n  … and %d more (see: lazyns list)", more)
	}
	return b.String()
}

func (e ambiguousError) Is(target error) bool { return target == ErrNoNamespace }

// Locate finds the namespace an NS argument names in a snapshot. A name
// that is no whole name may be part of one (see model.NameMatches); part
// of several, the error lists them and matches ErrNoNamespace.
func (s *System) Locate(snap *model.Snapshot, arg model.NsArg) (*model.Namespace, error) {
	notFound := notFoundError{what: fmt.Sprintf("no namespace %q", model.Visible(arg.Raw))}
	switch arg.Kind {
	case model.ArgHost:
		if h := snap.Host(); h != nil {
			return h, nil
		}
		return nil, notFound
	case model.ArgName:
		// A whole name wins over the names it is part of.
		for i := range snap.Namespaces {
			if ns := &snap.Namespaces[i]; ns.Name == arg.Name {
				return live(ns)
			}
		}
		switch found := model.NameMatches(snap, arg.Name); len(found) {
		case 0:
			return nil, notFound
		case 1:
			return live(found[0])
		default:
			e := ambiguousError{part: arg.Raw}
			for _, ns := range found {
				e.names = append(e.names, ns.Name)
			}
			return nil, e
		}
	case model.ArgPid:
		// The link names the namespace without opening it (netns.GetFromPid
		// would hold a descriptor only to stat it), and its error names
		// the file.
		link, err := os.Readlink("/proc/" + strconv.Itoa(arg.Pid) + "/ns/net")
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, notFoundError{what: fmt.Sprintf("no process %d", arg.Pid)}
			}
			return nil, fmt.Errorf("read the namespace of process %d: %w", arg.Pid, err)
		}
		ino, _ := parseNsLink(link, "net")
		if ns := snap.Find(model.NsKey{Dev: s.host.Dev, Ino: ino}); ns != nil {
			return ns, nil
		}
		return nil, notFound
	case model.ArgPath:
		ino, ok := nsfsInode(arg.Name)
		if !ok {
			if _, err := os.Stat(arg.Name); err != nil {
				return nil, fmt.Errorf("%s: %w", model.Visible(arg.Name), err)
			}
			return nil, notFoundError{what: model.Visible(arg.Name) + " is not a namespace file"}
		}
		if ns := snap.Find(model.NsKey{Dev: s.host.Dev, Ino: ino}); ns != nil {
			return ns, nil
		}
		// A namespace file nothing else holds: read it by that path.
		snap.Namespaces = append(snap.Namespaces, model.Namespace{Key: model.NsKey{Dev: s.host.Dev, Ino: ino}, Path: arg.Name, Mounts: []string{arg.Name}})
		return &snap.Namespaces[len(snap.Namespaces)-1], nil
	}
	return nil, notFound
}

// live is ns, unless its name is stale: then an error that says how to
// remove the name.
func live(ns *model.Namespace) (*model.Namespace, error) {
	if ns.Stale {
		return nil, fmt.Errorf("%q is a stale name: its namespace is gone (remove it with: ip netns del %s)", model.Visible(ns.Name), model.ShellQuote(ns.Name))
	}
	return ns, nil
}
