package nsops

import (
	"fmt"

	"github.com/google/nftables/expr"
	"github.com/lazyns/lazyns/model"
)

// payload names a load from a packet header, in the context of what the
// rule established so far (which family, which transport protocol).
func (d *nftDecoder) payload(e *expr.Payload) *selector {
	raw := &selector{name: fmt.Sprintf("@%s,%d,%d", baseName(e.Base), e.Offset*8, e.Len*8), size: int(e.Len)}
	switch e.Base {
	case expr.PayloadBaseNetworkHeader:
		return d.networkField(e, raw)
	case expr.PayloadBaseTransportHeader:
		return d.transportField(e, raw)
	}
	return raw
}

func (d *nftDecoder) networkField(e *expr.Payload, raw *selector) *selector {
	off, n := int(e.Offset), int(e.Len)
	switch d.l3 {
	case model.AF_INET:
		switch {
		case off == 12 && n <= 4:
			return &selector{field: fSaddr, name: "ip saddr", size: n, family: model.AF_INET, hidesL3: true}
		case off == 16 && n <= 4:
			return &selector{field: fDaddr, name: "ip daddr", size: n, family: model.AF_INET, hidesL3: true}
		case off == 9 && n == 1:
			return &selector{field: fL4proto, name: "ip protocol", size: 1, hidesL3: true}
		}
	case model.AF_INET6:
		switch {
		case off == 8 && n <= 16:
			return &selector{field: fSaddr, name: "ip6 saddr", size: n, family: model.AF_INET6, hidesL3: true}
		case off == 24 && n <= 16:
			return &selector{field: fDaddr, name: "ip6 daddr", size: n, family: model.AF_INET6, hidesL3: true}
		case off == 6 && n == 1:
			return &selector{field: fL4proto, name: "ip6 nexthdr", size: 1, hidesL3: true}
		}
	}
	return raw
}

func (d *nftDecoder) transportField(e *expr.Payload, raw *selector) *selector {
	off, n := int(e.Offset), int(e.Len)
	proto := "th"
	if d.l4Known {
		proto = model.ProtoName(d.l4)
	}
	switch {
	case d.l4Known && (d.l4 == 1 || d.l4 == 58) && off == 0 && n == 1:
		name := "icmp type"
		if d.l4 == 58 {
			name = "icmpv6 type"
		}
		return &selector{field: fICMPType, name: name, size: 1, icmp6: d.l4 == 58, hidesL3: true, hidesL4: true}
	case (!d.l4Known || portProto(d.l4)) && off == 0 && n == 2:
		return &selector{field: fSport, name: proto + " sport", size: 2, hidesL4: d.l4Known}
	case (!d.l4Known || portProto(d.l4)) && off == 2 && n == 2:
		return &selector{field: fDport, name: proto + " dport", size: 2, hidesL4: d.l4Known}
	case d.l4Known && d.l4 == 6 && off == 13 && n == 1:
		return &selector{name: "tcp flags", size: 1, hidesL4: true}
	}
	return raw
}

func portProto(p uint8) bool {
	switch p {
	case 6, 17, 33, 132, 136:
		return true
	}
	return false
}

// use hides the dependencies a selector implies, as nft does when it
// prints "tcp dport 22" rather than "meta l4proto tcp tcp dport 22".
func (d *nftDecoder) use(s *selector) {
	if s.hidesL3 && d.l3Dep >= 0 {
		d.words[d.l3Dep].dep = true
	}
	if s.hidesL4 && d.l4Dep >= 0 {
		d.words[d.l4Dep].dep = true
	}
}
