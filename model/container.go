package model

import (
	"regexp"
	"strings"
	"sync"
)

type containerPattern struct {
	runtime string
	re      *regexp.Regexp
}

// containerPatterns are compiled on first use: most runs of lazyns never
// look at a cgroup, and start-up time is part of every command.
var containerPatterns = sync.OnceValue(func() []containerPattern {
	return []containerPattern{
		{"docker", regexp.MustCompile(`docker-([0-9a-f]{12,64})\.scope`)},
		{"docker", regexp.MustCompile(`/docker/([0-9a-f]{12,64})`)},
		{"containerd", regexp.MustCompile(`cri-containerd-([0-9a-f]{12,64})\.scope`)},
		{"containerd", regexp.MustCompile(`:cri-containerd:([0-9a-f]{64})`)},
		{"cri-o", regexp.MustCompile(`crio-([0-9a-f]{12,64})\.scope`)},
		{"podman", regexp.MustCompile(`libpod-([0-9a-f]{12,64})\.scope`)},
		{"kubernetes", regexp.MustCompile(`/kubepods[^\n]*/([0-9a-f]{64})`)},
		{"lxc", regexp.MustCompile(`/lxc\.payload\.([^/\n]+)`)},
		{"nspawn", regexp.MustCompile(`systemd-nspawn@([^/\n]+)\.service`)},
		{"systemd", regexp.MustCompile(`/system\.slice/([^/\n]+\.service)`)},
	}
})

// ContainerFromCgroup names the container (or systemd unit) a process
// belongs to, from the text of /proc/PID/cgroup: "docker 3f2a9c1b7d4e".
// Empty when the cgroup names none.
func ContainerFromCgroup(cgroup string) string {
	for _, p := range containerPatterns() {
		m := p.re.FindStringSubmatch(cgroup)
		if m == nil {
			continue
		}
		id := m[1]
		if len(id) == 64 && strings.Trim(id, "0123456789abcdef") == "" {
			id = id[:12]
		}
		return p.runtime + " " + id
	}
	return ""
}
