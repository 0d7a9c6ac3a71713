package nsops

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/lazyns/lazyns/model"
)

// ErrNoNamespace is what Locate's error matches (errors.Is) when nothing
// has the name the user gave.
var ErrNoNamespace = errors.New("no such namespace")

// notFoundError says which argument matched nothing, and where to look.
type notFoundError struct{ what string }

func (e notFoundError) Error() string        { return e.what + " (see: lazyns list)" }
func (e notFoundError) Is(target error) bool { return target == ErrNoNamespace }

// Locate finds the namespace an NS argument names in a snapshot.
func (s *System) Locate(snap *model.Snapshot, arg model.NsArg) (*model.Namespace, error) {
	notFound := notFoundError{fmt.Sprintf("no namespace %q", model.Visible(arg.Raw))}
	switch arg.Kind {
	case model.ArgHost:
		if h := snap.Host(); h != nil {
			return h, nil
		}
		return nil, notFound
	case model.ArgName:
		for i := range snap.Namespaces {
			ns := &snap.Namespaces[i]
			if ns.Name == arg.Name {
				if ns.Stale {
					return nil, fmt.Errorf("%q is a stale name: its namespace is gone (remove it with: ip netns del %s)", model.Visible(arg.Name), model.ShellQuote(arg.Name))
				}
				return ns, nil
			}
		}
		return nil, notFound
	case model.ArgPid:
		link, err := os.Readlink("/proc/" + strconv.Itoa(arg.Pid) + "/ns/net")
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, notFoundError{fmt.Sprintf("no process %d", arg.Pid)}
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
			return nil, notFoundError{model.Visible(arg.Name) + " is not a namespace file"}
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
