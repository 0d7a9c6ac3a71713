package nsops

import (
	"errors"
	"fmt"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Changes are methods on *System that take a spec, check it, refuse when
// read-only, change the kernel, and return the iproute2 commands that do
// the same. A change of several steps undoes what it did when a step
// fails, so it either happens completely or not at all.
//
// Each step opens its netlink handle inside the namespace it acts on and
// closes it at once: a socket held open keeps a namespace alive after it
// is deleted, and a namespace deleted in the middle of a change must make
// the change fail (and undo), not complete inside a namespace about to go.

// stepHook, when set (by tests), runs before each step of a multi-step
// change; an error it returns fails that step. It lets tests make any step
// fail, or change the world between steps.
var stepHook func(step string) error

func beforeStep(step string) error {
	if stepHook != nil {
		return stepHook(step)
	}
	return nil
}

// begin refuses every change when read-only, and checks the spec, before
// anything reaches the kernel.
func (s *System) begin(spec interface{ Validate() error }) error {
	if s.ReadOnly {
		return ErrReadOnly
	}
	return spec.Validate()
}

// handleIn opens a netlink handle whose socket lives in namespace ns ("" =
// the host, a name under the netns directory, or a path). The socket is
// made through the doorway: netlink.NewHandleAt would switch a thread
// itself and unlock it even if switching back failed, handing a thread in
// the wrong namespace to the scheduler.
func (s *System) handleIn(ns string) (*netlink.Handle, error) {
	n, err := s.holdNamed(ns)
	if err != nil {
		return nil, err
	}
	defer n.close()
	var h *netlink.Handle
	err = n.do(func() error {
		var err error
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open netlink in %s: %w", model.NsLabel(ns), err)
	}
	return h, nil
}

// inNs runs fn with a netlink handle inside namespace ns.
func (s *System) inNs(ns string, fn func(h *netlink.Handle) error) error {
	h, err := s.handleIn(ns)
	if err != nil {
		return err
	}
	defer h.Close()
	return fn(h)
}

// linkByName is h.LinkByName, which falls back to a dump of every link on
// kernels that cannot look a name up.
func linkByName(h *netlink.Handle, name string) (netlink.Link, error) {
	return retried(func() (netlink.Link, error) { return h.LinkByName(name) })
}

// addrList lists the addresses of link l (nil: of every link), of every
// family.
func addrList(h *netlink.Handle, l netlink.Link) ([]netlink.Addr, error) {
	return retried(func() ([]netlink.Addr, error) { return h.AddrList(l, netlink.FAMILY_ALL) })
}

// undoStack holds how to take back each step done so far, run last first
// when the change fails. Each undo treats "already gone" as done.
type undoStack []func()

func (u *undoStack) push(f func()) { *u = append(*u, f) }

func (u undoStack) run() {
	for i := len(u) - 1; i >= 0; i-- {
		u[i]()
	}
}

// findLink looks a link up by name in the handle's namespace, saying in
// words when there is none.
func findLink(h *netlink.Handle, ns, name string) (netlink.Link, error) {
	return lookup(h, ns, name, "link")
}

// findBridge is findLink for a link that must be a bridge.
func findBridge(h *netlink.Handle, ns, name string) (netlink.Link, error) {
	l, err := lookup(h, ns, name, "bridge")
	if err == nil && l.Type() != "bridge" {
		return nil, fmt.Errorf("%s in %s is a %s, not a bridge", model.Visible(name), model.NsLabel(ns), l.Type())
	}
	return l, err
}

func lookup(h *netlink.Handle, ns, name, what string) (netlink.Link, error) {
	l, err := linkByName(h, name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
			return nil, fmt.Errorf("no %s %s in %s", what, model.Visible(name), model.NsLabel(ns))
		}
		return nil, fmt.Errorf("look up %s in %s: %w", model.Visible(name), model.NsLabel(ns), err)
	}
	return l, nil
}

// onLink runs op on the link named name in namespace ns. A failure op
// did not already say in words is said as "WHAT in NS: why".
func (s *System) onLink(ns, name, what string, op func(h *netlink.Handle, l netlink.Link) error) error {
	return s.inNs(ns, func(h *netlink.Handle) error {
		l, err := findLink(h, ns, name)
		if err != nil {
			return err
		}
		if err := op(h, l); err != nil {
			if errors.As(err, new(wordsError)) {
				return err
			}
			return kernelErr(err, what, ns)
		}
		return nil
	})
}

// kernelErr says a failed change in words: what was being done, to what,
// where, and what the kernel's refusal means.
func kernelErr(err error, what, ns string) error {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return fmt.Errorf("%s in %s: %w", what, model.NsLabel(ns), err)
	}
	why, ok := errnoWords[errno]
	if !ok {
		return fmt.Errorf("%s in %s: %w", what, model.NsLabel(ns), err)
	}
	return wordsError{fmt.Sprintf("%s in %s: %s", what, model.NsLabel(ns), why), err}
}

// errnoWords say what the kernel's refusals mean for a change.
var errnoWords = map[unix.Errno]string{
	unix.EPERM:         "not permitted (lazyns needs root, or CAP_NET_ADMIN)",
	unix.EACCES:        "not permitted (lazyns needs root, or CAP_NET_ADMIN)",
	unix.EXFULL:        "the bridge is full: a Linux bridge takes at most 1023 ports",
	unix.ENETUNREACH:   "the gateway is not on any subnet of that namespace: add an address on its subnet first",
	unix.EBUSY:         "the link is busy (a link must be down to be renamed)",
	unix.ESRCH:         "no such route",
	unix.EADDRNOTAVAIL: "no such address",
	unix.EEXIST:        "it already exists",
	unix.ENODEV:        "no such device",
}

// wordsError is a kernel error said in words; errors.Is still sees the
// errno beneath.
type wordsError struct {
	msg string
	err error
}

func (e wordsError) Error() string { return e.msg }
func (e wordsError) Unwrap() error { return e.err }

// said wraps a kernel error in a sentence of the caller's.
func said(err error, format string, args ...any) error {
	return wordsError{fmt.Sprintf(format, args...), err}
}

// result is what a change returns: its commands when it happened, none
// when it did not.
func result(cmds []model.Cmd, err error) ([]model.Cmd, error) {
	if err != nil {
		return nil, err
	}
	return cmds, nil
}
