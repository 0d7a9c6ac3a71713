package nsops

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/discover"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Taking a lab down the way the kernel likes it. Unmounting a namespace's
// name waits for an RCU grace period, and grace periods are shared by
// whoever waits at once: the names are unmounted many at a time. A
// namespace nothing else holds then dies, and the kernel tears the dead
// ones down in batches, both ends of their veths with them — while
// deleting a veth alone waits for grace periods of its own. Taking a port
// off a bridge also waits for one, whether the bridge or the port goes:
// the bridges are deleted first, while the names are being unmounted (the
// two share grace periods, and only the bridges wait for the lock link
// changes take), so that the teardown finds no ports. The host's veth
// ends are left to the kernel, and lab down waits for them; only an end
// whose namespace something else still holds (a shell inside, say) is
// deleted by hand.

// unmountsAtOnce is how many names are unmounted at a time: enough for
// their grace periods to overlap; each waits asleep in the kernel.
const unmountsAtOnce = 32

// teardownPatience is how long lab down waits for the kernel while none
// of the host's veth ends it waits for goes; then it deletes them itself.
const teardownPatience = time.Minute

// removeLab deletes what a record says a lab made, each only if it still
// is the very object recorded (the same inode, the same index and name).
func (s *System) removeLab(state *model.LabState) error {
	host, err := s.holdNamed("")
	if err != nil {
		return err
	}
	defer host.close()
	c, err := dialIn(host)
	if err != nil {
		return err
	}
	defer c.Close()
	ours := make(map[int]string, len(state.HostLinks))
	for _, r := range state.HostLinks {
		ours[int(r.ID)] = r.Name
	}
	links, _, err := recordedLinks(c, ours)
	if err != nil {
		return err
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	failed := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, l := range links {
			if l.Kind == "bridge" {
				if err := deleteLink(c, l); err != nil {
					failed(err)
				}
			}
		}
	}()
	discover.ForEach(context.Background(), unmountsAtOnce, len(state.Namespaces), func(_, i int) {
		ns := state.Namespaces[i]
		ino, ok := nsfsInode(filepath.Join(s.NetnsDir, ns.Name))
		if !ok || ino != ns.ID {
			return // gone already, or the name now belongs to someone else
		}
		if _, err := s.DeleteNetns(model.NetnsSpec{Name: ns.Name}); err != nil {
			failed(err)
		}
	})
	wg.Wait()
	if err := awaitHostLinks(c, ours); err != nil {
		failed(err)
	}
	return errors.Join(errs...)
}

func deleteLink(c *conn, l model.Link) error {
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(l.Index)
	err := c.change(unix.RTM_DELLINK, 0, []nl.NetlinkRequestData{msg}, nil)
	if err != nil && !errors.Is(err, unix.ENODEV) {
		return kernelErr(err, "delete "+model.Visible(l.Name), "")
	}
	return nil
}

// awaitHostLinks waits while the kernel takes the recorded host links
// whose namespace is dying, and deletes the others still there.
func awaitHostLinks(c *conn, ours map[int]string) error {
	var errs []error
	del := func(l model.Link) {
		if err := deleteLink(c, l); err != nil {
			errs = append(errs, err)
		}
	}
	// A namespace once seen dying stays so: its id is asked about once.
	dying := map[int]bool{}
	last, since := -1, time.Now()
	for {
		links, all, err := recordedLinks(c, ours)
		if err != nil {
			return err
		}
		var waiting []model.Link
		for _, l := range links {
			switch {
			case !l.IsVeth() || localPair(l, all):
				del(l) // a bridge left, or a pair all in the host
			case l.NetNsID == model.NoNsID:
				// Its namespace is gone from the host's ids already: the
				// kernel is tearing it down.
				waiting = append(waiting, l)
			case dying[l.NetNsID] || namespaceDying(c, l.NetNsID):
				dying[l.NetNsID] = true
				waiting = append(waiting, l)
			default:
				del(l) // its namespace lives on: someone else holds it
			}
		}
		if len(waiting) == 0 {
			return errors.Join(errs...)
		}
		if len(waiting) != last {
			last, since = len(waiting), time.Now()
		}
		if time.Since(since) > teardownPatience {
			for _, l := range waiting {
				del(l)
			}
			return errors.Join(errs...)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recordedLinks are the host's links that are still the ones recorded
// (the same index, the same name), and every link of the host by index.
func recordedLinks(c *conn, ours map[int]string) ([]model.Link, map[int]*model.Link, error) {
	var ns model.Namespace
	if err := readLinks(c, &ns, false); err != nil && !errors.Is(err, errDumpInconsistent) {
		return nil, nil, fmt.Errorf("list the host's links: %w", err)
	}
	var out []model.Link
	all := make(map[int]*model.Link, len(ns.Links))
	for i, l := range ns.Links {
		all[l.Index] = &ns.Links[i]
		if name, ok := ours[l.Index]; ok && name == l.Name {
			out = append(out, l)
		}
	}
	return out, all, nil
}

// localPair reports a veth whose peer is in the same namespace.
func localPair(l model.Link, all map[int]*model.Link) bool {
	p := all[l.ParentIndex]
	return l.NetNsID == model.NoNsID && l.HasParent && p != nil && p.IsVeth() && p.ParentIndex == l.Index
}

// namespaceDying reports whether the namespace the host calls nsid is on
// its way out: the kernel no longer hands it out by its id once nothing
// holds it, though links into it stay until its teardown.
func namespaceDying(c *conn, nsid int) bool {
	err := c.request(unix.RTM_GETNSID, 0, []nl.NetlinkRequestData{
		nl.NewRtGenMsg(), nl.NewRtAttr(unix.NETNSA_NSID, nl.Uint32Attr(uint32(int32(nsid)))),
	}, unix.RTM_NEWNSID, func([]byte) {})
	return errors.Is(err, unix.ENOENT)
}
