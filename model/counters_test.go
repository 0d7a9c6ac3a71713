package model

import (
	"testing"
	"time"
)

func TestRateOf(t *testing.T) {
	before := &Link{Index: 4, Stats: &LinkStats{RxPackets: 100, RxBytes: 10_000, TxPackets: 10, TxBytes: 840}}
	after := &Link{Index: 4, Stats: &LinkStats{RxPackets: 300, RxBytes: 30_000, TxPackets: 10, TxBytes: 840, RxDropped: 2}}
	r := RateOf(before, after, 2*time.Second)
	if r.Reset || r.RxPackets != 100 || r.RxBytes != 10_000 || r.TxPackets != 0 || r.TxBytes != 0 {
		t.Errorf("rate %+v, want 100 packets/s and 10000 B/s received, nothing sent", r)
	}
	if !r.Receiving() || r.Sending() || !r.Trouble() || r.Moved != RxPackets|RxBytes|RxDropped {
		t.Errorf("moved %b: want rx packets, bytes and drops only", r.Moved)
	}

	idle := RateOf(before, before, time.Second)
	if idle.Moved != 0 || idle.Reset || idle.RxBytes != 0 {
		t.Errorf("an idle link: %+v", idle)
	}

	for name, c := range map[string]struct {
		before, after *Link
	}{
		"made again (another ifindex)": {before, &Link{Index: 9, Stats: after.Stats}},
		"counters went down":           {after, before},
		"no counters before":           {&Link{Index: 4}, after},
		"no counters after":            {before, &Link{Index: 4}},
		"no link before":               {nil, after},
	} {
		if r := RateOf(c.before, c.after, time.Second); !r.Reset || r.RxBytes != 0 || r.Moved != 0 {
			t.Errorf("%s: %+v, want Reset and no rate", name, r)
		}
	}

	// No time between the readings: which counters moved, no rate.
	if r := RateOf(before, after, 0); r.Reset || r.RxBytes != 0 || r.Moved&RxPackets == 0 {
		t.Errorf("elapsed 0: %+v", r)
	}
}

func TestLinkRatesAndTraffic(t *testing.T) {
	before := &Namespace{Links: []Link{
		{Index: 1, Name: "lo", Stats: &LinkStats{RxBytes: 100, TxBytes: 100}},
		{Index: 5, Name: "qr-1", Stats: &LinkStats{RxBytes: 1000}},
		{Index: 6, Name: "qg-1", Stats: &LinkStats{TxBytes: 1000}},
	}}
	after := &Namespace{Links: []Link{
		{Index: 1, Name: "lo", Stats: &LinkStats{RxBytes: 100, TxBytes: 100}},
		{Index: 5, Name: "qr-1", Stats: &LinkStats{RxBytes: 5000}},
		{Index: 7, Name: "qg-1", Stats: &LinkStats{TxBytes: 99999}}, // made again
	}}
	rates := LinkRates(before, after, time.Second)
	if len(rates) != 3 || rates[5].RxBytes != 4000 || !rates[7].Reset || rates[1].Moved != 0 {
		t.Errorf("rates %+v", rates)
	}
	if got := Traffic(rates); got != 4000 {
		t.Errorf("traffic %v, want 4000 (the link made again counts nothing)", got)
	}
	if rates := LinkRates(nil, after, time.Second); !rates[5].Reset {
		t.Errorf("no earlier reading: %+v", rates)
	}
}

func TestCountersText(t *testing.T) {
	rx, tx, trouble := CountersText(&LinkStats{RxPackets: 266390, RxBytes: 24_100_000, TxPackets: 10, TxBytes: 840})
	if rx != "rx 266390 pkts 24.1 MB" || tx != "tx 10 pkts 840 B" || trouble {
		t.Errorf("%q %q %v", rx, tx, trouble)
	}
	rx, tx, trouble = CountersText(&LinkStats{RxPackets: 5, RxBytes: 1234, RxDropped: 3, TxErrors: 1})
	if rx != "rx 5 pkts 1.2 kB, 3 dropped" || tx != "tx 0 pkts 0 B, 1 errors" || !trouble {
		t.Errorf("%q %q %v", rx, tx, trouble)
	}
	for n, want := range map[float64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 123_456: "123 kB", 1.5e9: "1.5 GB"} {
		if got := HumanBytes(n); got != want {
			t.Errorf("HumanBytes(%v) = %q, want %q", n, got, want)
		}
	}
}
