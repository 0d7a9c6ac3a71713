package trace

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/lazyns/lazyns/model"
)

// traceCases are traces of every verdict, with a reply delivered and one
// dropped, a ping that agrees and one that does not, and a namespace name
// that is hostile in every way JSON and a terminal care about.
func traceCases(t *testing.T) []struct {
	name string
	tr   *Trace
	ping *PingResult
} {
	hostile := router(t)
	hostile.ns("b").Name = "b\x1b[31m<&>\u2028\xff\"\\"
	noWayBack := router(t)
	b := noWayBack.ns("b")
	b.Routes = b.Routes[:len(b.Routes)-1]
	leaves := router(t)
	leaves.link("r", "eth0", "")
	leaves.addr("r", "eth0", "192.0.2.10/24")
	leaves.route("r", "default", "192.0.2.1", "eth0", model.RTN_UNICAST)
	fwdOff := router(t)
	fwdOff.fwd["r"] = false
	// The firewall: a hostile rule drops a TCP probe; a floating IP with
	// a masquerade out, and a rule trace cannot evaluate.
	fwDrop := router(t)
	fwDrop.firewallOf("r", table("ip", "filter", model.FwIptablesNft,
		base("FORWARD", "forward", 0, "filter", "accept",
			rule("-A FORWARD -p tcp -m comment --comment \"\x1b[31m$(id)\" -j DROP", model.FwDrop, proto(6)))))
	floating := router(t)
	floating.firewallOf("r",
		table("ip", "nat", model.FwIptablesNft,
			base("PREROUTING", "prerouting", -100, "nat", "accept",
				natRule("-A PREROUTING -d 172.24.4.10/32 -j DNAT --to-destination 10.0.2.2", model.NATDnat, "10.0.2.2", daddr("172.24.4.10/32"))),
			base("POSTROUTING", "postrouting", 100, "nat", "accept",
				natRule("-A POSTROUTING -s 10.0.1.0/24 -o rb -j MASQUERADE", model.NATMasquerade, "", saddr("10.0.1.0/24"), oif("rb")))),
		filterForward("accept", unsure(rule("-A FORWARD -m statistic --mode random --probability 0.5 -j DROP", model.FwDrop), "xt match statistic")))
	return []struct {
		name string
		tr   *Trace
		ping *PingResult
	}{
		{"delivered, hostile name", hostile.trace("a", "10.0.2.2"), &PingResult{}},
		{"reply dropped", noWayBack.trace("a", "10.0.2.2"), &PingResult{Output: "100% packet loss"}},
		{"leaves", leaves.trace("a", "198.51.100.7"), &PingResult{Replied: true}},
		{"dropped", fwdOff.trace("a", "10.0.2.2"), nil},
		{"firewall drops", fwDrop.traceProbe("a", "10.0.2.2", Probe{Proto: ProtoTCP, Port: 80}), nil},
		{"dnat, masquerade, may drop", floating.trace("a", "172.24.4.10"), &PingResult{}},
	}
}

// The bytes of trace --json and of the drawn trace, as PRODUCT.md promises
// them.
func TestTraceOutputGolden(t *testing.T) {
	var js, text bytes.Buffer
	mark := func(r model.Role, s string) string { return fmt.Sprintf("<%d>%s</>", r, s) }
	for _, c := range traceCases(t) {
		fmt.Fprintf(&js, "# %s\n", c.name)
		js.Write(JSON(c.tr, c.ping))
		fmt.Fprintf(&text, "# %s\n", c.name)
		Write(&text, c.tr, c.ping, model.NoPaint)
		Write(&text, c.tr, nil, mark)
	}
	t.Run("json", func(t *testing.T) { golden.RequireEqual(t, js.Bytes()) })
	t.Run("text", func(t *testing.T) { golden.RequireEqual(t, text.Bytes()) })
}
