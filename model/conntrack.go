package model

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Conntrack is a namespace's connection tracking table.
type Conntrack struct {
	Entries []ConnEntry
	// Count is how many entries the namespace holds
	// (net.netfilter.nf_conntrack_count) and Max how many the host allows
	// (nf_conntrack_max, shared by every namespace); both -1 when
	// connection tracking is not loaded.
	Count, Max int
}

// ConnTuple is one direction of a connection as the kernel expects to see
// it: addresses, and ports (TCP, UDP, SCTP, DCCP) or ICMP type, code and id.
type ConnTuple struct {
	Src, Dst     netip.Addr
	Sport, Dport uint16
	// ICMP holds Type, Code and ID (ICMP and ICMPv6).
	ICMP           bool
	Type, Code     uint8
	ID             uint16
	Packets, Bytes uint64
}

// ConnEntry is one tracked connection, as `conntrack -L` lists it.
type ConnEntry struct {
	// Family is AF_INET or AF_INET6.
	Family int
	Proto  uint8
	// State is the protocol's own state (TCP: ESTABLISHED, TIME_WAIT…);
	// empty for protocols without one.
	State string
	// Timeout is how many seconds the entry has left.
	Timeout uint32
	// Orig is the direction of the connection's first packet, Reply the
	// direction back, as the kernel will see it after NAT.
	Orig, Reply ConnTuple
	// Assured: traffic seen both ways long enough that the entry is kept
	// under pressure; Unreplied: nothing came back yet.
	Assured, Unreplied bool
	// Counters says Packets and Bytes of the tuples were counted
	// (net.netfilter.nf_conntrack_acct).
	Counters bool
	Mark     uint32
	Zone     uint16
	Use      uint32
	ID       uint32
}

// SNAT reports that the source was translated: the reply goes to another
// address (or port) than the original came from.
func (e *ConnEntry) SNAT() bool {
	return e.Reply.Dst != e.Orig.Src || (!e.Orig.ICMP && e.Reply.Dport != e.Orig.Sport)
}

// DNAT reports that the destination was translated: the reply comes from
// another address (or port) than the original went to.
func (e *ConnEntry) DNAT() bool {
	return e.Reply.Src != e.Orig.Dst || (!e.Orig.ICMP && e.Reply.Sport != e.Orig.Dport)
}

// tupleText writes a tuple as conntrack -L does: "src=… dst=… sport=…
// dport=…" or ICMP's "type=… code=… id=…", with its counters.
func tupleText(b *strings.Builder, t *ConnTuple, counters bool) {
	b.WriteString("src=" + t.Src.String() + " dst=" + t.Dst.String())
	if t.ICMP {
		b.WriteString(" type=" + strconv.Itoa(int(t.Type)) + " code=" + strconv.Itoa(int(t.Code)) +
			" id=" + strconv.Itoa(int(t.ID)))
	} else if t.Sport != 0 || t.Dport != 0 {
		b.WriteString(" sport=" + strconv.Itoa(int(t.Sport)) + " dport=" + strconv.Itoa(int(t.Dport)))
	}
	if counters {
		b.WriteString(" packets=" + strconv.FormatUint(t.Packets, 10) + " bytes=" + strconv.FormatUint(t.Bytes, 10))
	}
}

// ConnText is the entry as `conntrack -L` prints it, with what lazyns
// adds at the end: "snat", "dnat" where the reply shows a translation.
func ConnText(e *ConnEntry) string {
	var b strings.Builder
	// conntrack pads the name to eight columns.
	fmt.Fprintf(&b, "%-8s %d %d ", ConnProtoName(e.Proto), e.Proto, e.Timeout)
	if e.State != "" {
		b.WriteString(e.State + " ")
	}
	tupleText(&b, &e.Orig, e.Counters)
	if e.Unreplied {
		b.WriteString(" [UNREPLIED]")
	}
	b.WriteString(" ")
	tupleText(&b, &e.Reply, e.Counters)
	if e.Assured {
		b.WriteString(" [ASSURED]")
	}
	b.WriteString(" mark=" + strconv.FormatUint(uint64(e.Mark), 10))
	if e.Zone != 0 {
		b.WriteString(" zone=" + strconv.Itoa(int(e.Zone)))
	}
	b.WriteString(" use=" + strconv.FormatUint(uint64(e.Use), 10))
	if e.SNAT() {
		b.WriteString("  snat")
	}
	if e.DNAT() {
		b.WriteString("  dnat")
	}
	return b.String()
}

// ConnProtoName is conntrack's name for a protocol: icmpv6 rather than
// ipv6-icmp, and "unknown" for those it has no tracker for.
func ConnProtoName(p uint8) string {
	switch p {
	case 1, 6, 17, 33, 47, 132, 136:
		if p == 136 {
			return "udplite"
		}
		return ProtoName(p)
	case 58:
		return "icmpv6"
	}
	return "unknown"
}

// TCPStateName is the kernel's name for a TCP conntrack state
// (tcp_conntrack_names).
func TCPStateName(s uint8) string {
	names := []string{"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
		"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"}
	if int(s) < len(names) {
		return names[s]
	}
	return strconv.Itoa(int(s))
}
