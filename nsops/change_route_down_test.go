package nsops

import (
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// A gateway on the subnet of a link that is down is unreachable to the
// kernel; the message says to bring the link up, not to add an address.
func TestAddRouteViaDownLink(t *testing.T) {
	s := changeSystem(t)
	ns := nstest.Netns(t)
	nstest.IP(t, "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	nstest.IP(t, "-n", ns, "addr", "add", "10.86.9.1/24", "dev", "v0")
	_, err := s.AddRoute(model.RouteSpec{Ns: ns, Dst: "default", Gateway: "10.86.9.254"})
	wantErr(t, err, "gateway 10.86.9.254 is on the subnet of v0, which is down in "+ns+": bring v0 up first")
	_, err = s.AddRoute(model.RouteSpec{Ns: ns, Dst: "default", Gateway: "10.86.10.254"})
	wantErr(t, err, "gateway 10.86.10.254 is not on any subnet of "+ns)
}
