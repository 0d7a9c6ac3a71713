package model

import (
	"encoding/json"
	"sort"
	"sync"
	"time"
)

// LabState records exactly what one `lab up` made, so `lab down` removes
// that and nothing else: namespaces by name and inode (a name reused for
// another namespace since is not ours), host links by name and index.
// Everything inside a lab namespace goes with the namespace.
type LabState struct {
	mu         sync.Mutex
	Lab        string      `json:"lab"`
	Prefix     string      `json:"prefix"`
	Created    time.Time   `json:"created"`
	Namespaces []LabObject `json:"namespaces"`
	HostLinks  []LabObject `json:"host_links"`
}

// LabObject is one thing a lab made: a namespace (ID its inode) or a host
// link (ID its ifindex).
type LabObject struct {
	Name string `json:"name"`
	ID   uint64 `json:"id"`
}

// AddNamespace records a namespace the lab made. Safe from several
// goroutines, as units are built in parallel.
func (s *LabState) AddNamespace(name string, ino uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Namespaces = append(s.Namespaces, LabObject{name, ino})
}

// AddHostLink records a link the lab made in the host.
func (s *LabState) AddHostLink(name string, index int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.HostLinks = append(s.HostLinks, LabObject{name, uint64(index)})
}

// Marshal is the state as JSON, names sorted so files compare.
func (s *LabState) Marshal() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byName := func(list []LabObject) {
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	byName(s.Namespaces)
	byName(s.HostLinks)
	return json.MarshalIndent(s, "", "  ")
}

// UnmarshalLabState reads a state file's contents.
func UnmarshalLabState(b []byte) (*LabState, error) {
	s := &LabState{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, err
	}
	return s, nil
}
