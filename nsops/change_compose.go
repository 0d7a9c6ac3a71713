package nsops

import (
	"net"
	"slices"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink"
)

// VethInto makes what the veth form asks for in one go: the pair (peer
// born in its namespace), the near end on a bridge, addresses on both
// ends, both ends up, and lo up in both namespaces (spec.LoUp). If any
// step fails, deleting the pair takes back everything done before it
// (ports, addresses and states go with the links), and a lo brought up
// goes down again.
func (s *System) VethInto(spec model.VethIntoSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	var undo undoStack
	ok := false
	defer func() {
		if !ok {
			undo.run()
		}
	}()
	type step struct {
		name string
		do   func() error
		skip bool
	}
	steps := []step{
		{name: "veth", do: func() error { return s.addVeth(spec.Veth()) }},
		{name: "master", skip: spec.Bridge == "", do: func() error {
			return s.setMaster(model.MasterSpec{Ns: spec.Ns, Link: spec.Name, Bridge: spec.Bridge})
		}},
		{name: "addr", skip: spec.Addr == "", do: func() error {
			return s.addAddr(model.AddrSpec{Ns: spec.Ns, Dev: spec.Name, CIDR: spec.Addr})
		}},
		{name: "peer addr", skip: spec.PeerAddr == "", do: func() error {
			return s.addAddr(model.AddrSpec{Ns: spec.PeerNs, Dev: spec.PeerName, CIDR: spec.PeerAddr})
		}},
		{name: "up", do: func() error {
			return s.setLinkState(model.LinkStateSpec{Ns: spec.Ns, Name: spec.Name, Up: true})
		}},
		{name: "peer up", do: func() error {
			return s.setLinkState(model.LinkStateSpec{Ns: spec.PeerNs, Name: spec.PeerName, Up: true})
		}},
	}
	for _, ns := range spec.LoUp() {
		name := "peer lo up"
		if ns == spec.Ns {
			name = "lo up"
		}
		steps = append(steps, step{name: name, do: func() error { return s.loUp(ns, &undo) }})
	}
	for _, st := range steps {
		if st.skip {
			continue
		}
		if err := beforeStep(st.name); err != nil {
			return nil, err
		}
		if err := st.do(); err != nil {
			return nil, err
		}
		if st.name == "veth" {
			undo.push(func() { s.deleteLinkQuietly(spec.Ns, spec.Name) })
		}
	}
	ok = true
	return spec.Cmds(), nil
}

// loUp brings lo up in ns. If it was down, undo takes it down again and
// removes the addresses the kernel gave it on the way up (127.0.0.1/8
// stays when lo goes down), so a failed change leaves lo as it was.
func (s *System) loUp(ns string, undo *undoStack) error {
	return s.onLink(ns, "lo", "set lo up", func(h *netlink.Handle, l netlink.Link) error {
		if l.Attrs().Flags&net.FlagUp != 0 {
			return nil
		}
		had, err := addrList(h, l)
		if err != nil {
			return err
		}
		if err := h.LinkSetUp(l); err != nil {
			return err
		}
		undo.push(func() {
			_ = s.onLink(ns, "lo", "set lo down", func(h *netlink.Handle, l netlink.Link) error {
				if err := h.LinkSetDown(l); err != nil {
					return err
				}
				now, err := addrList(h, l)
				if err != nil {
					return err
				}
				for i := range now {
					if !slices.ContainsFunc(had, now[i].Equal) {
						_ = h.AddrDel(l, &now[i])
					}
				}
				return nil
			})
		})
		return nil
	})
}
