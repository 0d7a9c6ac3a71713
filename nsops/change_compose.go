package nsops

import "github.com/lazyns/lazyns/model"

// VethInto makes what the veth form asks for in one go: the pair (peer
// born in its namespace), the near end on a bridge, addresses on both
// ends, both ends up, and lo up where the peer went. If any step fails,
// deleting the pair takes back everything done before it (ports,
// addresses and states go with the links); lo up comes last, so nothing
// fails after it.
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
	steps := []struct {
		name string
		do   func() error
		skip bool
	}{
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
		{name: "lo up", skip: spec.PeerNs == "" || spec.PeerNs == spec.Ns, do: func() error {
			return s.setLinkState(model.LinkStateSpec{Ns: spec.PeerNs, Name: "lo", Up: true})
		}},
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
