package nsops

import "golang.org/x/sys/unix"

const nsfsMagic = 0x6e736673

// nsfsInode returns the inode of the namespace at path, if path is one.
func nsfsInode(path string) (uint64, bool) {
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil || fs.Type != nsfsMagic {
		return 0, false
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, false
	}
	return st.Ino, true
}
