package pcapfilter

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
)

// longExprs build programs of several hundred instructions, so that
// conditional jumps (which reach 255 instructions at most) need the
// unconditional ones the emitter inserts.
func longExprs() []string {
	var hosts, ports []string
	for i := 1; i <= 40; i++ {
		hosts = append(hosts, fmt.Sprintf("host 10.0.%d.%d", i%3, i))
	}
	for i := 40; i <= 70; i++ {
		ports = append(ports, fmt.Sprintf("port %d", i))
	}
	return []string{
		strings.Join(hosts, " or "),
		"not (" + strings.Join(ports, " or ") + ")",
		"(" + strings.Join(ports, " or ") + ") and host 10.0.0.1",
		"vlan and (" + strings.Join(ports, " or ") + ")",
	}
}

func TestLongProgramsAgreeWithLibpcap(t *testing.T) {
	var st oracleStats
	far := 0
	for _, expr := range longExprs() {
		if !judge(t, compileSavefile, expr, layers.LinkTypeEthernet, &st) {
			continue
		}
		prog, _ := Compile(expr, layers.LinkTypeEthernet, Savefile)
		insns, _ := bpf.Disassemble(prog)
		if len(insns) <= 255 {
			t.Errorf("%q: only %d instructions; the test wants jumps beyond 255", expr, len(insns))
		}
		for _, in := range insns {
			if j, ok := in.(bpf.Jump); ok && j.Skip > 255 {
				far++
			}
		}
	}
	if far == 0 {
		t.Error("no jump reached beyond 255 instructions")
	}
}

// FuzzCompile: no text makes the compiler panic, and whatever compiles is
// a program the kernel would load: every jump inside it, a return last.
func FuzzCompile(f *testing.F) {
	for _, e := range append(append(append([]string{}, grammarTable...), refused...), longExprs()...) {
		f.Add(e)
	}
	f.Add("host 10.0.0.1 and \x1b[2J")
	f.Add("((((((((((ip))))))))))")
	f.Fuzz(func(t *testing.T, expr string) {
		for _, link := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeRaw} {
			for _, target := range []Target{Socket, Savefile} {
				prog, err := Compile(expr, link, target)
				if err != nil {
					continue
				}
				if len(prog) == 0 || len(prog) > maxInstructions {
					t.Fatalf("%q: %d instructions", expr, len(prog))
				}
				for i, in := range prog {
					cls := in.Op & 0x07
					if cls == 0x05 { // BPF_JMP
						reach := int(max(in.Jt, in.Jf))
						if in.Op&0xf0 == 0x00 { // ja
							reach = int(in.K)
						}
						if i+1+reach >= len(prog) {
							t.Fatalf("%q: instruction %d jumps out of the program", expr, i)
						}
					}
				}
				if last := prog[len(prog)-1]; last.Op&0x07 != 0x06 {
					t.Fatalf("%q: the program does not end with a return", expr)
				}
				if target == Savefile {
					if _, err := vm(prog); err != nil {
						t.Fatalf("%q: %v", expr, err)
					}
				}
			}
		}
	})
}
