package pcapfilter

import "golang.org/x/net/bpf"

// cond is a test on a packet, built by the parser and laid out as jumps by
// the emitter: atoms combined with and, or and not, and constants where
// the link type decides (arp can never match on a raw IP link).
type cond interface{ isCond() }

// atom loads a value into A and tests it: the unit of a BPF program.
type atom struct {
	load []bpf.Instruction
	test bpf.JumpTest // JumpEqual, JumpGreaterThan, JumpGreaterOrEqual or JumpBitsSet
	val  uint32
}

type andCond struct{ a, b cond } // a first, b only if a holds
type orCond struct{ a, b cond }  // a first, b only if a fails
type notCond struct{ a cond }
type constCond bool

// vlanMeta is the first "vlan" of a program for a packet socket: the
// kernel has usually taken the outer tag off the frame and keeps it beside
// it (SKF_AD_VLAN_TAG_PRESENT); if not, the tag is looked for in the frame
// and later tests read four bytes further (scratch register shiftReg).
type vlanMeta struct {
	id    uint32
	hasID bool
}

func (atom) isCond()      {}
func (andCond) isCond()   {}
func (orCond) isCond()    {}
func (notCond) isCond()   {}
func (constCond) isCond() {}
func (vlanMeta) isCond()  {}

// and, or and not fold constants away, so that what the link type rules
// out leaves no dead code, and an expression that can match nothing is
// seen as such.
func and(a, b cond) cond {
	switch {
	case a == constCond(false) || b == constCond(false):
		return constCond(false)
	case a == constCond(true):
		return b
	case b == constCond(true):
		return a
	}
	return andCond{a, b}
}

func or(a, b cond) cond {
	switch {
	case a == constCond(true) || b == constCond(true):
		return constCond(true)
	case a == constCond(false):
		return b
	case b == constCond(false):
		return a
	}
	return orCond{a, b}
}

func not(a cond) cond {
	if c, ok := a.(constCond); ok {
		return !c
	}
	return notCond{a}
}

// anyOf is a or b or … in that order.
func anyOf(cs ...cond) cond {
	r := cond(constCond(false))
	for _, c := range cs {
		r = or(r, c)
	}
	return r
}
