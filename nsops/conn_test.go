package nsops

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// TestConnSharedByGoroutines: resolveNsIDs asks several nsids of one
// namespace at once on its one socket. Each exchange must get its own
// answer: a goroutine that read and dropped another's answer left that one
// waiting 10 s for it.
func TestConnSharedByGoroutines(t *testing.T) {
	nstest.RequireRoot(t)
	hub, a, b := nstest.Netns(t), nstest.Netns(t), nstest.Netns(t)
	nstest.IP(t, "-n", hub, "link", "add", "ha", "type", "veth", "peer", "name", "ah", "netns", a)
	nstest.IP(t, "-n", hub, "link", "add", "hb", "type", "veth", "peer", "name", "bh", "netns", b)
	open := func(name string) *os.File {
		f, err := os.Open("/run/netns/" + name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	fh, fa, fb := open(hub), open(a), open(b)
	c, err := dialIn(&heldNs{NsHandle: netns.NsHandle(fh.Fd())})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		f := fa
		if g%2 == 1 {
			f = fb
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200 && time.Since(start) < 5*time.Second; i++ {
				if id, err := c.nsIDOf(int(f.Fd())); err != nil || id < 0 {
					t.Errorf("nsid: %d %v", id, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("1600 nsid questions on one socket took %v", took)
	}
}

// TestConnChangeFailsAfterEcho: the kernel echoes a new link (NLM_F_ECHO)
// before it makes it a port of its master, and unmakes it if that fails.
// A change must wait for the acknowledgement, not take the echo for
// success.
func TestConnChangeFailsAfterEcho(t *testing.T) {
	nstest.RequireRoot(t)
	ns := nstest.Netns(t)
	nstest.IP(t, "-n", ns, "link", "add", "notabridge", "type", "veth", "peer", "name", "peer0")
	f, err := os.Open("/run/netns/" + ns)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := dialIn(&heldNs{NsHandle: netns.NsHandle(f.Fd())})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	u := &unitBuild{b: &labBuild{}, ns: map[string]*unitNs{ns: {conn: c}}}
	master, err := u.index(ns, "notabridge", "link")
	if err != nil {
		t.Fatal(err)
	}
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated("bridge"))
	echoed := false
	err = c.change(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, []nl.NetlinkRequestData{
		nl.NewIfInfomsg(unix.AF_UNSPEC),
		nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated("port0")),
		nl.NewRtAttr(unix.IFLA_MASTER, nl.Uint32Attr(uint32(master))),
		info,
	}, func([]byte) { echoed = true })
	if err == nil {
		t.Fatalf("a bridge made a port of a veth: no error (echoed: %v)", echoed)
	}
	if !echoed {
		t.Log("this kernel did not echo the new link; the test shows less")
	}
	if nstest.LinkExists(ns, "port0") {
		t.Error("port0 exists after its making failed")
	}
	// The socket is still in step: the next exchange gets its own answer.
	if _, err := u.index(ns, "lo", "link"); err != nil {
		t.Errorf("after the failed change: %v", err)
	}
}
