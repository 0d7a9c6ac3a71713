// Package nsops is everything in lazyns that touches the kernel: finding
// namespaces, reading them, following their changes, and changing them.
package nsops

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// InNamespace runs fn on an OS thread that has entered the network namespace
// open at nsFd, then returns the thread to where it was.
//
// This is the one place lazyns switches a thread's namespace. The goroutine
// keeps its thread locked for the whole time; if the thread cannot be put
// back, it stays locked so the runtime destroys it with the goroutine
// instead of handing a thread in the wrong namespace to other goroutines.
// Goroutines that fn starts do not run in the namespace.
func InNamespace(nsFd int, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		errc <- inNamespaceLocked(nsFd, fn)
	}()
	return <-errc
}

func inNamespaceLocked(nsFd int, fn func() error) error {
	runtime.LockOSThread()
	// The thread's own namespace, named by its task: /proc/self is the
	// thread group leader, which may be somewhere else.
	origin, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open this thread's network namespace: %w", err)
	}
	defer unix.Close(origin)
	if err := unix.Setns(nsFd, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter network namespace: %w", os.NewSyscallError("setns", err))
	}
	ferr := fn()
	if err := unix.Setns(origin, unix.CLONE_NEWNET); err != nil {
		// Leave the thread locked: it dies with this goroutine.
		return fmt.Errorf("return to the original network namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return ferr
}
