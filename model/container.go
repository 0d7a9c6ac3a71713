package model

import (
	"regexp"
	"strings"
	"sync"
)

// Container is who holds a namespace, as far as its oldest process says:
// a container of some runtime, a Kubernetes pod, a systemd unit, a
// Mininet host.
type Container struct {
	// Runtime is docker, podman, containerd, cri-o, kubernetes (a pod
	// whose runtime the cgroup does not say), lxc, nspawn, systemd or
	// mininet.
	Runtime string
	// ID is what the runtime calls it in the cgroup: a 64-hex container id,
	// a unit, a machine or a Mininet node name.
	ID string
	// Name is the runtime's name for it, when the runtime says.
	Name string
	// Pod is the Kubernetes pod, "namespace/name", when the runtime's state
	// says.
	Pod string
}

// Label is how a person knows it: "docker web1", "pod kube-system/coredns",
// "podman 3f2a9c1b7d4e" while its name is unknown.
func (c *Container) Label() string {
	switch {
	case c.Pod != "":
		return "pod " + c.Pod
	case c.Name != "":
		return c.Runtime + " " + c.Name
	}
	return c.Runtime + " " + ShortID(c.ID)
}

// ShortID cuts a 64-hex container id to the 12 characters runtimes print;
// other ids (unit names) are kept whole.
func ShortID(id string) string {
	if len(id) == 64 && isHex(id) {
		return id[:12]
	}
	return id
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

type containerPattern struct {
	runtime string
	re      *regexp.Regexp
}

// containerPatterns are compiled on first use: most runs of lazyns never
// look at a cgroup, and start-up time is part of every command. Each
// matches a cgroup path as its runtime writes it, with the systemd driver
// (a .scope unit) or the cgroupfs driver (a plain directory).
var containerPatterns = sync.OnceValue(func() []containerPattern {
	return []containerPattern{
		{"docker", regexp.MustCompile(`docker-([0-9a-f]{12,64})\.scope`)},
		{"docker", regexp.MustCompile(`/docker/([0-9a-f]{12,64})`)},
		{"containerd", regexp.MustCompile(`cri-containerd-([0-9a-f]{12,64})\.scope`)},
		{"containerd", regexp.MustCompile(`:cri-containerd:([0-9a-f]{64})`)},
		{"cri-o", regexp.MustCompile(`crio-([0-9a-f]{12,64})\.scope`)},
		// libpod-<id>.scope (systemd) or /libpod_parent/libpod-<id> (cgroupfs)
		{"podman", regexp.MustCompile(`libpod-([0-9a-f]{64})`)},
		{"kubernetes", regexp.MustCompile(`/kubepods[^\n]*/([0-9a-f]{64})`)},
		{"lxc", regexp.MustCompile(`/lxc\.payload\.([^/\n]+)`)},
		{"nspawn", regexp.MustCompile(`systemd-nspawn@([^/\n]+)\.service`)},
		{"systemd", regexp.MustCompile(`/system\.slice/([^/\n]+\.service)`)},
	}
})

// ContainerFromCgroup says which container (or systemd unit) a process
// belongs to, from the text of /proc/PID/cgroup; nil when it names none.
func ContainerFromCgroup(cgroup string) *Container {
	for _, p := range containerPatterns() {
		if m := p.re.FindStringSubmatch(cgroup); m != nil {
			return &Container{Runtime: p.runtime, ID: m[1]}
		}
	}
	return nil
}

// MininetHost is the node name a Mininet host's shell carries in its
// command line ("bash --norc --noediting -is mininet:h1"), or "".
func MininetHost(cmdline []string) string {
	if len(cmdline) == 0 {
		return ""
	}
	for _, arg := range cmdline[1:] {
		if name, ok := strings.CutPrefix(arg, "mininet:"); ok && name != "" {
			return name
		}
	}
	return ""
}
