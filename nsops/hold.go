package nsops

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// A namespace is named the same way whether it is read or changed: by a
// *model.Namespace. One a read found has a Key, and each of its Paths
// must still open that very namespace (a name can be deleted and made
// again, a pid reused). One a change names is model.NamedNs of the change's
// name: no Key, one file, and whatever namespace it opens is the one
// changed, as with ip -n. Either way System.hold opens it, and the
// heldNs it returns is the way in (doorway.go).

// errNotNsfs is why a file a change named is no namespace (any more).
var errNotNsfs = errors.New("not a namespace file")

// hold opens the namespace ns stands for. The host's is opened from the
// file lazyns started with when a change names it, so it can always be
// reached whatever a thread does; a discovered one, host or not, from its
// own files.
func (s *System) hold(ns *model.Namespace) (*heldNs, error) {
	if ns.Host && ns.Key == (model.NsKey{}) {
		fd, err := unix.FcntlInt(s.self.Fd(), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return nil, err
		}
		return &heldNs{NsHandle: netns.NsHandle(fd), host: true}, nil
	}
	h, err := openNs(ns)
	if err != nil {
		return nil, err
	}
	return &heldNs{NsHandle: h, host: ns.Key == s.host}, nil
}

// holdNamed is hold for the namespace a change names ("" = the host, a
// name under the netns directory, or a path), saying in words why it
// cannot be opened.
func (s *System) holdNamed(name string) (*heldNs, error) {
	n, err := s.hold(model.NamedNs(name, s.NetnsDir))
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, unix.ENOENT):
		return nil, fmt.Errorf("namespace %s no longer exists", model.Visible(name))
	case errors.Is(err, errNotNsfs) && model.IsNsPath(name):
		return nil, fmt.Errorf("%s is not a namespace file (any more)", model.Visible(name))
	case errors.Is(err, errNotNsfs):
		return nil, fmt.Errorf("namespace %s no longer exists (only a stale name is left under %s)", model.Visible(name), s.NetnsDir)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return nil, fmt.Errorf("open namespace %s: %w", model.Visible(name), err)
}

// openNs opens a file of the namespace ns stands for: the first of its
// Paths that opens the namespace of its Key or, without a Key, a namespace
// at all. The error of a file that could not be opened is the first one
// that says more than "no such file"; model.ErrGone when files opened but
// none was the namespace.
func openNs(ns *model.Namespace) (netns.NsHandle, error) {
	var firstErr error
	for _, path := range ns.Paths() {
		h, err := netns.GetFromPath(path)
		if err != nil {
			if firstErr == nil || errors.Is(firstErr, fs.ErrNotExist) {
				firstErr = &fs.PathError{Op: "open", Path: path, Err: err}
			}
			continue
		}
		if err := isNamespace(h, ns.Key); err != nil {
			h.Close()
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		return h, nil
	}
	if firstErr == nil {
		firstErr = model.ErrGone
	}
	return netns.None(), firstErr
}

// isNamespace checks what h opened: the namespace of key, or any
// namespace when key is zero. A key, not another handle: discovery names
// namespaces by dev:inode without holding them, so NsHandle.Equal, which
// compares two open handles, has nothing to compare with.
func isNamespace(h netns.NsHandle, key model.NsKey) error {
	if key == (model.NsKey{}) {
		var fs unix.Statfs_t
		if err := unix.Fstatfs(int(h), &fs); err != nil || fs.Type != nsfsMagic {
			return errNotNsfs
		}
		return nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(h), &st); err != nil || st.Ino != key.Ino {
		return model.ErrGone
	}
	return nil
}

// isGone reports an open that failed because the namespace is no longer
// where it was found.
func isGone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, model.ErrGone)
}

// goneErr says that ns is gone; it matches ErrNoNamespace and model.ErrGone.
func goneErr(ns *model.Namespace) error {
	return notFoundError{what: fmt.Sprintf("namespace %s is gone", model.Visible(ns.DisplayName())), gone: true}
}

// openFailure is why a namespace could not be opened, or a socket made
// inside it, as Namespace.Err says it.
func openFailure(err error) *model.NsError {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, unix.EPERM) {
		return &model.NsError{Kind: model.ErrPermission, Msg: "permission denied: " + Privileges(), Err: err}
	}
	return &model.NsError{Kind: model.ErrUnreadable, Msg: err.Error(), Err: err}
}

// readFailure is why reading inside a namespace failed: a dump that never
// settled leaves a partial read, anything else an unreadable namespace.
func readFailure(err error) *model.NsError {
	kind := model.ErrUnreadable
	if errors.Is(err, errDumpInconsistent) {
		kind = model.ErrPartial
	}
	return &model.NsError{Kind: kind, Msg: err.Error(), Err: err}
}
