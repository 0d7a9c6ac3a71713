package trace

import (
	"fmt"
	"net"

	"github.com/lazyns/lazyns/model"
)

// What a trace asks the kernel of each namespace, through the functions of
// a Request: a route lookup, and the switches that decide forwarding.

// RouteFail is why the kernel refused a route lookup.
type RouteFail int

const (
	RouteOK          RouteFail = iota
	RouteNone                  // ENETUNREACH: no route matches
	RouteUnreachable           // EHOSTUNREACH: an unreachable route (or, forwarded, forwarding off)
	RouteBlackhole             // EINVAL: a blackhole route, or an address the kernel calls martian
	RouteProhibit              // EACCES: a prohibit route
	RouteRPFilter              // EXDEV: reverse-path filter rejects the source on that ingress
	RouteOther                 // anything else; Detail says what
)

// RouteQuery is one lookup, as `ip route get Dst [from Src] [iif Iif]`.
type RouteQuery struct {
	Dst net.IP
	// Src is the source address; nil lets the kernel choose (first hop only).
	Src net.IP
	// Iif is the ingress device of a forwarded packet; "" for a packet that
	// starts in the namespace.
	Iif string
}

// RouteResult is the kernel's answer to a RouteQuery.
type RouteResult struct {
	Fail RouteFail
	// Detail is the kernel's own words when Fail is set.
	Detail string
	// Type is the RTN_* type of the answer (RTN_LOCAL: delivered here).
	Type     uint8
	Table    uint32
	OutIndex int
	Out      string
	Gateway  net.IP
	PrefSrc  net.IP
	// Match is the table entry that matched (`ip route get fibmatch`), nil
	// when the kernel could not say.
	Match *model.Route
}

// RouteLookup asks the kernel of namespace ns for a route.
type RouteLookup func(ns model.NsKey, q RouteQuery) (RouteResult, error)

// Bridge port STP states (BR_STATE_*).
const (
	BrStateDisabled   = 0
	BrStateListening  = 1
	BrStateLearning   = 2
	BrStateForwarding = 3
	BrStateBlocking   = 4
)

var brStates = []string{"disabled", "listening", "learning", "forwarding", "blocking"}

// BrStateName is the port state as `bridge link` prints it.
func BrStateName(s uint8) string {
	if int(s) < len(brStates) {
		return brStates[s]
	}
	return fmt.Sprint(s)
}

// NsState is what a trace needs from a namespace beyond its snapshot.
type NsState struct {
	// Forward4 and Forward6 are net.ipv4.ip_forward and
	// net.ipv6.conf.all.forwarding.
	Forward4, Forward6 bool
	// PortState maps a bridge port's ifindex to its BR_STATE_*; ports
	// missing from it count as forwarding.
	PortState map[int]uint8
	// RPFilter is net.ipv4.conf.*.rp_filter by device name, "all"
	// included; the kernel applies the larger of "all" and the device's.
	RPFilter map[string]int
	// BridgeNF4 and BridgeNF6 are net.bridge.bridge-nf-call-iptables
	// and -ip6tables (br_netfilter loaded): the namespace's bridges hand
	// the IP packets they forward to its IP firewall.
	BridgeNF4, BridgeNF6 bool
}

// StateReader reads a namespace's NsState.
type StateReader func(ns model.NsKey) (NsState, error)
