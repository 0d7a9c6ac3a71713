package nsops

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/discover"
	"golang.org/x/sys/unix"
)

// DefaultNetnsDir is where ip netns keeps its names.
const DefaultNetnsDir = "/run/netns"

// ErrReadOnly is returned by every change when lazyns runs read-only.
var ErrReadOnly = errors.New("read-only (--read-only, read_only in the config, or LAZYNS_READ_ONLY; --write lifts it): nothing was changed")

// System is the host as lazyns sees it: where names live, which namespace
// is the host's, and whether changes are allowed.
type System struct {
	NetnsDir string
	ReadOnly bool
	Names    *model.Names
	// Workers bounds how many namespaces are read at once.
	Workers int

	host model.NsKey
	// self is the namespace file lazyns started in, kept open so the host
	// namespace can always be reached, whatever a thread does.
	self *os.File
	// names remembers container names from one discovery to the next.
	names *discover.Names
}

// New describes the host lazyns runs on. The host namespace is the one this
// process started in: /proc/1/ns/net is often unreadable, even for root.
func New(netnsDir string) (*System, error) {
	if netnsDir == "" {
		netnsDir = DefaultNetnsDir
	}
	f, err := os.Open("/proc/self/ns/net")
	if err != nil {
		return nil, fmt.Errorf("open this process's network namespace: %w", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		return nil, fmt.Errorf("stat this process's network namespace: %w", err)
	}
	return &System{
		NetnsDir: filepath.Clean(netnsDir),
		Names:    loadHostNames(),
		Workers:  4,
		host:     model.NsKey{Dev: st.Dev, Ino: st.Ino},
		self:     f,
		names:    discover.NewNames("/"),
	}, nil
}

// HostKey identifies the namespace lazyns runs in.
func (s *System) HostKey() model.NsKey { return s.host }

// Close releases what New opened.
func (s *System) Close() error { return s.self.Close() }

// loadHostNames are the names ip uses on this host: iproute2's tables and
// protocols, and /etc/protocols for a rule's ipproto.
func loadHostNames() *model.Names {
	n := LoadNames("/etc/iproute2")
	n.IPProtos = readProtocols("/etc/protocols")
	return n
}

// readProtocols maps IP protocol numbers to their names in path, the first
// name given for a number winning, as getprotobynumber(3) answers.
func readProtocols(path string) map[uint8]string {
	names := map[uint8]string{}
	eachNameLine(path, func(fields []string) {
		id, err := strconv.ParseUint(fields[1], 10, 8)
		if err != nil {
			return
		}
		if _, seen := names[uint8(id)]; !seen {
			names[uint8(id)] = fields[0]
		}
	})
	return names
}

// LoadNames reads iproute2's table and protocol names from dir (rt_tables,
// rt_protos and their .d directories) over the built-in ones.
func LoadNames(dir string) *model.Names {
	n := model.DefaultNames()
	readNameFiles(filepath.Join(dir, "rt_tables"), func(id uint64, name string) {
		n.Tables[uint32(id)] = name
	})
	readNameFiles(filepath.Join(dir, "rt_protos"), func(id uint64, name string) {
		if id < 256 {
			n.Protos[uint8(id)] = name
		}
	})
	return n
}

func readNameFiles(base string, set func(uint64, string)) {
	files := []string{base}
	if more, err := filepath.Glob(base + ".d/*.conf"); err == nil {
		files = append(files, more...)
	}
	for _, path := range files {
		eachNameLine(path, func(fields []string) {
			id, err := strconv.ParseUint(fields[0], 0, 32)
			if err == nil {
				set(id, fields[1])
			}
		})
	}
}

// eachNameLine calls fn with the fields of each line of the file at path
// that has two or more and is no comment; a file that cannot be read has
// no lines.
func eachNameLine(path string, fn func(fields []string)) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && !strings.HasPrefix(fields[0], "#") {
			fn(fields)
		}
	}
}

// Privileges says what lazyns lacks to see and change every namespace, or
// "" when it has it all. Reading another namespace takes CAP_SYS_ADMIN
// (to enter it); changing one takes CAP_NET_ADMIN too.
func Privileges() string {
	caps, err := effectiveCaps()
	if err != nil {
		return ""
	}
	const sysAdmin, netAdmin = 1 << 21, 1 << 12
	var missing []string
	if caps&sysAdmin == 0 {
		missing = append(missing, "CAP_SYS_ADMIN")
	}
	if caps&netAdmin == 0 {
		missing = append(missing, "CAP_NET_ADMIN")
	}
	if len(missing) == 0 {
		return ""
	}
	return "needs root (or " + strings.Join(missing, " and ") + ")"
}

func effectiveCaps() (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, errors.New("no CapEff in /proc/self/status")
}
