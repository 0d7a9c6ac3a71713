package tui

import (
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// The Links tab shows how fast each link's counters move: they are read
// once a second for the namespace on screen, and only while its Links
// tab is (followCounters decides, after every Update).

const ratesEvery = time.Second

// linkTraffic is what the Links tab shows of a namespace's counters: the
// last reading, and the rates since the one before (nil until there are
// two).
type linkTraffic struct {
	read  *model.Namespace
	rates map[int]model.LinkRate
}

// ratesFollower reads the counters of the namespace whose Links tab is on
// screen. Another namespace, another tab, or a pane over it starts it
// anew with a new id: the answers and ticks of the one before are
// dropped, so a late reading of a namespace left is never shown.
type ratesFollower struct {
	key   model.NsKey // the namespace read; zero for none
	id    int
	last  *model.Namespace // the last reading, and when it was taken
	at    time.Time
	shown *linkTraffic
}

type (
	ratesMsg struct {
		id   int
		read *model.Namespace
		at   time.Time
		err  error
	}
	ratesTickMsg struct{ id int }
)

// followCounters starts or stops reading counters as the screen says:
// the rates of the namespace whose Links tab is on screen, and the
// traffic of the whole list while it is ordered by it. Update calls it
// last, as watchScreen, so no path that changes the screen escapes it.
func (m *Model) followCounters() tea.Cmd {
	if m.quitting {
		return nil
	}
	main := m.snap != nil && m.pane == nil && !m.showHelp
	return tea.Batch(m.main.detail.followRates(main), m.main.list.followTraffic(main))
}

// followRates reads the counters of the namespace shown while on (the
// main screen is up) and its Links tab is open, and stops otherwise.
func (d *detailPane) followRates(on bool) tea.Cmd {
	var key model.NsKey
	if ns := d.ns; on && ns != nil && !ns.Stale && d.tab == tabLinks {
		key = ns.Key
	}
	r := &d.rates
	if key == r.key {
		return nil
	}
	had := r.shown != nil
	*r = ratesFollower{key: key}
	if had {
		d.rebuild()
	}
	if key == (model.NsKey{}) {
		return nil
	}
	r.id = d.c.nextID()
	return d.readRates()
}

func (d *detailPane) readRates() tea.Cmd {
	ctx, src, ns, id := d.c.ctx, d.c.Source, d.ns, d.rates.id
	return func() tea.Msg {
		read, at, err := src.Counters(ctx, ns)
		return ratesMsg{id, read, at, err}
	}
}

// gotRates shows a reading, with the rates since the one before, and
// asks for the next in a second. A reading that failed shows nothing
// new: the namespace went away (the watcher says so) or cannot be read
// (its info line says why).
func (d *detailPane) gotRates(msg ratesMsg) tea.Cmd {
	r := &d.rates
	if msg.id != r.id {
		return nil
	}
	if msg.err == nil && msg.read != nil {
		t := &linkTraffic{read: msg.read}
		if r.last != nil {
			t.rates = model.LinkRates(r.last, msg.read, msg.at.Sub(r.at))
		}
		r.last, r.at, r.shown = msg.read, msg.at, t
		d.rebuild()
	}
	id := r.id
	return tea.Tick(ratesEvery, func(time.Time) tea.Msg { return ratesTickMsg{id} })
}

func (d *detailPane) ratesTick(msg ratesTickMsg) tea.Cmd {
	if msg.id != d.rates.id || d.rates.key == (model.NsKey{}) {
		return nil
	}
	return d.readRates()
}

// trafficOf is what the Links tab of ns shows of its counters, or nil.
func (d *detailPane) trafficOf(ns *model.Namespace) *linkTraffic {
	if r := &d.rates; r.shown != nil && r.key == ns.Key {
		return r.shown
	}
	return nil
}

// The Links tab's columns of counters, after STATE and MTU.
var rateHead = []string{"RX/s", "TX/s", "PKT/s", "DROP", "ERR"}

// rateCells are link index's cells under rateHead: bytes a second each
// way, packets a second "in/out", drops and errors in all. What moved
// since the last reading is painted as moved, what did not is dim. A link
// receiving while it sends nothing is the clue of a router that drops
// what it gets (RX 266390, TX 10 on a qr- port): its TX says "none",
// painted to catch the eye, as are drops and errors counted since the
// last reading; "!" marks those on the rate of their direction too, for
// a pane too narrow for DROP and ERR.
func (t *linkTraffic) cells(index int) []cell {
	out := make([]cell, len(rateHead))
	l := t.read.Link(index)
	if l == nil || l.Stats == nil {
		return out
	}
	s := l.Stats
	r, known := t.rates[index]
	known = known && !r.Reset // made again, or the first reading: no rate yet
	out[3] = countCell(s.RxDropped+s.TxDropped, known && r.Moved&(model.RxDropped|model.TxDropped) != 0)
	out[4] = countCell(s.RxErrors+s.TxErrors, known && r.Moved&(model.RxErrors|model.TxErrors) != 0)
	if !known {
		return out
	}
	out[0] = rateCell(r.RxBytes, r.Receiving(), r.Moved&(model.RxDropped|model.RxErrors) != 0)
	out[1] = rateCell(r.TxBytes, r.Sending(), r.Moved&(model.TxDropped|model.TxErrors) != 0)
	if r.Receiving() && !r.Sending() {
		out[1] = cell{"none", roleAlarm}
	}
	out[2] = cell{perSecond(r.RxPackets) + "/" + perSecond(r.TxPackets), model.RoleDim}
	if r.Receiving() || r.Sending() {
		out[2].role = roleMoved
	}
	return out
}

// rateCell is bytes a second: "·" when nothing moved.
func rateCell(bytes float64, moved, trouble bool) cell {
	c := cell{"·", model.RoleDim}
	if moved {
		c = cell{model.HumanBytes(bytes), roleMoved}
	}
	if trouble {
		c = cell{c.text + "!", roleAlarm}
	}
	return c
}

// countCell is a count of drops or errors: dim when none, an alarm when
// it moved since the last reading.
func countCell(n uint64, moved bool) cell {
	switch {
	case moved:
		return cell{strconv.FormatUint(n, 10), roleAlarm}
	case n == 0:
		return cell{"0", model.RoleDim}
	}
	return cell{strconv.FormatUint(n, 10), model.RolePlain}
}

// perSecond is a rate of packets as read at a glance: "0", "0.9", "12",
// "3400", "12k".
func perSecond(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v < 9.95:
		s := strconv.FormatFloat(v, 'f', 1, 64)
		if s[len(s)-2:] == ".0" {
			s = s[:len(s)-2]
		}
		return s
	case v < 10000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v/1000, 'f', 0, 64) + "k"
}
