package nsops

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// rtextFilterSkipStats is RTEXT_FILTER_SKIP_STATS from <linux/rtnetlink.h>
// (Linux 4.20), which x/sys does not name.
const rtextFilterSkipStats = 1 << 3

// Parts picks which of a namespace's tables a read fills.
type Parts uint8

const (
	PartLinks Parts = 1 << iota
	PartAddrs
	PartRoutes
	PartRules
	PartNeighbours
	// PartStats adds each link's counters to its links (which it reads).
	PartStats

	// PartAll is everything but the counters, which cost the kernel time
	// on a host with thousands of links and are read only when shown.
	PartAll = PartLinks | PartAddrs | PartRoutes | PartRules | PartNeighbours
)

// readInto fills ns with everything its namespace holds, through c; the
// links' counters too when stats is set.
func readInto(c *conn, ns *model.Namespace, stats bool) error {
	want := PartAll
	if stats {
		want |= PartStats
	}
	return readParts(c, ns, want)
}

// readParts fills the parts of ns that want names, through c. Addresses,
// routes and neighbours name their links, so asking for them reads the
// links too.
func readParts(c *conn, ns *model.Namespace, want Parts) error {
	if want&(PartAddrs|PartRoutes|PartNeighbours|PartStats) != 0 {
		want |= PartLinks
	}
	return readPartsOver(c, ns, want)
}

// readPartsOver is readParts for a namespace whose links may have been
// read already: without PartLinks in want, the links it has name the
// devices of its addresses, routes and neighbours.
func readPartsOver(c *conn, ns *model.Namespace, want Parts) error {
	// A dump that kept being interrupted still holds its last reading; the
	// rest is read too, and the namespace says which parts may be stale.
	var unsettled []string
	step := func(part Parts, what string, read func() error) error {
		if want&part == 0 {
			return nil
		}
		err := read()
		if errors.Is(err, errDumpInconsistent) {
			unsettled = append(unsettled, what)
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	if err := step(PartLinks, "links", func() error { return readLinks(c, ns, want&PartStats != 0) }); err != nil {
		return err
	}
	names := make(map[int]string, len(ns.Links))
	for _, l := range ns.Links {
		names[l.Index] = l.Name
	}
	devName := func(i int) string {
		if n, ok := names[i]; ok {
			return n
		}
		return "if" + strconv.Itoa(i)
	}
	if err := step(PartAddrs, "addresses", func() error { return readAddrs(c, ns) }); err != nil {
		return err
	}
	if err := step(PartRoutes, "routes", func() error { return readRoutes(c, ns, devName) }); err != nil {
		return err
	}
	if err := step(PartRules, "rules", func() error { return readRules(c, ns) }); err != nil {
		return err
	}
	if err := step(PartNeighbours, "neighbours", func() error { return readNeighbours(c, ns, devName) }); err != nil {
		return err
	}
	if len(unsettled) > 0 {
		return fmt.Errorf("%s may be incomplete: %w", strings.Join(unsettled, ", "), errDumpInconsistent)
	}
	return nil
}

// readLinks reads the links of ns, with their counters when stats is set.
func readLinks(c *conn, ns *model.Namespace, stats bool) error {
	var perr error
	ns.Links = ns.Links[:0]
	req := []nl.NetlinkRequestData{nl.NewIfInfomsg(unix.AF_UNSPEC)}
	if !stats {
		// On a host with thousands of links the kernel spends much of a
		// dump gathering counters: ask it not to when they are not shown.
		req = append(req, nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats)))
	}
	err := c.dump(unix.RTM_GETLINK, req, unix.RTM_NEWLINK,
		func() { ns.Links = ns.Links[:0]; perr = nil },
		func(m []byte) {
			l, err := parseLink(m)
			if err != nil {
				perr = err
				return
			}
			ns.Links = append(ns.Links, l)
		})
	if err != nil {
		return err
	}
	return perr
}

