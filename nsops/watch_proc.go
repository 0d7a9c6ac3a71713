package nsops

import (
	"maps"
	"time"
)

// procWatch notices namespaces that only processes hold (containers,
// unshare) appearing and vanishing, by comparing the set of namespaces
// that processes are in from one slow scan of /proc to the next.
type procWatch struct{ last map[uint64]bool }

func newProcWatch() *procWatch { return &procWatch{last: procNamespaces()} }

func procNamespaces() map[uint64]bool {
	set := map[uint64]bool{}
	_ = eachProcNs(func(_ int, ino uint64) { set[ino] = true })
	return set
}

func (p *procWatch) run(done <-chan struct{}, emit func(rawEvent)) {
	t := time.NewTicker(procRescan)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			cur := procNamespaces()
			if !maps.Equal(cur, p.last) {
				p.last = cur
				emit(rawEvent{namespaces: true})
			}
		}
	}
}
