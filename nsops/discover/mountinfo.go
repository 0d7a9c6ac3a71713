package discover

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// nsMount is an nsfs bind mount of a network namespace.
type nsMount struct {
	Path string
	Ino  uint64
}

// parseNetnsMounts lists the network namespace bind mounts in a
// /proc/PID/mountinfo stream. Mount points are octal-escaped there
// (a space is \040), so they are unescaped before anyone compares them.
func parseNetnsMounts(r io.Reader) ([]nsMount, error) {
	var out []nsMount
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		sep := strings.Index(line, " - ")
		if sep < 0 {
			continue
		}
		if !strings.HasPrefix(line[sep+3:], "nsfs ") {
			continue
		}
		f := strings.Fields(line[:sep])
		if len(f) < 5 {
			continue
		}
		ino, ok := ParseNsLink(f[3], "net")
		if !ok {
			continue
		}
		out = append(out, nsMount{Path: unescapeMountPath(f[4]), Ino: ino})
	}
	return out, sc.Err()
}

// ParseNsLink reads the inode out of "net:[4026531840]" (the text of a
// /proc/PID/ns/net link or an nsfs mount root); kind is the part before
// the colon ("net", "socket").
func ParseNsLink(s, kind string) (uint64, bool) {
	if !strings.HasPrefix(s, kind+":[") || !strings.HasSuffix(s, "]") {
		return 0, false
	}
	n, err := strconv.ParseUint(s[len(kind)+2:len(s)-1], 10, 64)
	return n, err == nil
}

func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
