package trace

import (
	"bytes"
	"encoding/json"

	"github.com/lazyns/lazyns/model"
)

// JSON is the `trace --json` object: verdict, reason, netns and hops as
// PRODUCT.md promises, with the details beside them, and a newline.
func JSON(t *Trace, ping *PingResult) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// Names are written by exact's MarshalJSON, as show --json writes them;
	// the encoder must not escape them again.
	enc.SetEscapeHTML(false)
	// Encode fails only on a value it cannot write, and every value here
	// is a string, a bool, or made of them.
	_ = enc.Encode(document(t, ping))
	return b.Bytes()
}

// exact is a string written byte for byte: a name need not be UTF-8, and
// model.AppendJSONString keeps a stray byte as \udcXX where encoding/json
// would lose it to U+FFFD.
type exact string

func (s exact) MarshalJSON() ([]byte, error) { return model.AppendJSONString(nil, string(s)), nil }

// orNull is a missing value as null, not "".
func orNull(s string) *exact {
	if s == "" {
		return nil
	}
	e := exact(s)
	return &e
}

type traceDoc struct {
	Verdict Verdict   `json:"verdict"`
	Reason  exact     `json:"reason"`
	Netns   exact     `json:"netns"`
	Dst     exact     `json:"dst"`
	Src     *exact    `json:"src"`
	Device  exact     `json:"device,omitempty"`
	Command exact     `json:"command"`
	Hops    []hopDoc  `json:"hops"`
	Reply   *traceDoc `json:"reply,omitempty"`
	Ping    *pingDoc  `json:"ping,omitempty"`
}

type hopDoc struct {
	Netns     exact   `json:"netns"`
	In        *exact  `json:"in"`
	Out       *exact  `json:"out"`
	Route     exact   `json:"route"`
	Via       *exact  `json:"via"`
	Table     exact   `json:"table"`
	Neighbour *exact  `json:"neighbour"`
	Wire      []exact `json:"wire"`
	Command   exact   `json:"command"`
}

type pingDoc struct {
	Replied bool `json:"replied"`
	Agrees  bool `json:"agrees"`
}

func document(t *Trace, ping *PingResult) *traceDoc {
	d := &traceDoc{Verdict: t.Verdict, Reason: exact(t.Reason), Netns: exact(t.NsName), Dst: exact(t.Dst.String()),
		Device: exact(t.Device), Command: exact(t.Command), Hops: make([]hopDoc, len(t.Hops))}
	if t.Src != nil {
		d.Src = orNull(t.Src.String())
	}
	for i := range t.Hops {
		h := &t.Hops[i]
		d.Hops[i] = hopDoc{Netns: exact(h.NsName), In: orNull(h.In), Out: orNull(h.Out), Route: exact(h.Route),
			Via: orNull(h.Via), Table: exact(h.Table), Neighbour: orNull(h.Neighbour), Wire: make([]exact, len(h.Wire)),
			Command: exact(h.Command)}
		for j, w := range h.Wire {
			d.Hops[i].Wire[j] = exact(w)
		}
	}
	if t.Reply != nil {
		d.Reply = document(t.Reply, nil)
	}
	if ping != nil {
		d.Ping = &pingDoc{Replied: ping.Replied, Agrees: ping.Agrees(t)}
	}
	return d
}
