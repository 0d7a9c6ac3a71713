package main

import (
	"bytes"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// What discovery could not look at is said on stderr, one line each,
// control bytes made visible: a command's output may lack namespaces only
// that place would have shown.
func TestWarnDiscovery(t *testing.T) {
	var errb bytes.Buffer
	a := &app{stderr: &errb}
	a.warnDiscovery(&model.Snapshot{})
	if errb.Len() != 0 {
		t.Fatalf("nothing to say, but said %q", errb.String())
	}
	a.warnDiscovery(&model.Snapshot{Warnings: []string{"bind mounts: open /proc/self/mountinfo: permission denied", "processes: \x1b[2J"}})
	want := "lazyns: warning: bind mounts: open /proc/self/mountinfo: permission denied: namespaces found only there may be missing\n" +
		"lazyns: warning: processes: \\x1b[2J: namespaces found only there may be missing\n"
	if errb.String() != want {
		t.Errorf("said\n%q\nwant\n%q", errb.String(), want)
	}
}
