package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "dev", "unknown", "unknown"
	stampedVersion(&debug.BuildInfo{
		Main: debug.Module{Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-11-23T12:00:00Z"},
		},
	})
	if version != "v1.2.3" || commit != "0123456789ab" || date != "2026-11-23T12:00:00Z" {
		t.Errorf("from build info: %q %q %q", version, commit, date)
	}
	// The Makefile's stamps win.
	version, commit, date = "v2.0.0", "abc", "today"
	stampedVersion(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "ffff"}}})
	if version != "v2.0.0" || commit != "abc" || date != "today" {
		t.Errorf("stamps overridden: %q %q %q", version, commit, date)
	}
	code, stdout, _ := lazyns(t, "--version")
	if code != 0 || !strings.HasPrefix(stdout, "lazyns v2.0.0 (commit abc, built today)") {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}
