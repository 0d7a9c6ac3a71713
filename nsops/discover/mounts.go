package discover

import (
	"os"
	"path/filepath"

	"github.com/lazyns/lazyns/model"
)

// readMounts lists the network namespaces bind-mounted anywhere, from
// this process's mountinfo.
func (d *discovery) readMounts() ([]nsMount, error) {
	f, err := os.Open(d.under("/proc/self/mountinfo"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseNetnsMounts(f)
}

// mounted adds namespaces bind-mounted outside the netns directory, such
// as Docker's /run/docker/netns/….
func (d *discovery) mounted(mounts []nsMount) {
	dir := d.realDir(d.cfg.NetnsDir)
	for _, m := range mounts {
		if filepath.Dir(m.Path) == dir {
			continue
		}
		d.add(m.Ino, func(ns *model.Namespace) {
			ns.Mounts = append(ns.Mounts, m.Path)
			if ns.Path == "" {
				ns.Path = m.Path
			}
		})
	}
}
