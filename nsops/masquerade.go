package nsops

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/lazyns/lazyns/model"
	mdnetlink "github.com/mdlayher/netlink"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// A masquerade is written through nftables's netlink API into lazyns's
// own table (model.MasqTable), as the nft commands model.MasqueradeSpec
// echoes would write it. The table, its chain and the rule go to the
// kernel in one nftables transaction: they are made together or not at
// all, so a failure leaves nothing to undo.

// AddMasquerade masquerades spec.Src out of link spec.Out in spec.Ns.
func (s *System) AddMasquerade(spec model.MasqueradeSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	ns := spec.Ns
	if err := beforeStep("masquerade: link"); err != nil {
		return nil, err
	}
	// The rule names the link, as iptables -o does, and would take a name
	// that does not exist: the snapshot the form checked may be old, so
	// the link is looked for now.
	if err := s.inNs(ns, func(h *netlink.Handle) error { _, err := findLink(h, ns, spec.Out); return err }); err != nil {
		return nil, err
	}
	if err := beforeStep("masquerade: rule"); err != nil {
		return nil, err
	}
	err := s.inNft(ns, func(c nftSockets) error {
		if _, ok, err := findMasquerade(c, spec); err != nil {
			return err
		} else if ok {
			return fmt.Errorf("%s is already masqueraded out of %s in %s", spec.Src, model.Visible(spec.Out), model.NsLabel(ns))
		}
		fam := masqFamily(spec)
		t := c.lib.AddTable(&nftables.Table{Family: fam, Name: model.MasqTable})
		hook, policy := nftables.ChainHookPostrouting, nftables.ChainPolicyAccept
		ch := c.lib.AddChain(&nftables.Chain{Name: model.MasqChain, Table: t, Type: nftables.ChainTypeNAT,
			Hooknum: hook, Priority: nftables.ChainPriorityNATSource, Policy: &policy})
		c.lib.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: masqExprs(spec)})
		if err := c.lib.Flush(); err != nil {
			return nftErr(err, "masquerade "+spec.Src+" out of "+model.Visible(spec.Out), ns)
		}
		return nil
	})
	return result(spec.AddCmds(), err)
}

// DeleteMasquerade removes the masquerade spec names from lazyns's table,
// and the table with it when it was the table's last rule.
func (s *System) DeleteMasquerade(spec model.MasqueradeSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	var cmds []model.Cmd
	err := s.inNft(spec.Ns, func(c nftSockets) error {
		found, ok, err := findMasquerade(c, spec)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no masquerade of %s out of %s in %s's table %s %s (lazyns removes only the masquerades it made)",
				model.Visible(spec.Src), model.Visible(spec.Out), model.NsLabel(spec.Ns), spec.Family(), model.MasqTable)
		}
		t := &nftables.Table{Family: masqFamily(spec), Name: model.MasqTable}
		last := found.lastInTable
		if last {
			c.lib.DelTable(t)
		} else if err := c.lib.DelRule(&nftables.Rule{Table: t, Chain: &nftables.Chain{Name: model.MasqChain, Table: t}, Handle: found.handle}); err != nil {
			return err
		}
		if err := c.lib.Flush(); err != nil {
			return nftErr(err, "delete the masquerade of "+spec.Src, spec.Ns)
		}
		cmds = spec.DeleteCmds(found.handle, last)
		return nil
	})
	return result(cmds, err)
}

func masqFamily(spec model.MasqueradeSpec) nftables.TableFamily {
	if spec.Family() == "ip6" {
		return nftables.TableFamilyIPv6
	}
	return nftables.TableFamilyIPv4
}

// masqExprs are the expressions nft makes of `ip saddr PREFIX oifname
// "OUT" counter masquerade`.
func masqExprs(spec model.MasqueradeSpec) []expr.Any {
	p := netip.MustParsePrefix(spec.Src)
	offset, n := uint32(12), uint32(4) // the IPv4 header's source address
	if p.Addr().Is6() {
		offset, n = 8, 16
	}
	e := []expr.Any{&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: n}}
	if p.Bits() < p.Addr().BitLen() {
		e = append(e, &expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: n,
			Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen()), Xor: make([]byte, n)})
	}
	name := make([]byte, unix.IFNAMSIZ)
	copy(name, spec.Out)
	return append(e,
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: p.Masked().Addr().AsSlice()},
		&expr.Meta{Key: expr.MetaKeyOIFNAME, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: name},
		&expr.Counter{},
		&expr.Masq{})
}

type foundMasq struct {
	handle uint64
	// lastInTable: the rule is all lazyns's table holds.
	lastInTable bool
}

// findMasquerade looks for spec's rule in lazyns's table, reading the
// ruleset as the Firewall view does.
func findMasquerade(c nftSockets, spec model.MasqueradeSpec) (foundMasq, bool, error) {
	tables, err := readRuleset(c, func(uint32) (string, bool) { return "", false })
	if err != nil {
		return foundMasq{}, false, fmt.Errorf("read the firewall of %s: %w", model.NsLabel(spec.Ns), err)
	}
	fw := &model.Firewall{Tables: tables}
	for _, m := range model.Masquerades(spec.Ns, fw) {
		if !m.Spec.Same(spec) || m.Spec.Family() != spec.Family() {
			continue
		}
		f := foundMasq{handle: m.Handle}
		for i := range tables {
			t := &tables[i]
			if t.Name == model.MasqTable && t.Family == spec.Family() {
				f.lastInTable = len(t.Chains) == 1 && len(t.Chains[0].Rules) == 1
			}
		}
		return f, true, nil
	}
	return foundMasq{}, false, nil
}

// inNft runs fn with nftables sockets opened inside namespace ns,
// through the doorway (the library's WithNetNSFd would switch a thread
// itself).
func (s *System) inNft(ns string, fn func(nftSockets) error) error {
	held, err := s.holdNamed(ns)
	if err != nil {
		return err
	}
	defer held.close()
	var c nftSockets
	defer func() {
		if c.lib != nil {
			c.lib.CloseLasting()
		}
		if c.nl != nil {
			c.nl.Close()
		}
	}()
	err = held.do(func() error {
		var err error
		if c.lib, err = nftables.New(nftables.AsLasting()); err != nil {
			return err
		}
		c.nl, err = mdnetlink.Dial(unix.NETLINK_NETFILTER, nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("open nftables in %s: %w", model.NsLabel(ns), err)
	}
	return fn(c)
}

// nftErr says a refused nftables transaction in words where it can.
func nftErr(err error, what, ns string) error {
	var errno unix.Errno
	if errors.As(err, &errno) && errno == unix.ENOENT {
		return said(err, "%s in %s: the kernel has no nftables nat support (modprobe nft_chain_nat nft_masq)", what, model.NsLabel(ns))
	}
	return kernelErr(err, what, ns)
}
