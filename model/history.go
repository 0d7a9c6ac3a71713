package model

import (
	"strings"
	"sync"
	"time"
)

// HistoryEntry is one change made in a session, as the commands that do
// the same.
type HistoryEntry struct {
	Time time.Time
	Cmds []Cmd
}

// History is every change made in this session, in order. It is safe for
// use from several goroutines: changes run in commands, the view reads it.
type History struct {
	mu      sync.Mutex
	entries []HistoryEntry
}

// Record adds the commands of one change that succeeded.
func (h *History) Record(cmds ...Cmd) {
	if len(cmds) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, HistoryEntry{Time: time.Now(), Cmds: append([]Cmd(nil), cmds...)})
}

// Entries returns a copy of what was recorded, oldest first.
func (h *History) Entries() []HistoryEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]HistoryEntry(nil), h.entries...)
}

// Len is how many changes were recorded.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.entries)
}

// Script is the session as a bash script that replays every change with
// ip, stopping at the first that fails. Every argument is quoted, so a
// hostile name does exactly what it did in lazyns and nothing more.
func (h *History) Script() string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n# Written by lazyns: the changes of one session, as the commands that do the same.\n# Run as root: bash THIS-FILE\nset -e\n")
	for _, e := range h.Entries() {
		b.WriteString("\n# " + e.Time.UTC().Format("15:04:05") + "\n")
		for _, c := range e.Cmds {
			b.WriteString(c.String())
			b.WriteByte('\n')
		}
	}
	return b.String()
}
