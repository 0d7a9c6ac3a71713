package pcapfilter

import (
	"fmt"
	"slices"

	"golang.org/x/net/bpf"
)

const (
	// snapLen is what an accepting program returns: the number of bytes
	// to keep, as tcpdump asks by default.
	snapLen = 262144
	// maxInstructions is the kernel's limit on a classic BPF program
	// (BPF_MAXINSNS).
	maxInstructions = 4096
	// shiftReg is the scratch register holding how far a VLAN tag found in
	// the frame (rather than in the kernel's metadata) moves later tests.
	shiftReg = 0
)

type label int

// item is one step of a program before jumps are resolved: an instruction,
// a conditional jump or an unconditional one to labels, or a label.
type item struct {
	ins    bpf.Instruction // plain instruction
	isJump bool
	test   bpf.JumpTest
	val    uint32
	t, f   label // targets of a conditional jump; t alone for "ja"
	isJA   bool
	mark   label // a label's position (when ins, isJump and isJA are unset)
	tramp  [2]bool
}

type emitter struct {
	items  []item
	labels int
}

func (e *emitter) newLabel() label {
	e.labels++
	return label(e.labels)
}

func (e *emitter) plain(ins ...bpf.Instruction) {
	for _, in := range ins {
		e.items = append(e.items, item{ins: in})
	}
}

func (e *emitter) jump(test bpf.JumpTest, val uint32, t, f label) {
	e.items = append(e.items, item{isJump: true, test: test, val: val, t: t, f: f})
}

func (e *emitter) ja(t label) { e.items = append(e.items, item{isJA: true, t: t}) }

func (e *emitter) place(l label) { e.items = append(e.items, item{mark: l}) }

// cond lays out c so that control reaches t when c holds and f when it
// does not. inA is the load whose value A is known to hold on entry (the
// previous atom's, when this code is only reached from it), so that
// "ldh [12]; jeq #0x8100; jeq #0x88a8" needs one load, as libpcap's does.
func (e *emitter) cond(c cond, t, f label, inA []bpf.Instruction) {
	switch c := c.(type) {
	case constCond:
		if c {
			e.ja(t)
		} else {
			e.ja(f)
		}
	case atom:
		if inA == nil || !slices.Equal(inA, c.load) {
			e.plain(c.load...)
		}
		e.jump(c.test, c.val, t, f)
	case notCond:
		e.cond(c.a, f, t, inA)
	case andCond:
		m := e.newLabel()
		e.cond(c.a, m, f, inA)
		e.place(m)
		e.cond(c.b, t, f, loadOf(c.a))
	case orCond:
		m := e.newLabel()
		e.cond(c.a, t, m, inA)
		e.place(m)
		e.cond(c.b, t, f, loadOf(c.a))
	case vlanMeta:
		e.vlanMeta(c, t, f)
	default:
		panic(fmt.Sprintf("pcapfilter: unknown condition %T", c))
	}
}

// loadOf is what A holds after c, if c is a single atom.
func loadOf(c cond) []bpf.Instruction {
	if a, ok := c.(atom); ok {
		return a.load
	}
	return nil
}

func (e *emitter) vlanMeta(v vlanMeta, t, f label) {
	present, inFrame, tagged := e.newLabel(), e.newLabel(), e.newLabel()
	e.plain(bpf.LoadExtension{Num: bpf.ExtVLANTagPresent})
	e.jump(bpf.JumpEqual, 1, present, inFrame)
	e.place(inFrame)
	// No tag beside the frame: a tag in it moves what follows (even when
	// this test fails, as libpcap's programs do).
	e.plain(bpf.LoadConstant{Dst: bpf.RegA, Val: 4}, bpf.StoreScratch{Src: bpf.RegA, N: shiftReg})
	tpid := []bpf.Instruction{bpf.LoadAbsolute{Off: 12, Size: 2}}
	e.cond(anyOf(
		atom{tpid, bpf.JumpEqual, etherTypeVLAN},
		atom{tpid, bpf.JumpEqual, etherTypeQinQ},
		atom{tpid, bpf.JumpEqual, etherTypeVLANOld},
	), tagged, f, nil)
	e.place(tagged)
	if v.hasID {
		e.cond(atom{[]bpf.Instruction{bpf.LoadAbsolute{Off: 14, Size: 2}, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0xfff}}, bpf.JumpEqual, v.id}, t, f, nil)
	} else {
		e.ja(t)
	}
	e.place(present)
	if v.hasID {
		e.cond(atom{[]bpf.Instruction{bpf.LoadExtension{Num: bpf.ExtVLANTag}, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0xfff}}, bpf.JumpEqual, v.id}, t, f, nil)
	} else {
		e.ja(t)
	}
}

