package pcapfilter

import (
	"testing"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
)

func compileSavefile(expr string, link layers.LinkType) ([]bpf.RawInstruction, error) {
	return Compile(expr, link, Savefile)
}

// TestAgreesWithLibpcap is the heart of the package's tests: for every
// expression of the grammar table, on an Ethernet and on a raw IP link,
// our program and libpcap's give the same verdict on every packet of the
// corpus (or both refuse the expression).
func TestAgreesWithLibpcap(t *testing.T) {
	for _, link := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeRaw} {
		var st oracleStats
		for _, expr := range grammarTable {
			judge(t, compileSavefile, expr, link, &st)
		}
		t.Logf("%v: %d expressions, %d agree; %d packet verdicts compared, %d differ, %d known (optimizerOrder)", link, st.exprs, st.agreed, st.packets, st.disagreements, st.known)
		if len(grammarTable) < 60 {
			t.Errorf("the grammar table has %d expressions; keep at least 60", len(grammarTable))
		}
	}
}

// TestRefusesWhatLibpcapRefuses: expressions libpcap rejects (syntax,
// qualifiers that do not go together, numbers out of range) are errors
// here too, not programs that quietly match something.
func TestRefusesWhatLibpcapRefuses(t *testing.T) {
	var st oracleStats
	for _, expr := range refused {
		if lp := libpcap(t, expr, layers.LinkTypeEthernet); lp.err == "" {
			t.Fatalf("%q: libpcap accepts it; move it to the grammar table", expr)
		}
		judge(t, compileSavefile, expr, layers.LinkTypeEthernet, &st)
	}
}
