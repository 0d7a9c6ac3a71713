package nsops

// The doorway: the one file where a thread of lazyns changes network
// namespace. TestOneDoorway fails when setns or unshare(2), netns.Set or
// one of the netlink library's functions that switch the calling thread
// (NewHandleAt and the *SubscribeAt family) appear anywhere else in the
// module. Two forms:
//
//   - switch, work, switch back: InNamespace, and heldNs.do on top of it,
//     which is what callers use — it runs the host's work where it is,
//     with no switch at all; inNewNamespace for a namespace being made;
//   - switch and never come back: onThrowawayThread with leaveForGood and
//     ownMountNamespace, for starting processes inside (enter.go).
//
// netns.Set, netlink.NewHandleAt and friends switch the calling thread and
// unlock it even when switching back failed, handing a thread in the
// wrong namespace to the scheduler: lazyns calls netns.Set here, on a
// thread it keeps locked until it is home, and opens its netlink sockets
// on such a thread rather than through NewHandleAt.

import (
	"fmt"
	"os"
	"runtime"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// InNamespace runs fn on an OS thread that has entered the network namespace
// open at nsFd, then returns the thread to where it was.
//
// The goroutine keeps its thread locked for the whole time; if the thread
// cannot be put back, it stays locked so the runtime destroys it with the
// goroutine instead of handing a thread in the wrong namespace to other
// goroutines. Goroutines that fn starts do not run in the namespace.
func InNamespace(nsFd int, fn func() error) error {
	return awayAndBack(func() error {
		if err := netns.Set(netns.NsHandle(nsFd)); err != nil {
			return fmt.Errorf("enter network namespace: %w", os.NewSyscallError("setns", err))
		}
		return nil
	}, fn)
}

// inNewNamespace runs fn on an OS thread that has left for a brand-new
// network namespace, then returns the thread to where it was. Something fn
// does must keep the namespace (a bind mount), or it ends with the visit.
// (netns.New would also open a handle on it, which nothing here needs.)
func inNewNamespace(fn func() error) error {
	return awayAndBack(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("create a network namespace: %w", err)
		}
		return nil
	}, fn)
}

// awayAndBack runs fn on a locked OS thread after leave has moved it to
// another network namespace, then moves it back: InNamespace's way.
func awayAndBack(leave, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		errc <- awayAndBackLocked(leave, fn)
	}()
	return <-errc
}

func awayAndBackLocked(leave, fn func() error) error {
	runtime.LockOSThread()
	// The thread's own namespace, named by its task (netns.Get opens
	// /proc/PID/task/TID/ns/net): /proc/self is the thread group leader,
	// which may be somewhere else.
	origin, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open this thread's network namespace: %w", err)
	}
	defer origin.Close()
	if err := leave(); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	ferr := fn()
	if err := netns.Set(origin); err != nil {
		// Leave the thread locked: it dies with this goroutine.
		return fmt.Errorf("return to the original network namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return ferr
}

// heldNs is one namespace held open for kernel work: the file that keeps
// it (and keeps it alive) and whether it is the host's, whose threads are
// already in it. Any read or change reaches its namespace through one:
// System.hold makes it from a namespace a read found or a change named.
type heldNs struct {
	netns.NsHandle
	host bool
}

// do runs fn inside the namespace: on the calling goroutine for the host
// (every thread but the doorway's, while it is away, is there), through
// InNamespace for any other.
func (n *heldNs) do(fn func() error) error {
	if n.host {
		return fn()
	}
	return InNamespace(n.fd(), fn)
}

func (n *heldNs) fd() int { return int(n.NsHandle) }

// close lets the namespace go; a nil heldNs holds nothing.
func (n *heldNs) close() {
	if n != nil {
		_ = n.Close()
	}
}

// onThrowawayThread runs fn on a locked OS thread that ends with it, so
// whatever fn does to the thread (namespaces, root, capabilities) reaches
// no other goroutine.
func onThrowawayThread(fn func() error) error {
	errc := make(chan error, 1)
	go throwaway(fn, errc)
	return <-errc
}

func throwaway(fn func() error, errc chan<- error) {
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		// The main thread never ends: when its locked goroutine exits the
		// runtime parks it for good, namespaces and all. Hold it while
		// another goroutine, which therefore gets another thread, does the
		// work.
		inner := make(chan error, 1)
		go throwaway(fn, inner)
		err := <-inner
		runtime.UnlockOSThread()
		errc <- err
		return
	}
	// Deliberately no UnlockOSThread: the runtime ends the thread when
	// this goroutine returns.
	errc <- fn()
}

// leaveForGood moves the calling thread into the namespace open as h, with
// no way back. Only for a function onThrowawayThread runs: that thread
// ends with it.
func leaveForGood(h netns.NsHandle) error {
	return os.NewSyscallError("setns", netns.Set(h))
}

// ownMountNamespace gives the calling thread a mount namespace of its own
// (and its own root and working directory), for good. Only for a function
// onThrowawayThread runs.
func ownMountNamespace() error {
	return os.NewSyscallError("unshare", unix.Unshare(unix.CLONE_NEWNS))
}
