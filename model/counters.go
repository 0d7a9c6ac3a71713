package model

import (
	"strconv"
	"time"
)

// LinkStats are a link's counters as the kernel keeps them
// (IFLA_STATS64, struct rtnl_link_stats64), in its order.
type LinkStats struct {
	RxPackets, TxPackets uint64
	RxBytes, TxBytes     uint64
	RxErrors, TxErrors   uint64
	RxDropped, TxDropped uint64
	Multicast            uint64
	Collisions           uint64

	RxLengthErrors, RxOverErrors, RxCRCErrors       uint64
	RxFrameErrors, RxFIFOErrors, RxMissedErrors     uint64
	TxAbortedErrors, TxCarrierErrors                uint64
	TxFIFOErrors, TxHeartbeatErrors, TxWindowErrors uint64
	RxCompressed, TxCompressed                      uint64
	RxNoHandler                                     uint64
	RxOtherhostDropped                              uint64
}

// statsFields writes "stats64" as ip -s -j prints it (one -s:
// print_stats64 in iproute2's ip/ipaddress.c): the compressed counters
// only when not zero, as ip does.
func (w *jsonWriter) statsFields(s *LinkStats) {
	w.beginObject("stats64")
	w.beginObject("rx")
	w.uint("bytes", s.RxBytes)
	w.uint("packets", s.RxPackets)
	w.uint("errors", s.RxErrors)
	w.uint("dropped", s.RxDropped)
	w.uint("over_errors", s.RxOverErrors)
	w.uint("multicast", s.Multicast)
	if s.RxCompressed != 0 {
		w.uint("compressed", s.RxCompressed)
	}
	w.endObject()
	w.beginObject("tx")
	w.uint("bytes", s.TxBytes)
	w.uint("packets", s.TxPackets)
	w.uint("errors", s.TxErrors)
	w.uint("dropped", s.TxDropped)
	w.uint("carrier_errors", s.TxCarrierErrors)
	w.uint("collisions", s.Collisions)
	if s.TxCompressed != 0 {
		w.uint("compressed", s.TxCompressed)
	}
	w.endObject()
	w.endObject()
}

// CountersText is a link's counters in a few words, one phrase per
// direction for lazyns show: "rx 12 pkts 1.2 kB" and "tx 10 pkts 840 B",
// with drops and errors added only when there are some, so that a clean
// link reads short. trouble says whether there are.
func CountersText(s *LinkStats) (rx, tx string, trouble bool) {
	rx = string(appendTrouble(appendCount([]byte("rx "), s.RxPackets, s.RxBytes), s.RxDropped, s.RxErrors))
	tx = string(appendTrouble(appendCount([]byte("tx "), s.TxPackets, s.TxBytes), s.TxDropped, s.TxErrors))
	return rx, tx, s.RxDropped+s.RxErrors+s.TxDropped+s.TxErrors != 0
}

func appendCount(b []byte, packets, bytes uint64) []byte {
	b = strconv.AppendUint(b, packets, 10)
	b = append(b, " pkts "...)
	return append(b, HumanBytes(float64(bytes))...)
}

func appendTrouble(b []byte, dropped, errors uint64) []byte {
	if dropped != 0 {
		b = append(b, ", "...)
		b = strconv.AppendUint(b, dropped, 10)
		b = append(b, " dropped"...)
	}
	if errors != 0 {
		b = append(b, ", "...)
		b = strconv.AppendUint(b, errors, 10)
		b = append(b, " errors"...)
	}
	return b
}

// HumanBytes is a byte count in SI units with three significant digits at
// most ("840 B", "1.2 kB", "24.1 MB"), as a rate or a total is read at a
// glance.
func HumanBytes(n float64) string {
	const units = "kMGTPE"
	if n < 1000 {
		return strconv.FormatFloat(n, 'f', 0, 64) + " B"
	}
	i := -1
	for n >= 1000 && i < len(units)-1 {
		n /= 1000
		i++
	}
	prec := 1
	if n >= 100 {
		prec = 0
	}
	return strconv.FormatFloat(n, 'f', prec, 64) + " " + units[i:i+1] + "B"
}

