package model

import (
	"strings"
	"testing"
)

func TestHistoryScript(t *testing.T) {
	var h History
	h.Record(NetnsSpec{"a b"}.AddCmds()...)
	h.Record() // nothing done, nothing recorded
	h.Record(LinkStateSpec{Ns: "a b", Name: "lo", Up: true}.Cmds()...)
	if h.Len() != 2 {
		t.Fatalf("Len = %d, want 2", h.Len())
	}
	s := h.Script()
	for _, want := range []string{"#!/bin/bash\n", "\nset -e\n", "\nip netns add 'a b'\n", "\nip -n 'a b' link set dev lo up\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "netns add") > strings.Index(s, "link set") {
		t.Errorf("commands out of order:\n%s", s)
	}
}