func readAddrs(c *conn, ns *model.Namespace) error {
	byIndex := make(map[int]int, len(ns.Links))
	for i := range ns.Links {
		byIndex[ns.Links[i].Index] = i
		ns.Links[i].Addrs = nil
	}
	var perr error
	reset := func() {
		for i := range ns.Links {
			ns.Links[i].Addrs = nil
		}
		perr = nil
	}
	return firstErr(c.dump(unix.RTM_GETADDR, []nl.NetlinkRequestData{nl.NewIfAddrmsg(unix.AF_UNSPEC)}, unix.RTM_NEWADDR, reset,
		func(m []byte) {
			a, index, err := parseAddr(m)
			if err != nil {
				perr = err
				return
			}
			if i, ok := byIndex[index]; ok {
				ns.Links[i].Addrs = append(ns.Links[i].Addrs, a)
			}
		}), perr)
}

func readRoutes(c *conn, ns *model.Namespace, devName func(int) string) error {
	var perr error
	ns.Routes = ns.Routes[:0]
	// Family unspecified and no table: the kernel dumps every table of both
	// families, as `ip route show table all` does for each.
	msg := nl.NewRtMsg()
	msg.Family = unix.AF_UNSPEC
	msg.Table = unix.RT_TABLE_UNSPEC
	msg.Protocol = 0
	msg.Scope = 0
	msg.Type = 0
	return firstErr(c.dump(unix.RTM_GETROUTE, []nl.NetlinkRequestData{msg}, unix.RTM_NEWROUTE,
		func() { ns.Routes = ns.Routes[:0]; perr = nil },
		func(m []byte) {
			r, err := parseRoute(m, devName)
			if err != nil {
				perr = err
				return
			}
			if r.Family != unix.AF_INET && r.Family != unix.AF_INET6 {
				return
			}
			if r.Flags&unix.RTM_F_CLONED != 0 {
				return
			}
			ns.Routes = append(ns.Routes, r)
		}), perr)
}

func readRules(c *conn, ns *model.Namespace) error {
	var perr error
	ns.Rules = ns.Rules[:0]
	msg := nl.NewRtMsg()
	msg.Family = unix.AF_UNSPEC
	msg.Table = 0
	msg.Protocol = 0
	msg.Scope = 0
	msg.Type = 0
	return firstErr(c.dump(unix.RTM_GETRULE, []nl.NetlinkRequestData{msg}, unix.RTM_NEWRULE,
		func() { ns.Rules = ns.Rules[:0]; perr = nil },
		func(m []byte) {
			r, err := parseRule(m)
			if err != nil {
				perr = err
				return
			}
			if r.Family != unix.AF_INET && r.Family != unix.AF_INET6 {
				return
			}
			ns.Rules = append(ns.Rules, r)
		}), perr)
}

func readNeighbours(c *conn, ns *model.Namespace, devName func(int) string) error {
	// One dump of every family answers for a namespace without a bridge;
	// with one, that dump would also carry the bridge's forwarding table,
	// so ARP and NDP are asked for separately.
	families := []int{unix.AF_UNSPEC}
	for i := range ns.Links {
		if ns.Links[i].Kind == "bridge" {
			families = []int{unix.AF_INET, unix.AF_INET6}
			break
		}
	}
	var perr error
	ns.Neighbours = ns.Neighbours[:0]
	for _, family := range families {
		start := len(ns.Neighbours)
		reset := func() { ns.Neighbours = ns.Neighbours[:start]; perr = nil }
		err := c.dump(unix.RTM_GETNEIGH, []nl.NetlinkRequestData{&ndmsg{family: uint8(family)}}, unix.RTM_NEWNEIGH, reset,
			func(m []byte) {
				n, err := parseNeigh(m, devName)
				if err != nil {
					perr = err
					return
				}
				if n.Family != unix.AF_INET && n.Family != unix.AF_INET6 {
					return
				}
				// ip neigh leaves out the kernel's own NOARP entries and
				// entries in no state.
				if n.State == 0x40 || n.State == 0 {
					return
				}
				ns.Neighbours = append(ns.Neighbours, n)
			})
		if err := firstErr(err, perr); err != nil {
			return err
		}
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// ndmsg is the request header of a neighbour dump.
type ndmsg struct{ family uint8 }

func (n *ndmsg) Len() int { return unix.SizeofNdMsg }

func (n *ndmsg) Serialize() []byte {
	b := make([]byte, unix.SizeofNdMsg)
	b[0] = n.family
	return b
}
