package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// named walks the netns directory. A name whose bind mount is gone is an
// empty file left behind: it is listed as stale, not as a namespace.
func (d *discovery) named(mounts []nsMount) error {
	dir := d.cfg.NetnsDir
	entries, err := os.ReadDir(d.under(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no namespace was ever named on this host
	}
	if err != nil {
		return fmt.Errorf("read the netns directory %s: %w", dir, err)
	}
	real := d.realDir(dir)
	mounted := make(map[string]uint64, len(mounts))
	for _, m := range mounts {
		mounted[m.Path] = m.Ino
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		ino, ok := mounted[filepath.Join(real, name)]
		if !ok {
			// mountinfo may be of another mount namespace than the names;
			// the file itself tells the truth.
			ino, ok = NsfsInode(d.under(path))
		}
		if !ok {
			d.order = append(d.order, &model.Namespace{Name: name, Stale: true, Path: path})
			continue
		}
		d.add(ino, func(ns *model.Namespace) {
			if ns.Name == "" || name < ns.Name {
				ns.Name = name
				ns.Path = path
			}
		})
	}
	return nil
}

// realDir is dir with symbolic links resolved (/var/run/netns is
// /run/netns), as mountinfo names it.
func (d *discovery) realDir(dir string) string {
	real, err := filepath.EvalSymlinks(d.under(dir))
	if err != nil {
		return dir
	}
	root := filepath.Clean(d.cfg.Root)
	if root == "/" {
		return real
	}
	if rel, ok := strings.CutPrefix(real, root); ok {
		return "/" + strings.TrimPrefix(rel, "/")
	}
	return dir
}