// Counter names one counter of LinkStats, for saying which moved.
type Counter uint16

const (
	RxPackets Counter = 1 << iota
	RxBytes
	RxDropped
	RxErrors
	TxPackets
	TxBytes
	TxDropped
	TxErrors
)

// LinkRate is how a link's counters moved between two readings.
type LinkRate struct {
	// Per second over the time between the readings.
	RxBytes, RxPackets, TxBytes, TxPackets float64
	// Moved holds the counters that changed.
	Moved Counter
	// Reset says the counters cannot be compared: the link was made
	// again (another ifindex), its counters went down, or one of the
	// readings has none. The rates are then zero, not a guess.
	Reset bool
}

// Receiving reports packets arriving; Sending, packets leaving. A link
// that receives and sends nothing (the qr- port of a broken router) is
// told apart from an idle one by these two.
func (r LinkRate) Receiving() bool { return r.Moved&RxPackets != 0 }
func (r LinkRate) Sending() bool   { return r.Moved&TxPackets != 0 }

// Trouble reports drops or errors counted since the last reading.
func (r LinkRate) Trouble() bool {
	return r.Moved&(RxDropped|RxErrors|TxDropped|TxErrors) != 0
}

// RateOf compares two readings of a link taken elapsed apart. before and
// after are the same link only if they have the same ifindex (an index is
// not reused while a namespace lives, so a link made again gets a new one);
// a counter that went down means the link was made again under the same
// index in a namespace made again, or the counters were reset.
func RateOf(before, after *Link, elapsed time.Duration) LinkRate {
	if before == nil || after == nil || before.Stats == nil || after.Stats == nil || before.Index != after.Index {
		return LinkRate{Reset: true}
	}
	b, a := before.Stats, after.Stats
	pairs := [...]struct {
		c             Counter
		before, after uint64
	}{
		{RxPackets, b.RxPackets, a.RxPackets}, {RxBytes, b.RxBytes, a.RxBytes},
		{RxDropped, b.RxDropped, a.RxDropped}, {RxErrors, b.RxErrors, a.RxErrors},
		{TxPackets, b.TxPackets, a.TxPackets}, {TxBytes, b.TxBytes, a.TxBytes},
		{TxDropped, b.TxDropped, a.TxDropped}, {TxErrors, b.TxErrors, a.TxErrors},
	}
	var r LinkRate
	for _, p := range pairs {
		if p.after < p.before {
			return LinkRate{Reset: true}
		}
		if p.after != p.before {
			r.Moved |= p.c
		}
	}
	if elapsed <= 0 {
		return r
	}
	sec := elapsed.Seconds()
	r.RxBytes = float64(a.RxBytes-b.RxBytes) / sec
	r.RxPackets = float64(a.RxPackets-b.RxPackets) / sec
	r.TxBytes = float64(a.TxBytes-b.TxBytes) / sec
	r.TxPackets = float64(a.TxPackets-b.TxPackets) / sec
	return r
}

// LinkRates pairs the links of two readings of a namespace, by ifindex,
// and gives the rate of each link of after, keyed by its index. A link of
// after whose index before lacks is new, or made again under its old name:
// its rate is Reset.
func LinkRates(before, after *Namespace, elapsed time.Duration) map[int]LinkRate {
	out := make(map[int]LinkRate, len(after.Links))
	for i := range after.Links {
		l := &after.Links[i]
		var prev *Link
		if before != nil {
			prev = before.Link(l.Index)
		}
		out[l.Index] = RateOf(prev, l, elapsed)
	}
	return out
}

// Traffic is the bytes per second through a namespace's links, received
// and sent, for ordering namespaces by how busy they are.
func Traffic(rates map[int]LinkRate) float64 {
	var sum float64
	for _, r := range rates {
		sum += r.RxBytes + r.TxBytes
	}
	return sum
}
