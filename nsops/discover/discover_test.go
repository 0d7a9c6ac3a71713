package discover

import (
	"reflect"
	"testing"

	"github.com/lazyns/lazyns/model"
)

// The fixture host (testdata/host) is a fake root: /proc with links whose
// text is what the kernel writes (net:[…]), the netns directory, and the
// state docker 20.10 and podman 4.3 left on a real host (see
// testdata/README.md). Its nsfs device is fixtureDev.
const (
	fixtureRoot = "testdata/host"
	fixtureDev  = 12345 // no real device: a fixture link must never reach a real namespace
	hostIno     = 4026531840
	dockerID    = "6bb35eb5f09a55490853e960d7f1cf0d0c5a8483c980187809a02506830392eb"
)

func fixture() Config {
	return Config{
		Root:     fixtureRoot,
		NetnsDir: "/run/netns",
		Host:     model.NsKey{Dev: fixtureDev, Ino: hostIno},
		Self:     7000,
		Names:    NewNames(fixtureRoot),
	}
}

// newDiscovery is the state Run starts the passes with.
func newDiscovery(cfg Config) *discovery {
	if cfg.Workers < 1 {
		cfg.Workers = 2
	}
	return &discovery{cfg: cfg, byIno: map[uint64]*model.Namespace{}}
}

// mountsOf reads the fixture's nsfs mounts, as Run does first.
func mountsOf(t *testing.T, d *discovery) []nsMount {
	t.Helper()
	mounts, err := d.readMounts()
	if err != nil {
		t.Fatal(err)
	}
	return mounts
}

// named runs the named pass on the fixture's mounts and returns them.
func namedOn(t *testing.T, d *discovery) []nsMount {
	t.Helper()
	mounts := mountsOf(t, d)
	if err := d.named(mounts); err != nil {
		t.Fatal(err)
	}
	return mounts
}

func byIno(t *testing.T, snap *model.Snapshot, ino uint64) *model.Namespace {
	t.Helper()
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; !ns.Stale && ns.Key.Ino == ino {
			return ns
		}
	}
	t.Fatalf("no namespace net:[%d] in %v", ino, names(snap))
	return nil
}

func names(snap *model.Snapshot) []string {
	var out []string
	for i := range snap.Namespaces {
		out = append(out, snap.Namespaces[i].DisplayName())
	}
	return out
}

// Every source together: each namespace once, in display order, with the
// path that opens it.
func TestRunOnFixture(t *testing.T) {
	snap, err := Run(fixture())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"host",
		"blue",
		"netns-a4a5815a-f105-5fae-12b7-8407ac11b031",
		"with space",
		"docker lzdisc-rwd1",
		"fd 100/10", // or 100/3: the fixture lists descriptors in any order
		"mininet h1",
		"pid 300 (sleep)",
		"pod kube-system/coredns-5d78c9869d-x7k2p",
		"podman lzdisc-rwp2",
		"stale1",
	}
	got := names(snap)
	if fd := byIno(t, snap, 4026532900); fd.Path != model.FdPath(fd.FdHolders[0]) {
		t.Errorf("held by %q, opens at %q", fd.FdHolders, fd.Path)
	} else if got[5] == "fd 100/3" {
		want[5] = "fd 100/3"
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("namespaces:\n got %q\nwant %q", got, want)
	}
	paths := map[uint64]string{
		hostIno:    "/proc/self/ns/net",
		4026532448: "/run/netns/blue",
		4026532377: "/run/docker/netns/8ac5354a1392",
		4026532303: "/proc/300/ns/net",
		4026532658: "/proc/30152/ns/net",
	}
	for ino, want := range paths {
		if got := byIno(t, snap, ino).Path; got != want {
			t.Errorf("net:[%d] opens at %q, want %q", ino, got, want)
		}
	}
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; !ns.Stale && ns.Key.Dev != fixtureDev {
			t.Errorf("%s: device %d, want nsfs's %d", ns.DisplayName(), ns.Key.Dev, fixtureDev)
		}
	}
	if len(snap.Warnings) != 0 {
		t.Errorf("warnings on a whole fixture: %q", snap.Warnings)
	}
}

// A host whose netns directory does not exist has named nothing: no error.
func TestRunWithoutNetnsDir(t *testing.T) {
	cfg := fixture()
	cfg.NetnsDir = "/run/no-such-netns"
	snap, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ns := byIno(t, snap, 4026532448); ns.Named() {
		t.Errorf("blue is named %q with no netns directory", ns.Name)
	}
}
