package tui

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/lazyns/lazyns/model"
)

// churnSnapshots returns a Snapshot function whose every answer differs:
// namespaces of the fixture drop out and come back (the selected one too),
// and short-lived ones appear with a few links.
func churnSnapshots() func() *model.Snapshot {
	base := fakeSnapshot()
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	return func() *model.Snapshot {
		n++
		snap := &model.Snapshot{}
		for _, ns := range base.Namespaces {
			if ns.Host || rng.IntN(3) > 0 {
				snap.Namespaces = append(snap.Namespaces, ns)
			}
		}
		for i := 0; i < rng.IntN(6); i++ {
			name := fmt.Sprintf("churn-%d-%d", n, i)
			ns := model.Namespace{Key: model.NsKey{Dev: 4, Ino: uint64(900000 + n*10 + i)}, Name: name, Path: "/run/netns/" + name,
				Links: []model.Link{lo()}}
			for j := 0; j < rng.IntN(4); j++ {
				ns.Links = append(ns.Links, link(2+j, fmt.Sprintf("c%d", j), "veth", "fe:16:3e:00:00:01", fmt.Sprintf("10.%d.%d.1/24", n%250, j)))
			}
			snap.Namespaces = append(snap.Namespaces, ns)
		}
		if rng.IntN(5) == 0 {
			snap.Warnings = []string{"churn: a namespace vanished mid-read"}
		}
		snap.Sort()
		return snap
	}
}

// The explorer while the host churns under it: every snapshot differs, the
// watcher fires without pause, the namespace under the cursor comes and
// goes, and keys keep being pressed on every tab. It stays responsive
// (help opens at once at the end), never panics, and its cursor stays on
// the list.
func TestUIChurn(t *testing.T) {
	tm, m, src, _ := newTestModel(t, 100, 30)
	src.mu.Lock()
	src.snapshot = churnSnapshots()
	src.mu.Unlock()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			c := model.Change{Namespaces: i%3 == 0, Ns: []model.NsKey{kRouter, kDHCP, kHost}[i%3]}
			select {
			case src.watcher.ch <- c:
			case <-stop:
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	keys := []string{"j", "]", "j", "]", "k", "G", "[", "tab", "j", "]", "tab", "g", "t", "esc", "j", "7", "1", "ctrl+r"}
	deadline := time.Now().Add(2 * time.Second)
	pressed := 0
	for i := 0; time.Now().Before(deadline); i++ {
		tm.Send(press(keys[i%len(keys)]))
		pressed++
		time.Sleep(3 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	// Help opens once the keys queued meanwhile are handled (allow for a
	// loaded machine: the check is that the UI gets there, not how fast).
	tm.Send(press("?"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("MOVE")) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	// ctrl+c quits from anywhere: the keys may have stopped with the
	// topology open, where q goes back.
	tm.Send(press("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if n := src.count("Discover"); n < 3 {
		t.Errorf("only %d snapshots read under churn", n)
	}
	if m.snap != nil && m.main.list.sc.cursor > 0 && m.main.list.sc.cursor >= len(m.main.list.shown) {
		t.Errorf("cursor %d past the %d namespaces shown", m.main.list.sc.cursor, len(m.main.list.shown))
	}
	t.Logf("%d keys, %d snapshots, %d rereads", pressed, src.count("Discover"), src.count("Reread"))
}