// program lays out c as a complete program: accept (snapLen) when c holds,
// drop otherwise.
func program(c cond, prelude []bpf.Instruction) ([]bpf.RawInstruction, error) {
	if c == constCond(true) {
		return bpf.Assemble([]bpf.Instruction{bpf.RetConstant{Val: snapLen}})
	}
	var e emitter
	accept, drop := e.newLabel(), e.newLabel()
	e.plain(prelude...)
	e.cond(c, accept, drop, nil)
	e.place(accept)
	e.plain(bpf.RetConstant{Val: snapLen})
	e.place(drop)
	e.plain(bpf.RetConstant{Val: 0})
	insns := e.resolve()
	if len(insns) > maxInstructions {
		return nil, &Error{Msg: fmt.Sprintf("the expression needs %d instructions, more than the kernel's %d", len(insns), maxInstructions)}
	}
	return bpf.Assemble(insns)
}

// resolve turns labels into jump offsets. A conditional jump reaches at
// most 255 instructions ahead; a farther target is reached through an
// unconditional jump placed right after it, and since those move what
// follows, layout repeats until nothing more needs one.
func (e *emitter) resolve() []bpf.Instruction {
	items := e.dropJumpsToNext()
	pos := make([]int, len(items))
	at := map[label]int{}
	for {
		n := 0
		for i, it := range items {
			pos[i] = n
			switch {
			case it.isJump:
				n += 1 + trampolines(it)
			case it.isJA || it.ins != nil:
				n++
			default:
				at[it.mark] = n
			}
		}
		again := false
		for i := range items {
			it := &items[i]
			for b, target := range []label{it.t, it.f} {
				if it.isJump && !it.tramp[b] && at[target]-(pos[i]+1) > 255 {
					it.tramp[b], again = true, true
				}
			}
		}
		if !again {
			break
		}
	}
	var out []bpf.Instruction
	for i, it := range items {
		switch {
		case it.isJump:
			var skip [2]uint8
			var tramps []bpf.Instruction
			for b, target := range []label{it.t, it.f} {
				if it.tramp[b] {
					slot := pos[i] + 1 + len(tramps)
					skip[b] = uint8(len(tramps))
					tramps = append(tramps, bpf.Jump{Skip: uint32(at[target] - (slot + 1))})
				} else {
					skip[b] = uint8(at[target] - (pos[i] + 1))
				}
			}
			out = append(out, bpf.JumpIf{Cond: it.test, Val: it.val, SkipTrue: skip[0], SkipFalse: skip[1]})
			out = append(out, tramps...)
		case it.isJA:
			out = append(out, bpf.Jump{Skip: uint32(at[it.t] - (pos[i] + 1))})
		case it.ins != nil:
			out = append(out, it.ins)
		}
	}
	return out
}

func trampolines(it item) int {
	n := 0
	for _, tr := range it.tramp {
		if tr {
			n++
		}
	}
	return n
}

// dropJumpsToNext removes "ja L" where L comes right after it.
func (e *emitter) dropJumpsToNext() []item {
	var out []item
	for i, it := range e.items {
		if it.isJA {
			next := false
			for _, after := range e.items[i+1:] {
				if after.isJump || after.isJA || after.ins != nil {
					break
				}
				if after.mark == it.t {
					next = true
					break
				}
			}
			if next {
				continue
			}
		}
		out = append(out, it)
	}
	return out
}
