package tui

import (
	"cmp"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/lazyns/lazyns/model"
)

// The namespace list in traffic order: o cycles the orders, and while the
// list is ordered by traffic (and on screen) the counters of every
// namespace are read every few seconds, the busiest first. In name order
// nothing more is read.

// The orders of the list, in the order o cycles them.
const (
	orderName = iota
	orderTraffic
	orderCount
)

// trafficAfterFirst is the pause after the first reading of every
// namespace: the second gives the first rates, so that the list is in
// order soon after o.
const trafficAfterFirst = time.Second

// trafficPause is the pause before reading every namespace again after a
// reading that took took: 2.5 s, or longer on a host whose reading is
// slow, so that reading stays under a twentieth of the time (a tenth of
// a core with four readers on two cores: 1000 namespaces take ~50 ms).
func trafficPause(took time.Duration) time.Duration {
	return max(2500*time.Millisecond, 20*took)
}

// trafficFollower reads every namespace's counters while the list is
// ordered by traffic and on screen; a new start has a new id, and the
// answers and ticks of the one before are dropped.
type trafficFollower struct {
	on   bool
	id   int
	last map[model.NsKey]countersRead // the last reading of each namespace
}

// countersRead is a namespace's counters as read at a time, kept slim:
// each link's index and counters only.
type countersRead struct {
	ns *model.Namespace
	at time.Time
}

type (
	trafficMsg struct {
		id    int
		reads map[model.NsKey]countersRead
		took  time.Duration
	}
	trafficTickMsg struct{ id int }
)

// cycleOrder is o: the next order of the list.
func (s *mainScreen) cycleOrder() tea.Cmd {
	return s.onList(func(l *nsList) tea.Cmd {
		l.order = (l.order + 1) % orderCount
		if l.order != orderTraffic {
			l.traffic = nil
		}
		l.refilter(l.ref())
		l.c.setStatus("namespaces by "+orderNames[l.order], false)
		return nil
	})
}

var orderNames = [orderCount]string{"name", "traffic"}

// followTraffic reads the counters of every namespace while on (the main
// screen is up) and the list is ordered by traffic, and stops otherwise.
// The rates known stay while a pane covers the list, so that the order
// does not jump when it comes back.
func (l *nsList) followTraffic(on bool) tea.Cmd {
	on = on && l.order == orderTraffic && l.snap != nil
	if on == l.tf.on {
		return nil
	}
	l.tf = trafficFollower{on: on}
	if !on {
		return nil
	}
	l.tf.id = l.c.nextID()
	return l.readTraffic()
}

func (l *nsList) readTraffic() tea.Cmd {
	ctx, src, id := l.c.ctx, l.c.Source, l.tf.id
	nss := make([]*model.Namespace, 0, len(l.snap.Namespaces))
	for i := range l.snap.Namespaces {
		if ns := &l.snap.Namespaces[i]; !ns.Stale {
			nss = append(nss, ns)
		}
	}
	return func() tea.Msg {
		start := time.Now()
		reads := make(map[model.NsKey]countersRead, len(nss))
		// An error of ctx means the UI ended: nothing to show.
		_ = src.CountersEach(ctx, nss, func(read *model.Namespace, at time.Time, err error) {
			if err != nil {
				return
			}
			slim := &model.Namespace{Key: read.Key, Links: make([]model.Link, len(read.Links))}
			for i, l := range read.Links {
				slim.Links[i] = model.Link{Index: l.Index, Stats: l.Stats}
			}
			reads[read.Key] = countersRead{slim, at}
		})
		return trafficMsg{id, reads, time.Since(start)}
	}
}

// gotTraffic orders the list by the rates since the reading before, and
// asks for the next reading.
func (l *nsList) gotTraffic(msg trafficMsg) tea.Cmd {
	if msg.id != l.tf.id || !l.tf.on {
		return nil
	}
	pause := trafficAfterFirst
	if l.tf.last != nil {
		traffic := make(map[model.NsKey]float64, len(msg.reads))
		for key, now := range msg.reads {
			if before, ok := l.tf.last[key]; ok {
				traffic[key] = model.Traffic(model.LinkRates(before.ns, now.ns, now.at.Sub(before.at)))
			}
		}
		l.traffic = traffic
		l.refilter(l.ref())
		pause = trafficPause(msg.took)
	}
	l.tf.last = msg.reads
	id := l.tf.id
	return tea.Tick(pause, func(time.Time) tea.Msg { return trafficTickMsg{id} })
}

func (l *nsList) trafficTick(msg trafficTickMsg) tea.Cmd {
	if msg.id != l.tf.id || !l.tf.on || l.snap == nil {
		return nil
	}
	return l.readTraffic()
}

// sortShown puts the busiest namespaces first in traffic order, once
// rates are known; the same traffic keeps the name order.
func (l *nsList) sortShown() {
	if l.order != orderTraffic || l.traffic == nil {
		return
	}
	nss := l.snap.Namespaces
	slices.SortStableFunc(l.shown, func(a, b int) int {
		return cmp.Compare(l.traffic[nss[b].Key], l.traffic[nss[a].Key])
	})
}

// orderSays is what the header says after the count of namespaces: the
// order, unless it is by name.
func (l *nsList) orderSays() string {
	switch {
	case l.order != orderTraffic:
		return ""
	case l.traffic == nil:
		return " by traffic (reading…)"
	}
	return " by traffic"
}

// trafficLabel is the rate a row shows in traffic order, and whether
// there is one: none for a namespace not read yet.
func (l *nsList) trafficLabel(ns *model.Namespace) (cell, bool) {
	if l.order != orderTraffic || ns.Stale {
		return cell{}, false
	}
	rate, ok := l.traffic[ns.Key]
	if !ok {
		return cell{}, false
	}
	if rate == 0 {
		return cell{"0 B/s", model.RoleDim}, true
	}
	return cell{model.HumanBytes(rate) + "/s", roleMoved}, true
}
