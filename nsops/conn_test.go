package nsops

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
	"github.com/vishvananda/netns"
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
