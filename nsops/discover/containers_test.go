package discover

import (
	"testing"

	"github.com/lazyns/lazyns/model"
)

// discovered runs every pass before containers on the fixture.
func discovered(t *testing.T, cfg Config) *discovery {
	t.Helper()
	d := newDiscovery(cfg)
	d.add(hostIno, func(ns *model.Namespace) { ns.Host = true })
	mounts := namedOn(t, d)
	d.mounted(mounts)
	scan := d.scan(mounts)
	d.processes(scan)
	d.fds(scan)
	return d
}

func TestContainers(t *testing.T) {
	d := discovered(t, fixture())
	d.containers()
	cases := []struct {
		ino   uint64
		want  *model.Container
		label string
	}{
		// docker 20.10, cgroupfs: named from its config.v2.json (no socket here)
		{4026532377, &model.Container{Runtime: "docker", ID: dockerID, Name: "lzdisc-rwd1"}, "docker lzdisc-rwd1"},
		// podman 4.3, cgroupfs (/libpod_parent/libpod-<id>): from containers.json
		{4026532582, &model.Container{Runtime: "podman", ID: "cdc242b6b6203997e3b0f48559f2ee314d563841c242e5ae80c446d861e493f5", Name: "lzdisc-rwp1"}, "podman lzdisc-rwp1"},
		{4026532658, &model.Container{Runtime: "podman", ID: "d596ccbe53c33ca564f2e1701a709d5894c8eecffeb4f425e4cca4e54c6bb01f", Name: "lzdisc-rwp2"}, "podman lzdisc-rwp2"},
		// a Mininet host's shell, though its cgroup is a docker container's
		{4026533001, &model.Container{Runtime: "mininet", ID: "h1", Name: "h1"}, "mininet h1"},
		// a pod sandbox: the cgroup says kubernetes, the bundle containerd
		{4026533100, &model.Container{Runtime: "containerd", ID: "8e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8", Pod: "kube-system/coredns-5d78c9869d-x7k2p"}, "pod kube-system/coredns-5d78c9869d-x7k2p"},
		// nothing holds these
		{4026532448, nil, ""},
		{4026532303, nil, ""},
		{4026532900, nil, ""},
		{hostIno, nil, ""},
	}
	for _, c := range cases {
		ns := d.byIno[c.ino]
		got := ns.Container
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("net:[%d]: container %+v, want %+v", c.ino, got, c.want)
			continue
		}
		if got != nil && got.Label() != c.label {
			t.Errorf("net:[%d]: label %q, want %q", c.ino, got.Label(), c.label)
		}
	}
	// podman's netavark names its namespaces: the name stays, the
	// container is said beside it.
	if ns := d.byIno[4026532582]; ns.DisplayName() != "netns-a4a5815a-f105-5fae-12b7-8407ac11b031" {
		t.Errorf("podman's named namespace is called %q", ns.DisplayName())
	}
}

// Without a way to learn names, containers are known by their short id.
func TestContainersWithoutNames(t *testing.T) {
	cfg := fixture()
	cfg.Names = nil
	d := discovered(t, cfg)
	d.containers()
	if got := d.byIno[4026532377].DisplayName(); got != "docker 6bb35eb5f09a" {
		t.Errorf("docker namespace without names: %q", got)
	}
}
