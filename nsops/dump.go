package nsops

import (
	"errors"
	"time"

	"github.com/vishvananda/netlink"
)

// Every netlink dump in lazyns, its own (conn.dump) and the netlink
// library's (retried), is read again while the kernel says a concurrent
// change interrupted it (NLM_F_DUMP_INTR): untilSettled is that loop.
// TestOneDoorway fails when a library dump is called outside retried, or
// a dump request is sent outside conn.dump.

// dumpRetries bounds how often a dump interrupted by a concurrent change is
// read again before lazyns gives up on that namespace.
const dumpRetries = 8

// errDumpInconsistent is returned when every retry of a dump came back
// interrupted: the last reading is kept, but may be missing objects.
var errDumpInconsistent = errors.New("the kernel kept changing during the read; try again")

// untilSettled calls read (try counts from 0) until it reads a dump the
// kernel did not interrupt, or fails. After dumpRetries interrupted
// readings it gives up with errDumpInconsistent, the last one kept: the
// caller marks it as possibly incomplete, which says more than nothing.
func untilSettled(read func(try int) (interrupted bool, err error)) error {
	for try := 0; try < dumpRetries; try++ {
		interrupted, err := read(try)
		if err != nil {
			return err
		}
		if !interrupted {
			return nil
		}
		if try < dumpRetries-1 {
			// Back off so a burst of changes (a lab being built, a node
			// starting up) can pass: 2, 4, … 128 ms, about 250 ms in all.
			time.Sleep(time.Duration(2<<try) * time.Millisecond)
		}
	}
	return errDumpInconsistent
}

// retried runs a dump of the netlink library (h.AddrList, h.LinkByName,
// …), which returns netlink.ErrDumpInterrupted with a reading that may be
// inconsistent, until it settles.
func retried[T any](dump func() (T, error)) (T, error) {
	var v T
	err := untilSettled(func(int) (bool, error) {
		var err error
		v, err = dump()
		if errors.Is(err, netlink.ErrDumpInterrupted) {
			return true, nil
		}
		return false, err
	})
	return v, err
}
