package nsops

import (
	"encoding/binary"
	"fmt"

	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// nftExpr is one expression of a rule: the kernel's name for its kind and,
// where the nftables library has a type for that kind and could read it,
// the decoded value.
type nftExpr struct {
	name string
	e    expr.Any
}

// nftRuleMsg is one rule as the kernel sent it.
type nftRuleMsg struct {
	family  byte
	table   string
	chain   string
	handle  uint64
	exprs   []nftExpr
	comment string
}

func nftMsgType(t int) netlink.HeaderType {
	return netlink.HeaderType(unix.NFNL_SUBSYS_NFTABLES<<8 | t)
}

// nftGeneration asks the ruleset's generation, which every change bumps:
// a read is consistent when the generation is the same before and after.
func nftGeneration(c *netlink.Conn) (uint32, error) {
	msgs, err := c.Execute(netlink.Message{
		Header: netlink.Header{Type: nftMsgType(unix.NFT_MSG_GETGEN), Flags: netlink.Request},
		Data:   []byte{unix.AF_UNSPEC, unix.NFNETLINK_V0, 0, 0},
	})
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if len(m.Data) < 4 {
			continue
		}
		ad, err := netlink.NewAttributeDecoder(m.Data[4:])
		if err != nil {
			return 0, err
		}
		ad.ByteOrder = binary.BigEndian
		for ad.Next() {
			if ad.Type() == unix.NFTA_GEN_ID {
				return ad.Uint32(), nil
			}
		}
	}
	return 0, fmt.Errorf("the kernel sent no ruleset generation")
}

// dumpNftRules reads every rule of every table in one dump.
//
// This is read here rather than with the library's GetRules (one dump per
// chain): GetRules skips, without a word, every expression whose kind the
// library has no type for (rt, socket, tproxy, osf, xfrm, …) and fails the
// whole read on one it cannot decode. A rule that lost an expression
// would look like it matches more than it does, and a trace would believe
// it; here such an expression is kept by its name, and the rule says it is
// not understood.
func dumpNftRules(c *netlink.Conn) ([]nftRuleMsg, error) {
	msgs, err := c.Execute(netlink.Message{
		Header: netlink.Header{Type: nftMsgType(unix.NFT_MSG_GETRULE), Flags: netlink.Request | netlink.Dump},
		Data:   []byte{unix.AF_UNSPEC, unix.NFNETLINK_V0, 0, 0},
	})
	if err != nil {
		return nil, err
	}
	rules := make([]nftRuleMsg, 0, len(msgs))
	for _, m := range msgs {
		if m.Header.Flags&netlink.DumpInterrupted != 0 {
			return nil, errDumpInconsistent
		}
		if m.Header.Type != nftMsgType(unix.NFT_MSG_NEWRULE) || len(m.Data) < 4 {
			continue
		}
		r, err := parseNftRule(m.Data)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// parseNftRule reads a NEWRULE message: the nfgenmsg header, then the
// rule's attributes.
func parseNftRule(b []byte) (nftRuleMsg, error) {
	r := nftRuleMsg{family: b[0]}
	ad, err := netlink.NewAttributeDecoder(b[4:])
	if err != nil {
		return r, err
	}
	ad.ByteOrder = binary.BigEndian
	for ad.Next() {
		switch ad.Type() {
		case unix.NFTA_RULE_TABLE:
			r.table = ad.String()
		case unix.NFTA_RULE_CHAIN:
			r.chain = ad.String()
		case unix.NFTA_RULE_HANDLE:
			r.handle = ad.Uint64()
		case unix.NFTA_RULE_USERDATA:
			if c, ok := userdata.GetString(ad.Bytes(), userdata.TypeComment); ok {
				r.comment = c
			}
		case unix.NFTA_RULE_EXPRESSIONS:
			ad.Nested(func(nad *netlink.AttributeDecoder) error {
				for nad.Next() {
					if nad.Type()&^unix.NLA_F_NESTED != unix.NFTA_LIST_ELEM {
						continue
					}
					r.exprs = append(r.exprs, parseNftExpr(r.family, nad.Bytes()))
				}
				return nad.Err()
			})
		}
	}
	return r, ad.Err()
}

// parseNftExpr reads one NFTA_LIST_ELEM: the expression's name and data.
func parseNftExpr(family byte, b []byte) nftExpr {
	var x nftExpr
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return nftExpr{name: "?"}
	}
	ad.ByteOrder = binary.BigEndian
	var data []byte
	for ad.Next() {
		switch ad.Type() &^ unix.NLA_F_NESTED {
		case unix.NFTA_EXPR_NAME:
			x.name = ad.String()
		case unix.NFTA_EXPR_DATA:
			data = ad.Bytes()
		}
	}
	e := newNftExpr(x.name)
	if e == nil {
		return x
	}
	if err := expr.Unmarshal(family, data, e); err != nil {
		return x
	}
	// A verdict is an immediate that writes the verdict register.
	if imm, ok := e.(*expr.Immediate); ok && imm.Register == unix.NFT_REG_VERDICT && len(imm.Data) == 0 {
		v := &expr.Verdict{}
		if err := expr.Unmarshal(family, data, v); err != nil {
			return x
		}
		e = v
	}
	x.e = e
	return x
}

// newNftExpr is the library's type for an expression kind, or nil.
func newNftExpr(name string) expr.Any {
	switch name {
	case "bitwise":
		return &expr.Bitwise{}
	case "byteorder":
		return &expr.Byteorder{}
	case "cmp":
		return &expr.Cmp{}
	case "connlimit":
		return &expr.Connlimit{}
	case "counter":
		return &expr.Counter{}
	case "ct":
		return &expr.Ct{}
	case "dup":
		return &expr.Dup{}
	case "dynset":
		return &expr.Dynset{}
	case "exthdr":
		return &expr.Exthdr{}
	case "fib":
		return &expr.Fib{}
	case "hash":
		return &expr.Hash{}
	case "immediate":
		return &expr.Immediate{}
	case "limit":
		return &expr.Limit{}
	case "log":
		return &expr.Log{}
	case "lookup":
		return &expr.Lookup{}
	case "masq":
		return &expr.Masq{}
	case "match":
		return &expr.Match{}
	case "meta":
		return &expr.Meta{}
	case "nat":
		return &expr.NAT{}
	case "notrack":
		return &expr.Notrack{}
	case "numgen":
		return &expr.Numgen{}
	case "objref":
		return &expr.Objref{}
	case "payload":
		return &expr.Payload{}
	case "queue":
		return &expr.Queue{}
	case "quota":
		return &expr.Quota{}
	case "range":
		return &expr.Range{}
	case "redir":
		return &expr.Redir{}
	case "reject":
		return &expr.Reject{}
	case "rt":
		return &expr.Rt{}
	case "target":
		return &expr.Target{}
	}
	return nil
}
