package main

import "runtime/debug"

// stampFromBuild fills in, without the Makefile's stamps (go install),
// what the Go toolchain recorded: the module version for go install
// …@v1.2.3, and the commit and its time when built from a git checkout
// with VCS stamping on.
func stampFromBuild() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	stampedVersion(info)
}

func stampedVersion(info *debug.BuildInfo) {
	if version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && commit == "unknown":
			commit = s.Value
			if len(commit) > 12 {
				commit = commit[:12]
			}
		case s.Key == "vcs.time" && date == "unknown":
			date = s.Value
		}
	}
}
