package pcapfilter

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"golang.org/x/net/bpf"

	"github.com/lazyns/lazyns/model/internal/pktgen"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// The oracle is libpcap itself: `tcpdump -r EMPTY.pcap -ddd EXPR` compiles
// EXPR for the link type in the file's header without opening an interface
// (an empty capture file is enough), and prints the program as decimal
// instructions. Our program and libpcap's run side by side in x/net/bpf's
// interpreter over the same packets; their verdicts (accept or drop) must
// agree. The programs themselves may differ.

// libpcapResult is what tcpdump made of one expression: a program, or the
// error it printed (syntax errors, "expression rejects all packets").
type libpcapResult struct {
	prog []bpf.RawInstruction
	err  string
}

var emptyFiles sync.Map // layers.LinkType -> path

func emptyCapture(t *testing.T, link layers.LinkType) string {
	t.Helper()
	if p, ok := emptyFiles.Load(link); ok {
		return p.(string)
	}
	dir, err := os.MkdirTemp("", "pcapfilter-oracle-")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, fmt.Sprintf("empty-%d.pcap", link))
	var b bytes.Buffer
	if err := pcapgo.NewWriter(&b).WriteFileHeader(262144, link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFiles.Store(link, p)
	return p
}

func TestMain(m *testing.M) {
	code := m.Run()
	emptyFiles.Range(func(_, p any) bool {
		os.RemoveAll(filepath.Dir(p.(string)))
		return true
	})
	os.Exit(code)
}

// libpcap compiles expr with tcpdump for a capture file of the given link
// type; flags such as -O (no optimiser) go before the expression.
func libpcap(t *testing.T, expr string, link layers.LinkType, flags ...string) libpcapResult {
	t.Helper()
	nstest.RequireTool(t, "tcpdump")
	return tcpdumpProgram(t, append(append([]string{"-r", emptyCapture(t, link)}, flags...), expr)...)
}

// liveLibpcap compiles expr as tcpdump does for a live capture on lo:
// on Linux such a program reads the VLAN tag the kernel keeps beside the
// frame. Opening lo needs root.
func liveLibpcap(t *testing.T, expr string) libpcapResult {
	t.Helper()
	return tcpdumpProgram(t, "-i", "lo", expr)
}

