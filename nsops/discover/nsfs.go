package discover

import "golang.org/x/sys/unix"

// NsfsInode returns the inode of the namespace at path, if path is a
// namespace file (of any type).
func NsfsInode(path string) (uint64, bool) {
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil || fs.Type != unix.NSFS_MAGIC {
		return 0, false
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, false
	}
	return st.Ino, true
}

// netNsAt returns the inode of the network namespace open at dir/name (a
// /proc/PID/fd entry), if it is one: a file of nsfs that the kernel says
// is of type net. The link's text cannot tell: a descriptor opened on
// /run/netns/NAME reads back as "/" once the name is deleted.
func netNsAt(dir int, name string) (uint64, bool) {
	fd, err := unix.Openat(dir, name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil || fs.Type != unix.NSFS_MAGIC {
		return 0, false
	}
	if t, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE); err != nil || t != unix.CLONE_NEWNET {
		return 0, false
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, false
	}
	return st.Ino, true
}
