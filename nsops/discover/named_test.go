package discover

import "testing"

func TestNamed(t *testing.T) {
	d := newDiscovery(fixture())
	namedOn(t, d)
	want := map[string]uint64{
		"blue":       4026532448,
		"with space": 4026532449, // mountinfo writes it with\040space
		"netns-a4a5815a-f105-5fae-12b7-8407ac11b031": 4026532582, // netavark's name for a podman container
	}
	seen := map[string]bool{}
	for _, ns := range d.order {
		seen[ns.Name] = true
		switch {
		case ns.Name == "stale1":
			if !ns.Stale || ns.Path != "/run/netns/stale1" {
				t.Errorf("stale1: stale=%v path %q: a name whose mount is gone is a stale file", ns.Stale, ns.Path)
			}
		case want[ns.Name] != 0:
			if ns.Key.Ino != want[ns.Name] || ns.Path != "/run/netns/"+ns.Name || ns.Stale {
				t.Errorf("%s: %v path %q stale=%v", ns.Name, ns.Key, ns.Path, ns.Stale)
			}
		default:
			t.Errorf("unexpected %q", ns.Name)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("%s not found", name)
		}
	}
}

// /var/run/netns is a link to /run/netns on most hosts: the names are
// matched to mountinfo's mount points through it.
func TestNamedThroughLinkedDir(t *testing.T) {
	cfg := fixture()
	cfg.NetnsDir = "/var/run/netns"
	d := newDiscovery(cfg)
	mounts := namedOn(t, d)
	for _, ns := range d.order {
		if ns.Name == "blue" && (ns.Stale || ns.Key.Ino != 4026532448 || ns.Path != "/var/run/netns/blue") {
			t.Errorf("blue through /var/run/netns: stale=%v %v %q", ns.Stale, ns.Key, ns.Path)
		}
	}
	d.mounted(mounts)
	for _, ns := range d.order {
		for _, m := range ns.Mounts {
			if m == "/run/netns/blue" {
				t.Errorf("a name under the linked netns dir counted as a mount elsewhere")
			}
		}
	}
}

// Without mountinfo (another mount namespace's view), a name is a
// namespace only if the file is one: here none is, so all are stale.
func TestNamedWithoutMountinfo(t *testing.T) {
	d := newDiscovery(fixture())
	if err := d.named(nil); err != nil {
		t.Fatal(err)
	}
	for _, ns := range d.order {
		if !ns.Stale {
			t.Errorf("%s: not stale though its file is no namespace", ns.Name)
		}
	}
}