func tcpdumpProgram(t *testing.T, args ...string) libpcapResult {
	t.Helper()
	expr := args[len(args)-1]
	cmd := exec.Command("tcpdump", append([]string{"-ddd"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndex(msg, "\n"); i >= 0 {
			msg = msg[i+1:] // earlier lines say which file or link type
		}
		return libpcapResult{err: strings.TrimPrefix(msg, "tcpdump: ")}
	}
	lines := strings.Fields(stdout.String())
	if len(lines) == 0 {
		t.Fatalf("tcpdump -ddd %q printed nothing", expr)
	}
	n, _ := strconv.Atoi(lines[0])
	if len(lines) != 1+4*n {
		t.Fatalf("tcpdump -ddd %q: %d numbers for %d instructions", expr, len(lines)-1, n)
	}
	prog := make([]bpf.RawInstruction, n)
	for i := range prog {
		var f [4]uint64
		for j := range f {
			v, err := strconv.ParseUint(lines[1+4*i+j], 10, 32)
			if err != nil {
				t.Fatalf("tcpdump -ddd %q: %v", expr, err)
			}
			f[j] = v
		}
		prog[i] = bpf.RawInstruction{Op: uint16(f[0]), Jt: uint8(f[1]), Jf: uint8(f[2]), K: uint32(f[3])}
	}
	return libpcapResult{prog: prog}
}

// vm loads a raw program into x/net/bpf's interpreter, which checks it
// as the kernel would (jumps inside the program, a return at the end).
func vm(raw []bpf.RawInstruction) (*bpf.VM, error) {
	insns, ok := bpf.Disassemble(raw)
	if !ok {
		return nil, fmt.Errorf("program does not disassemble: %v", raw)
	}
	v, err := bpf.NewVM(insns)
	if err != nil {
		return nil, fmt.Errorf("the interpreter refuses the program: %v\n%s", err, listing(insns))
	}
	return v, nil
}

func accepts(t *testing.T, v *bpf.VM, pkt []byte) bool {
	t.Helper()
	n, err := v.Run(pkt)
	if err != nil {
		t.Fatalf("interpreter: %v", err)
	}
	return n > 0
}

func listing(insns []bpf.Instruction) string {
	var b strings.Builder
	for i, in := range insns {
		fmt.Fprintf(&b, "%3d  %v\n", i, in)
	}
	return b.String()
}

// corpus returns the test packets as a link of the given type carries them.
func corpus(link layers.LinkType) []pktgen.Packet {
	all := pktgen.FilterCorpus()
	if link == layers.LinkTypeEthernet {
		return all
	}
	var raw []pktgen.Packet
	for _, p := range all {
		if b := pktgen.StripEthernet(p.Data); b != nil {
			raw = append(raw, pktgen.Packet{Name: p.Name, Data: b})
		}
	}
	return raw
}

// optimizerOrder lists the packets on which we deliberately differ from
// libpcap, by expression. All are cut short inside a header the expression
// reads. A BPF program drops a packet as soon as it reads past its end, so
// the order of the tests decides such a packet, and libpcap's optimiser
// reorders them: for "port 53 or 80" it compares the source port with 53
// and 80 before it reads the destination port, and for "port 80 or (tcp)
// or 443" it accepts any TCP over IPv6 before reading a port, because that
// much already satisfies "tcp". We test in the order written, as libpcap
// does without its optimiser (tcpdump -O). Capture with the default snap
// length never cuts a packet inside its headers.
var optimizerOrder = map[string][]string{
	"port 53 or 80":           {"truncated tcp6 56"},
	"port 80 or (tcp) or 443": {"truncated tcp6 21", "truncated tcp6 40", "truncated tcp6 54"},
}

// compiler is what the oracle judges: ours, or a candidate library.
type compiler func(expr string, link layers.LinkType) ([]bpf.RawInstruction, error)

// oracleStats counts how a compiler fared over a table of expressions.
type oracleStats struct {
	exprs, agreed, wrongVerdict, wrongError, packets, disagreements, known int
}

// judge runs one expression through libpcap and through c, and reports
// every packet where they disagree. It returns false on disagreement.
func judge(t *testing.T, c compiler, expr string, link layers.LinkType, st *oracleStats) bool {
	t.Helper()
	st.exprs++
	want := libpcap(t, expr, link)
	got, err := c(expr, link)
	rejectsAll := want.err == "expression rejects all packets"
	switch {
	case want.err != "" && !rejectsAll && err == nil:
		st.wrongError++
		t.Errorf("%q (link %v): libpcap refuses it (%s) but we compiled it", expr, link, want.err)
		return false
	case want.err == "" && err != nil:
		st.wrongError++
		t.Errorf("%q (link %v): libpcap compiles it but we say: %v", expr, link, err)
		return false
	case err != nil:
		st.agreed++
		return true // both refuse (or libpcap proves it matches nothing and we refuse)
	}
	ours, err := vm(got)
	if err != nil {
		st.wrongVerdict++
		t.Errorf("%q (link %v): %v", expr, link, err)
		return false
	}
	var theirs *bpf.VM
	if !rejectsAll {
		if theirs, err = vm(want.prog); err != nil {
			t.Fatalf("libpcap's program for %q: %v", expr, err)
		}
	}
	bad := 0
	known := map[string]bool{}
	var unoptimised *bpf.VM
	if names := optimizerOrder[expr]; names != nil {
		for _, name := range names {
			known[name] = true
		}
		if unoptimised, err = vm(libpcap(t, expr, link, "-O").prog); err != nil {
			t.Fatalf("libpcap's unoptimised program for %q: %v", expr, err)
		}
	}
	for _, p := range corpus(link) {
		st.packets++
		w := theirs != nil && accepts(t, theirs, p.Data)
		g := accepts(t, ours, p.Data)
		if known[p.Name] {
			if w == g {
				t.Errorf("%q (link %v) on %s: listed in optimizerOrder but agrees now; remove it from the list", expr, link, p.Name)
			}
			if u := accepts(t, unoptimised, p.Data); u != g {
				t.Errorf("%q (link %v) on %s: libpcap without its optimiser %s, we %s", expr, link, p.Name, verdict(u), verdict(g))
			}
			st.known++
			continue
		}
		if w != g {
			bad++
			st.disagreements++
			if bad <= 5 {
				t.Errorf("%q (link %v) on %s: libpcap %s, we %s", expr, link, p.Name, verdict(w), verdict(g))
			}
		}
	}
	if bad > 0 {
		st.wrongVerdict++
		if insns, ok := bpf.Disassemble(got); ok {
			t.Logf("%q: %d packets disagree; our program:\n%s", expr, bad, listing(insns))
		}
		return false
	}
	st.agreed++
	return true
}

func verdict(accept bool) string {
	if accept {
		return "accepts"
	}
	return "drops"
}
