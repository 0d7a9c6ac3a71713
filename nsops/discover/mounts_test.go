package discover

import (
	"reflect"
	"testing"
)

func TestMounted(t *testing.T) {
	d := newDiscovery(fixture())
	d.mounted(namedOn(t, d))
	docker := d.byIno[4026532377]
	if docker == nil || !reflect.DeepEqual(docker.Mounts, []string{"/run/docker/netns/8ac5354a1392"}) ||
		docker.Path != "/run/docker/netns/8ac5354a1392" {
		t.Fatalf("docker's bind mount: %+v", docker)
	}
	// A named namespace mounted again elsewhere keeps its name and path.
	blue := d.byIno[4026532448]
	if blue.Name != "blue" || blue.Path != "/run/netns/blue" || !reflect.DeepEqual(blue.Mounts, []string{"/run/blue-again"}) {
		t.Errorf("blue: name %q path %q mounts %q", blue.Name, blue.Path, blue.Mounts)
	}
	// A mount namespace's file is no network namespace.
	if d.byIno[4026532700] != nil {
		t.Errorf("a mnt namespace bind mount was taken for a network namespace")
	}
}
