package nsops

import (
	"reflect"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// routeAttrs must split exactly as nl.ParseRouteAttr does, whose place it
// took for speed.
func FuzzRouteAttrs(f *testing.F) {
	ifname := nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated("qr-00001"))
	mtu := nl.NewRtAttr(unix.IFLA_MTU, nl.Uint32Attr(1500))
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(1, []byte("veth"))
	f.Add(append(append(ifname.Serialize(), mtu.Serialize()...), info.Serialize()...))
	f.Add([]byte{})
	f.Add([]byte{5, 0, 3, 0, 'x', 0, 0, 0})
	f.Add([]byte{3, 0, 1, 0})
	f.Add([]byte{8, 0, 1, 0, 1, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		want, panicked, wantErr := nlParse(b)
		if panicked {
			return // nl itself cannot split it: nothing to agree with
		}
		got, err := routeAttrs(b)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("routeAttrs(%x) error %v, nl.ParseRouteAttr %v", b, err, wantErr)
		}
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("routeAttrs(%x) = %v, nl.ParseRouteAttr = %v", b, got, want)
		}
	})
}

func nlParse(b []byte) (attrs []syscall.NetlinkRouteAttr, panicked bool, err error) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	a, err := nl.ParseRouteAttr(b)
	return a, false, err
}
