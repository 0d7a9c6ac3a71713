package trace

import "fmt"

// Verdict is how a trace ends.
type Verdict uint8

// The verdicts; the zero Verdict is a trace that has not ended.
const (
	// Delivered: a namespace on the way has the destination address.
	Delivered Verdict = iota + 1
	// Leaves: the packet leaves the host through a device that is not a
	// veth, a bridge or the loopback.
	Leaves
	// Dropped: a namespace on the way drops it; the reason says why.
	Dropped
)

var verdictWords = [...]string{Delivered: "delivered", Leaves: "leaves", Dropped: "dropped"}

// String is the verdict's word as the text and trace --json print it:
// delivered, leaves or dropped; "" before the trace has ended.
func (v Verdict) String() string {
	if int(v) < len(verdictWords) {
		return verdictWords[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// MarshalText is the word String gives, so the verdict reads the same in
// any JSON (trace --json prints it as a string).
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }
