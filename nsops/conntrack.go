package nsops

import (
	"sort"
	"strconv"

	"github.com/lazyns/lazyns/model"
	"github.com/ti-mo/conntrack"
)

// readConntrack dumps the connection tracking table through c, a
// ctnetlink socket opened inside the namespace.
func readConntrack(c *conntrack.Conn, acct bool) ([]model.ConnEntry, error) {
	flows, err := c.Dump(nil)
	if err != nil {
		return nil, err
	}
	entries := make([]model.ConnEntry, 0, len(flows))
	for i := range flows {
		entries = append(entries, connEntry(&flows[i], acct))
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := &entries[i], &entries[j]
		if a.Proto != b.Proto {
			return a.Proto < b.Proto
		}
		if c := a.Orig.Src.Compare(b.Orig.Src); c != 0 {
			return c < 0
		}
		return a.Orig.Dst.Compare(b.Orig.Dst) < 0
	})
	return entries, nil
}

func connEntry(f *conntrack.Flow, acct bool) model.ConnEntry {
	e := model.ConnEntry{
		Family:    model.AF_INET6,
		Proto:     f.TupleOrig.Proto.Protocol,
		Timeout:   f.Timeout,
		Orig:      connTuple(&f.TupleOrig, f.CountersOrig),
		Reply:     connTuple(&f.TupleReply, f.CountersReply),
		Assured:   f.Status.Assured(),
		Unreplied: !f.Status.SeenReply(),
		Counters:  acct,
		Mark:      f.Mark,
		Zone:      f.Zone,
		Use:       f.Use,
		ID:        f.ID,
	}
	if f.TupleOrig.IP.SourceAddress.Is4() {
		e.Family = model.AF_INET
	}
	switch {
	case f.ProtoInfo.TCP != nil:
		e.State = model.TCPStateName(f.ProtoInfo.TCP.State)
	case f.ProtoInfo.SCTP != nil:
		e.State = "sctp state " + strconv.Itoa(int(f.ProtoInfo.SCTP.State))
	case f.ProtoInfo.DCCP != nil:
		e.State = "dccp state " + strconv.Itoa(int(f.ProtoInfo.DCCP.State))
	}
	return e
}

func connTuple(t *conntrack.Tuple, c conntrack.Counter) model.ConnTuple {
	ct := model.ConnTuple{
		Src:     t.IP.SourceAddress,
		Dst:     t.IP.DestinationAddress,
		Packets: c.Packets,
		Bytes:   c.Bytes,
	}
	switch {
	case t.Proto.ICMPv4 || t.Proto.ICMPv6:
		ct.ICMP = true
		ct.Type, ct.Code, ct.ID = t.Proto.ICMPType, t.Proto.ICMPCode, t.Proto.ICMPID
	default:
		ct.Sport, ct.Dport = t.Proto.SourcePort, t.Proto.DestinationPort
	}
	return ct
}
