package nsops

import (
	"errors"
	"os"
	"syscall"

	"github.com/lazyns/lazyns/model"
	"golang.org/x/sys/unix"
)

// rtnlGroups are the rtnetlink multicast groups of everything a namespace
// shows: links, addresses, routes, rules (RTNLGRP_IPV6_RULE, group 19, has
// no RTMGRP_ name) and neighbours.
const rtnlGroups = unix.RTMGRP_LINK | unix.RTMGRP_NEIGH |
	unix.RTMGRP_IPV4_IFADDR | unix.RTMGRP_IPV6_IFADDR |
	unix.RTMGRP_IPV4_ROUTE | unix.RTMGRP_IPV6_ROUTE |
	unix.RTMGRP_IPV4_RULE | 1<<(19-1)

// subscription is a multicast rtnetlink socket inside one namespace. It is
// also what keeps that namespace alive, so it is closed as soon as the
// namespace is gone from everywhere else.
type subscription struct {
	key  model.NsKey
	ns   *model.Namespace
	file *os.File
}

// subscribe opens a subscription inside ns and starts reading it; nil when
// the namespace cannot be opened (it is gone, or not ours to enter).
func (w *Watcher) subscribe(ns *model.Namespace, gen int) *subscription {
	f, err := openNamespace(ns)
	if err != nil {
		return nil
	}
	defer f.Close()
	var fd int
	open := func() error {
		fd, err = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
		if err != nil {
			return err
		}
		// Room for a burst (a namespace torn down with hundreds of
		// routes); an overflow is still reported, as ENOBUFS.
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
		if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: rtnlGroups}); err != nil {
			unix.Close(fd)
			return err
		}
		return nil
	}
	if ns.Key == w.sys.host {
		err = open()
	} else {
		err = InNamespace(int(f.Fd()), open)
	}
	if err != nil {
		return nil
	}
	sub := &subscription{key: ns.Key, ns: ns, file: os.NewFile(uintptr(fd), "rtnetlink-watch")}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		sub.read(func() { w.emit(rawEvent{ns: ns.Key, gen: gen}) })
	}()
	return sub
}

// read reports each batch of messages until the socket is closed. What
// the messages say does not matter: the viewer reads the namespace again.
func (s *subscription) read(changed func()) {
	buf := make([]byte, 16*1024)
	for {
		_, err := s.file.Read(buf)
		if err != nil && !errors.Is(err, syscall.ENOBUFS) {
			return
		}
		changed()
	}
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
	f, err := openNamespace(s.ns)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
