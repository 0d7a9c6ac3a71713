package model

import (
	"reflect"
	"testing"
)

// A host bridge with two ports, each a veth to a namespace, one of them
// named with an escape byte.
func captureSnapshot() *Snapshot {
	host, red, blue := NsKey{Ino: 1}, NsKey{Ino: 2}, NsKey{Ino: 3}
	return &Snapshot{Namespaces: []Namespace{
		{Key: host, Host: true, Links: []Link{
			{Index: 1, Name: "lo"},
			{Index: 5, Name: "br0", Kind: "bridge"},
			{Index: 6, Name: "tap-red", Kind: "veth", MasterIndex: 5, Peer: &PeerRef{Ns: red, Index: 2, Name: "eth0", NsName: "red"}},
			{Index: 7, Name: "tap\x1bblue", Kind: "veth", MasterIndex: 5, Peer: &PeerRef{Ns: blue, Index: 2, Name: "eth0", NsName: "blue"}},
		}},
		{Key: red, Name: "red", Links: []Link{
			{Index: 1, Name: "lo"},
			{Index: 2, Name: "eth0", Kind: "veth", Peer: &PeerRef{Ns: host, Index: 6, Name: "tap-red", NsName: "host"}},
		}},
		{Key: blue, Name: "blue", Links: []Link{
			{Index: 2, Name: "eth0", Kind: "veth", Peer: &PeerRef{Ns: NsKey{Ino: 99}, Index: 3}}, // other end unknown
		}},
	}}
}

func TestCaptureChoices(t *testing.T) {
	snap := captureSnapshot()
	host, red := snap.Namespaces[0].Key, snap.Namespaces[1].Key
	tapRed := CapturePoint{Ns: host, Index: 6, Name: "tap-red"}
	tapBlue := CapturePoint{Ns: host, Index: 7, Name: "tap\x1bblue"}
	redEth0 := CapturePoint{Ns: red, NsName: "red", Index: 2, Name: "eth0"}

	check := func(what string, got []CaptureChoice, want []CaptureChoice) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	check("a veth in a namespace", CaptureChoices(snap, red, 2), []CaptureChoice{
		{"eth0 alone", []CapturePoint{redEth0}},
		{"both ends: eth0 and tap-red in host", []CapturePoint{redEth0, tapRed}},
	})
	check("a bridge port", CaptureChoices(snap, host, 6), []CaptureChoice{
		{"tap-red alone", []CapturePoint{tapRed}},
		{"both ends: tap-red and eth0 in red", []CapturePoint{tapRed, redEth0}},
		{"every port of its bridge br0 (2)", []CapturePoint{tapRed, tapBlue}},
	})
	check("a bridge", CaptureChoices(snap, host, 5), []CaptureChoice{
		{"br0 alone", []CapturePoint{{Ns: host, Index: 5, Name: "br0"}}},
		{"every port of br0 (2)", []CapturePoint{tapRed, tapBlue}},
	})
	// The escape byte stays in the point (the kernel's name) and is
	// inert in the label.
	got := CaptureChoices(snap, host, 7)
	if got[0].Label != `tap\x1bblue alone` || got[0].Points[0].Name != "tap\x1bblue" {
		t.Errorf("hostile name: %+v", got[0])
	}
	check("a veth whose other end is not in the snapshot", CaptureChoices(snap, snap.Namespaces[2].Key, 2), []CaptureChoice{
		{"eth0 alone", []CapturePoint{{Ns: snap.Namespaces[2].Key, NsName: "blue", Index: 2, Name: "eth0"}}},
	})
	check("lo", CaptureChoices(snap, host, 1), []CaptureChoice{{"lo alone", []CapturePoint{{Ns: host, Index: 1, Name: "lo"}}}})
	if CaptureChoices(snap, host, 42) != nil || CaptureChoices(snap, NsKey{Ino: 77}, 1) != nil {
		t.Error("choices for a link or namespace that is not there")
	}
}
