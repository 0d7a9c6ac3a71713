package trace

import (
	"bytes"
	"encoding/json"
	"net"

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
	Proto   string    `json:"proto"`
	Port    uint16    `json:"port,omitempty"`
	Device  exact     `json:"device,omitempty"`
	Command exact     `json:"command"`
	Rule    *hitDoc   `json:"rule"`
	Unsure  []hitDoc  `json:"unsure"`
	Notes   []exact   `json:"notes"`
	Hops    []hopDoc  `json:"hops"`
	Reply   *traceDoc `json:"reply,omitempty"`
	Ping    *pingDoc  `json:"ping,omitempty"`
}

type hopDoc struct {
	Netns     exact    `json:"netns"`
	In        *exact   `json:"in"`
	Out       *exact   `json:"out"`
	Route     exact    `json:"route"`
	Via       *exact   `json:"via"`
	Table     exact    `json:"table"`
	Neighbour *exact   `json:"neighbour"`
	Wire      []exact  `json:"wire"`
	Command   exact    `json:"command"`
	Src       *exact   `json:"src"`
	Dst       *exact   `json:"dst"`
	Firewall  []hitDoc `json:"firewall"`
	NAT       []natDoc `json:"nat"`
}

// hitDoc is a firewall rule or policy, with the names show --json gives
// a rule's fields (text, handle, packets, bytes).
type hitDoc struct {
	Netns   exact   `json:"netns"`
	Bridge  *exact  `json:"bridge"`
	Hook    string  `json:"hook"`
	Family  exact   `json:"family"`
	Table   exact   `json:"table"`
	Chain   exact   `json:"chain"`
	Source  string  `json:"source"`
	Text    *exact  `json:"text"`
	Policy  bool    `json:"policy"`
	Handle  uint64  `json:"handle,omitempty"`
	Packets *uint64 `json:"packets,omitempty"`
	Bytes   *uint64 `json:"bytes,omitempty"`
	Action  string  `json:"action"`
	NAT     *exact  `json:"nat"`
	Unsure  []exact `json:"unsure"`
	Command exact   `json:"command"`
}

type natDoc struct {
	Hook    string `json:"hook"`
	Kind    string `json:"kind"`
	Field   string `json:"field"`
	From    string `json:"from"`
	To      string `json:"to"`
	Reverse bool   `json:"reverse"`
}

func exacts(list []string) []exact {
	out := make([]exact, len(list))
	for i, s := range list {
		out[i] = exact(s)
	}
	return out
}

func hitDocOf(h *FwHit) hitDoc {
	d := hitDoc{Netns: exact(h.Netns), Bridge: orNull(h.Bridge), Hook: h.Hook, Family: exact(h.Family), Table: exact(h.Table), Chain: exact(h.Chain),
		Source: string(h.Source), Text: orNull(h.Rule), Policy: h.Policy, Handle: h.Handle, Action: h.Action,
		NAT: orNull(h.NAT), Unsure: exacts(h.Unsure), Command: exact(h.Command)}
	if h.Policy {
		d.Text = nil
	}
	if c := h.Counters; c != nil {
		p, b := c.Packets, c.Bytes
		d.Packets, d.Bytes = &p, &b
	}
	return d
}

func hitDocs(hits []FwHit) []hitDoc {
	out := make([]hitDoc, len(hits))
	for i := range hits {
		out[i] = hitDocOf(&hits[i])
	}
	return out
}

func ipOrNull(ip net.IP) *exact {
	if ip == nil {
		return nil
	}
	return orNull(ip.String())
}

type pingDoc struct {
	Replied bool `json:"replied"`
	Agrees  bool `json:"agrees"`
}

func document(t *Trace, ping *PingResult) *traceDoc {
	d := &traceDoc{Verdict: t.Verdict, Reason: exact(t.Reason), Netns: exact(t.NsName), Dst: exact(t.Dst.String()),
		Proto: t.Probe.ProtoWord(), Device: exact(t.Device), Command: exact(t.Command), Unsure: hitDocs(t.Unsure),
		Notes: exacts(t.Notes), Hops: make([]hopDoc, len(t.Hops))}
	if !t.Probe.Echo() {
		d.Port = t.Probe.Port
	}
	d.Src = ipOrNull(t.Src)
	if t.Rule != nil {
		r := hitDocOf(t.Rule)
		d.Rule = &r
	}
	for i := range t.Hops {
		h := &t.Hops[i]
		d.Hops[i] = hopDoc{Netns: exact(h.NsName), In: orNull(h.In), Out: orNull(h.Out), Route: exact(h.Route),
			Via: orNull(h.Via), Table: exact(h.Table), Neighbour: orNull(h.Neighbour), Wire: exacts(h.Wire),
			Command: exact(h.Command), Src: ipOrNull(h.Src), Dst: ipOrNull(h.Dst), Firewall: hitDocs(h.Firewall),
			NAT: make([]natDoc, len(h.NAT))}
		for j, n := range h.NAT {
			d.Hops[i].NAT[j] = natDoc(n)
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
