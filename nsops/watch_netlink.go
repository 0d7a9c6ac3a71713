package nsops

import (
	"errors"
	"math/rand/v2"
	"os"
	"syscall"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// rtnlGroups are the rtnetlink multicast groups of everything a namespace
// shows: links, addresses, routes, rules (RTNLGRP_IPV6_RULE, group 19, has
// no RTMGRP_ name) and neighbours. A row of the list shows only how many
// interfaces a namespace has, so rows join the link group alone.
const (
	rtnlGroups = unix.RTMGRP_LINK | unix.RTMGRP_NEIGH |
		unix.RTMGRP_IPV4_IFADDR | unix.RTMGRP_IPV6_IFADDR |
		unix.RTMGRP_IPV4_ROUTE | unix.RTMGRP_IPV6_ROUTE |
		unix.RTMGRP_IPV4_RULE | 1<<(19-1)
	rowGroups = unix.RTMGRP_LINK
)

// subscription is a multicast rtnetlink socket inside one namespace:
// everything in it (full, the focused namespace) or its links (a row). It
// is also what keeps that namespace alive, so it is closed as soon as the
// namespace is gone from everywhere else.
type subscription struct {
	key  model.NsKey
	ns   *model.Namespace
	full bool
	file *os.File
}

// subscribe opens a subscription inside ns and starts reading it; nil when
// the namespace cannot be opened (it is gone, or not ours to enter).
// behind reports that the namespace already holds other links (or, full,
// addresses) than ns says, if ns was read: they changed while nothing
// watched it.
func (w *Watcher) subscribe(ns *model.Namespace, full bool) (sub *subscription, behind bool) {
	n, err := w.sys.hold(ns)
	if err != nil {
		return nil, false
	}
	defer n.close()
	groups := uint32(rowGroups)
	if full {
		groups = rtnlGroups
	}
	var fd int
	open := func() error {
		fd, err = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		if err != nil {
			return err
		}
		// Room for a burst (a namespace torn down with hundreds of
		// routes); an overflow is still reported, as ENOBUFS.
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
		if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
			unix.Close(fd)
			return err
		}
		return nil
	}
	if err := n.do(open); err != nil {
		return nil, false
	}
	// Read what the namespace holds now through the same socket, after it
	// joined the groups: whatever changes later is heard. Notifications
	// that come in meanwhile carry another sequence number and are
	// skipped; what they announced is in the dump, or the kernel marks the
	// dump interrupted.
	tv := unix.Timeval{Sec: 2}
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	c := &conn{fd: fd, seq: rand.Uint32()}
	var now model.Namespace
	err = readLinks(c, &now, false)
	if err == nil && full {
		err = readAddrs(c, &now)
	}
	// A namespace discovered but not read (no links, not even lo) has
	// nothing to compare.
	behind = ns.Links != nil && (err != nil || !sameLinks(now.Links, ns.Links, full))
	// Non-blocking from here, so the runtime poller waits for it and
	// closing the file wakes the reader.
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, false
	}
	sub = &subscription{key: ns.Key, ns: ns, full: full, file: os.NewFile(uintptr(fd), "rtnetlink-watch")}
	links := map[int32]bool{}
	for _, l := range now.Links {
		links[int32(l.Index)] = true
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		sub.read(links, func() { w.emit(rawEvent{sub: sub}) })
	}()
	return sub, behind
}

// sameLinks reports whether the kernel's links (now) are the ones shown:
// for a row the same interfaces; for the focused namespace also their
// names, state and addresses.
func sameLinks(now, shown []model.Link, full bool) bool {
	if len(now) != len(shown) {
		return false
	}
	for i := range now {
		a, b := &now[i], &shown[i]
		if a.Index != b.Index {
			return false
		}
		if !full {
			continue
		}
		if a.Name != b.Name || a.Flags&unix.IFF_UP != b.Flags&unix.IFF_UP || a.OperState != b.OperState ||
			a.MTU != b.MTU || a.MasterIndex != b.MasterIndex || len(a.Addrs) != len(b.Addrs) {
			return false
		}
		for j := range a.Addrs {
			if !a.Addrs[j].Local.Equal(b.Addrs[j].Local) || a.Addrs[j].PrefixLen != b.Addrs[j].PrefixLen {
				return false
			}
		}
	}
	return true
}

// read reports what the socket hears until it is closed. For the focused
// namespace every batch is a change: the viewer reads it again. A row
// reports only interfaces that come or go (links holds those it has),
// not a link going down, which does not change the row.
func (s *subscription) read(links map[int32]bool, changed func()) {
	buf := make([]byte, 16*1024)
	lost := false // an overflow dropped events: every one counts from then on
	for {
		n, err := s.file.Read(buf)
		if errors.Is(err, syscall.ENOBUFS) {
			lost = true
			changed()
			continue
		}
		if err != nil {
			return
		}
		if s.full || lost || linksCameOrWent(buf[:n], links) {
			changed()
		}
	}
}

// linksCameOrWent reads a batch of link notifications, keeping links up to
// date, and reports whether one was new or removed (a rename or a link
// going down is a message for a known index, and does not change the
// row). A message too short to read counts as a change.
func linksCameOrWent(b []byte, links map[int32]bool) bool {
	msgs, err := syscall.ParseNetlinkMessage(b)
	if err != nil {
		return true
	}
	changed := false
	for _, m := range msgs {
		if len(m.Data) < unix.SizeofIfInfomsg {
			changed = true
			continue
		}
		index := int32(native.Uint32(m.Data[4:8]))
		switch m.Header.Type {
		case unix.RTM_NEWLINK:
			if !links[index] {
				links[index] = true
				changed = true
			}
		case unix.RTM_DELLINK:
			if links[index] {
				delete(links, index)
				changed = true
			}
		}
	}
	return changed
}

// close stops the subscription; its reader ends by itself.
func (s *subscription) close() {
	if s != nil {
		s.file.Close()
	}
}

// stillThere reports whether the namespace can still be opened other than
// through this subscription.
func (s *subscription) stillThere() bool {
	h, err := openNs(s.ns)
	if err != nil {
		return false
	}
	h.Close()
	return true
}
