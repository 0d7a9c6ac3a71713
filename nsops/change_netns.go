package nsops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// AddNetns makes a named namespace as `ip netns add` does: an empty file
// under the netns directory with the new namespace bind-mounted on it, the
// directory itself a shared mount so the names propagate to mount
// namespaces made later (as ip does for `ip netns exec`).
func (s *System) AddNetns(spec model.NetnsSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	return result(spec.AddCmds(), s.addNetns(spec, nil))
}

// addNetns makes the namespace; inside, if set, runs on the thread that
// made it, still inside, after the name holds it (a lab opens its socket
// there rather than coming back in for it). If inside fails, the name is
// removed and the namespace ends.
func (s *System) addNetns(spec model.NetnsSpec, inside func() error) error {
	name := model.Visible(spec.Name)
	if err := s.sharedNetnsDir(); err != nil {
		return fmt.Errorf("%w%s", err, privilegeHint(err))
	}
	path := filepath.Join(s.NetnsDir, spec.Name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EEXIST) {
		if _, ok := nsfsInode(path); ok {
			return said(err, "a namespace named %s already exists", name)
		}
		return said(err, "a stale name %s is left under %s (its namespace is gone): delete it first", name, s.NetnsDir)
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", model.Visible(path), err)
	}
	unix.Close(fd)
	ok := false
	defer func() {
		if !ok {
			_ = unix.Unmount(path, unix.MNT_DETACH)
			_ = os.Remove(path)
		}
	}()
	if err := beforeStep("netns mount"); err != nil {
		return err
	}
	// A thread of ours leaves for a brand-new namespace, which the bind
	// mount pins, and comes home. Not netns.NewNamed: it names under
	// /var/run/netns only, leaves the directory unshared and the thread in
	// the new namespace.
	err = inNewNamespace(func() error {
		self := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
		if err := unix.Mount(self, path, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind-mount the new namespace on %s: %w", model.Visible(path), err)
		}
		if inside != nil {
			return inside()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add namespace %s: %w%s", name, err, privilegeHint(err))
	}
	ok = true
	return nil
}

// sharedNetnsDir makes the netns directory exist and be a shared mount,
// bind-mounting it on itself first when it is not a mount point — what
// ip netns add does.
func (s *System) sharedNetnsDir() error {
	// Once per directory: MS_REC walks every mount below it, one per
	// namespace, which made building a thousand namespaces quadratic.
	if _, done := sharedDirs.Load(s.NetnsDir); done {
		if _, err := os.Stat(s.NetnsDir); err == nil {
			return nil
		}
	}
	if err := os.MkdirAll(s.NetnsDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", s.NetnsDir, err)
	}
	err := unix.Mount("", s.NetnsDir, "none", unix.MS_SHARED|unix.MS_REC, "")
	if errors.Is(err, unix.EINVAL) {
		if err = unix.Mount(s.NetnsDir, s.NetnsDir, "none", unix.MS_BIND|unix.MS_REC, ""); err == nil {
			err = unix.Mount("", s.NetnsDir, "none", unix.MS_SHARED|unix.MS_REC, "")
		}
	}
	if err != nil {
		return fmt.Errorf("make %s a shared mount: %w", s.NetnsDir, err)
	}
	sharedDirs.Store(s.NetnsDir, true)
	return nil
}

// sharedDirs are the netns directories this process made shared mounts.
var sharedDirs sync.Map

// DeleteNetns removes a namespace's name as `ip netns del` does: unmount,
// then remove the file, leaving neither behind. The namespace itself ends
// when nothing else holds it (a process, a socket, another mount). A stale
// name (a file whose mount is gone) is removed too.
func (s *System) DeleteNetns(spec model.NetnsSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	path := filepath.Join(s.NetnsDir, spec.Name)
	st, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no namespace %s under %s", model.Visible(spec.Name), s.NetnsDir)
	}
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a namespace name (it is not a file)", model.Visible(path))
	}
	// Detach every mount stacked on the name, as a repeated ip netns add
	// on a racing host can leave more than one.
	for {
		err := unix.Unmount(path, unix.MNT_DETACH)
		if errors.Is(err, unix.EINVAL) {
			break // not (or no longer) a mount point
		}
		if err != nil {
			return nil, fmt.Errorf("unmount namespace %s: %w", model.Visible(spec.Name), err)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove namespace name %s: %w", model.Visible(path), err)
	}
	return spec.DeleteCmds(), nil
}
