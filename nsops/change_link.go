package nsops

import (
	"errors"

	"github.com/lazyns/lazyns/model"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// AddVeth makes a veth pair with each end in its namespace. The peer is
// born in its namespace (IFLA_NET_NS_FD in the same message): there is no
// moment where a half-placed pair exists.
func (s *System) AddVeth(spec model.VethSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	return result(spec.Cmds(), s.addVeth(spec))
}

func (s *System) addVeth(spec model.VethSpec) error {
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: spec.Name}, PeerName: spec.PeerName}
	if spec.PeerNs != spec.Ns {
		peer, err := s.holdNamed(spec.PeerNs)
		if err != nil {
			return err
		}
		defer peer.close()
		veth.PeerNamespace = netlink.NsFd(peer.fd())
	}
	return s.inNs(spec.Ns, func(h *netlink.Handle) error {
		return s.vethAddErr(h.LinkAdd(veth), spec)
	})
}

// vethAddErr says why a veth pair could not be made.
func (s *System) vethAddErr(err error, spec model.VethSpec) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return s.whichExists(err, spec)
	}
	return kernelErr(err, "add veth "+model.Visible(spec.Name), spec.Ns)
}

// whichExists says which end's name was taken when a veth could not be
// made.
func (s *System) whichExists(err error, spec model.VethSpec) error {
	taken := func(ns, name string) bool {
		found := false
		_ = s.inNs(ns, func(h *netlink.Handle) error {
			_, lerr := linkByName(h, name)
			found = lerr == nil
			return nil
		})
		return found
	}
	if taken(spec.Ns, spec.Name) {
		return said(err, "a link named %s already exists in %s", model.Visible(spec.Name), model.NsLabel(spec.Ns))
	}
	if taken(spec.PeerNs, spec.PeerName) {
		return said(err, "a link named %s already exists in %s", model.Visible(spec.PeerName), model.NsLabel(spec.PeerNs))
	}
	return said(err, "a link named %s or %s already exists", model.Visible(spec.Name), model.Visible(spec.PeerName))
}

// AddBridge makes a bridge in a namespace.
func (s *System) AddBridge(spec model.BridgeSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	err := s.inNs(spec.Ns, func(h *netlink.Handle) error {
		return bridgeAddErr(h.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: spec.Name}}), spec)
	})
	return result(spec.Cmds(), err)
}

// bridgeAddErr says why a bridge could not be made.
func bridgeAddErr(err error, spec model.BridgeSpec) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return said(err, "a link named %s already exists in %s", model.Visible(spec.Name), model.NsLabel(spec.Ns))
	}
	return kernelErr(err, "add bridge "+model.Visible(spec.Name), spec.Ns)
}

// SetMaster makes a link a port of a bridge in the same namespace.
func (s *System) SetMaster(spec model.MasterSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	return result(spec.Cmds(), s.setMaster(spec))
}

func (s *System) setMaster(spec model.MasterSpec) error {
	what := "attach " + model.Visible(spec.Link) + " to bridge " + model.Visible(spec.Bridge)
	return s.onLink(spec.Ns, spec.Link, what, func(h *netlink.Handle, l netlink.Link) error {
		br, err := findBridge(h, spec.Ns, spec.Bridge)
		if err != nil {
			return wordsError{err.Error(), err}
		}
		return h.LinkSetMaster(l, br)
	})
}

// SetNoMaster detaches a link from its bridge.
func (s *System) SetNoMaster(ref model.LinkRef) ([]model.Cmd, error) {
	if err := s.begin(ref); err != nil {
		return nil, err
	}
	err := s.onLink(ref.Ns, ref.Name, "detach "+model.Visible(ref.Name), func(h *netlink.Handle, l netlink.Link) error {
		return h.LinkSetNoMaster(l)
	})
	return result(ref.NoMasterCmds(), err)
}

// SetLinkState brings a link up or down.
func (s *System) SetLinkState(spec model.LinkStateSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	return result(spec.Cmds(), s.setLinkState(spec))
}

func (s *System) setLinkState(spec model.LinkStateSpec) error {
	what := "set " + model.Visible(spec.Name) + " down"
	if spec.Up {
		what = "set " + model.Visible(spec.Name) + " up"
	}
	return s.onLink(spec.Ns, spec.Name, what, func(h *netlink.Handle, l netlink.Link) error {
		if spec.Up {
			return h.LinkSetUp(l)
		}
		return h.LinkSetDown(l)
	})
}

// MoveLink moves a link into another namespace. It keeps its name there;
// a link of that name in the target makes the move fail, and nothing moves.
func (s *System) MoveLink(spec model.MoveSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	to, err := s.holdNamed(spec.ToNs)
	if err != nil {
		return nil, err
	}
	defer to.close()
	err = s.onLink(spec.Ns, spec.Name, "move "+model.Visible(spec.Name)+" to "+model.NsLabel(spec.ToNs), func(h *netlink.Handle, l netlink.Link) error {
		err := h.LinkSetNsFd(l, to.fd())
		if errors.Is(err, unix.EEXIST) {
			return said(err, "a link named %s already exists in %s", model.Visible(spec.Name), model.NsLabel(spec.ToNs))
		}
		if errors.Is(err, unix.EINVAL) {
			return said(err, "%s cannot leave %s (the kernel keeps devices such as lo and bridges with ports in their namespace)", model.Visible(spec.Name), model.NsLabel(spec.Ns))
		}
		return err
	})
	return result(spec.Cmds(), err)
}

// RenameLink gives a link a new name in its namespace.
func (s *System) RenameLink(spec model.RenameSpec) ([]model.Cmd, error) {
	if err := s.begin(spec); err != nil {
		return nil, err
	}
	err := s.onLink(spec.Ns, spec.Name, "rename "+model.Visible(spec.Name), func(h *netlink.Handle, l netlink.Link) error {
		err := h.LinkSetName(l, spec.NewName)
		if errors.Is(err, unix.EEXIST) {
			return said(err, "a link named %s already exists in %s", model.Visible(spec.NewName), model.NsLabel(spec.Ns))
		}
		return err
	})
	return result(spec.Cmds(), err)
}

// DeleteLink deletes a link; a veth takes its peer with it.
func (s *System) DeleteLink(ref model.LinkRef) ([]model.Cmd, error) {
	if err := s.begin(ref); err != nil {
		return nil, err
	}
	err := s.onLink(ref.Ns, ref.Name, "delete "+model.Visible(ref.Name), func(h *netlink.Handle, l netlink.Link) error {
		return h.LinkDel(l)
	})
	return result(ref.DeleteCmds(), err)
}

// deleteLinkQuietly is an undo step: the link may be gone already (with
// its namespace, or its peer), which counts as done.
func (s *System) deleteLinkQuietly(ns, name string) {
	_ = s.inNs(ns, func(h *netlink.Handle) error {
		if l, err := linkByName(h, name); err == nil {
			return h.LinkDel(l)
		}
		return nil
	})
}
