package nsops

import (
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"
)

// dirWatch reports names made and removed in the netns directory. The
// directory may not exist yet (no namespace was ever named) or be removed:
// then its parent is watched until it appears.
type dirWatch struct {
	dir, parent, base string
	fd                int
	file              *os.File
	wdDir, wdParent   int
}

const (
	dirEvents    = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_ONLYDIR
	parentEvents = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_ONLYDIR
)

func newDirWatch(dir string) (*dirWatch, error) {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", dir, os.NewSyscallError("inotify_init1", err))
	}
	d := &dirWatch{dir: dir, parent: filepath.Dir(dir), base: filepath.Base(dir), fd: fd, wdDir: -1, wdParent: -1}
	d.arm()
	// Non-blocking, so the runtime poller waits for it and Close wakes
	// the reader.
	d.file = os.NewFile(uintptr(fd), "inotify")
	return d, nil
}

// arm watches the directory if it exists, else its parent.
func (d *dirWatch) arm() {
	for try := 0; try < 2 && d.wdDir < 0; try++ {
		if wd, err := unix.InotifyAddWatch(d.fd, d.dir, dirEvents); err == nil {
			d.wdDir = wd
			break
		}
		if d.wdParent < 0 {
			if wd, err := unix.InotifyAddWatch(d.fd, d.parent, parentEvents); err == nil {
				d.wdParent = wd
			}
		}
		// and again: the directory may have appeared meanwhile
	}
	if d.wdDir >= 0 && d.wdParent >= 0 {
		_, _ = unix.InotifyRmWatch(d.fd, uint32(d.wdParent))
		d.wdParent = -1
	}
}

// run reads events until the watch is closed, calling emit once for each
// batch that touched the directory.
func (d *dirWatch) run(emit func(rawEvent)) {
	buf := make([]byte, 16*1024)
	for {
		n, err := d.file.Read(buf)
		if err != nil {
			return
		}
		changed := false
		for b := buf[:n]; len(b) >= unix.SizeofInotifyEvent; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
			end := unix.SizeofInotifyEvent + int(ev.Len)
			if end > len(b) {
				break
			}
			name := cString(b[unix.SizeofInotifyEvent:end])
			b = b[end:]
			switch {
			case ev.Mask&unix.IN_Q_OVERFLOW != 0:
				changed = true
				d.arm()
			case int(ev.Wd) == d.wdDir && ev.Mask&(unix.IN_DELETE_SELF|unix.IN_MOVE_SELF|unix.IN_IGNORED) != 0:
				if ev.Mask&unix.IN_MOVE_SELF != 0 {
					_, _ = unix.InotifyRmWatch(d.fd, uint32(d.wdDir))
				}
				d.wdDir = -1
				d.arm()
				changed = true
			case int(ev.Wd) == d.wdDir:
				changed = true
			case int(ev.Wd) == d.wdParent && name == d.base:
				d.arm()
				changed = true
			}
		}
		if changed {
			emit(rawEvent{namespaces: true})
		}
	}
}

func (d *dirWatch) close() error { return d.file.Close() }

// cString is the NUL-padded name of an inotify event.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
