package trace

import (
	"encoding/json"
	"testing"
)

// The verdict's words are the trace --json contract (PRODUCT.md): a
// verdict reads the same in text, through String, and in any JSON.
func TestVerdictWords(t *testing.T) {
	for v, want := range map[Verdict]string{Delivered: "delivered", Leaves: "leaves", Dropped: "dropped", 0: "", 9: "Verdict(9)"} {
		if got := v.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint8(v), got, want)
		}
		b, err := json.Marshal(struct {
			V Verdict `json:"verdict"`
		}{v})
		if err != nil || string(b) != `{"verdict":"`+want+`"}` {
			t.Errorf("%d in JSON: %s, %v", uint8(v), b, err)
		}
	}
}
