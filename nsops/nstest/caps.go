package nstest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// ReadOnlyStatusScript prints, from inside a shell or command, its
// capability sets (for CapSets and the assertions below), its
// no_new_privs and LAZYNS_READ_ONLY, from a line of its own (a terminal
// may have written escapes before).
const ReadOnlyStatusScript = `echo; grep -e '^Cap' -e NoNewPrivs /proc/self/status; echo "LAZYNS_READ_ONLY=<$LAZYNS_READ_ONLY>"`

// CapSets reads the Cap* lines of a /proc/PID/status text: CapBnd,
// CapEff, CapPrm, CapInh and CapAmb to their bits.
func CapSets(t testing.TB, status string) map[string]uint64 {
	t.Helper()
	sets := map[string]uint64{}
	for _, line := range strings.Split(status, "\n") {
		name, hex, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(name, "Cap") {
			continue
		}
		bits, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		sets[name] = bits
	}
	for _, want := range []string{"CapBnd", "CapEff", "CapPrm", "CapInh", "CapAmb"} {
		if _, ok := sets[want]; !ok {
			t.Fatalf("no %s line in:\n%s", want, status)
		}
	}
	return sets
}

// AssertReadOnlyCaps fails unless status (from /proc/self/status of a
// process started read-only) holds CAP_NET_ADMIN, CAP_SYS_ADMIN and
// CAP_SYS_MODULE in none of its sets, and CAP_NET_RAW (ping) in its
// bounding and effective sets.
func AssertReadOnlyCaps(t testing.TB, status string) {
	t.Helper()
	sets := CapSets(t, status)
	for set, bits := range sets {
		for _, c := range []struct {
			bit  int
			name string
		}{{unix.CAP_NET_ADMIN, "CAP_NET_ADMIN"}, {unix.CAP_SYS_ADMIN, "CAP_SYS_ADMIN"}, {unix.CAP_SYS_MODULE, "CAP_SYS_MODULE"}} {
			if bits&(1<<c.bit) != 0 {
				t.Errorf("%s holds %s (%016x)", set, c.name, bits)
			}
		}
	}
	for _, set := range []string{"CapBnd", "CapEff"} {
		if sets[set]&(1<<unix.CAP_NET_RAW) == 0 {
			t.Errorf("%s lacks CAP_NET_RAW (%016x): ping would not work", set, sets[set])
		}
	}
}

// AssertFullCaps fails unless status holds CAP_NET_ADMIN and
// CAP_SYS_ADMIN in its bounding and effective sets.
func AssertFullCaps(t testing.TB, what, status string) {
	t.Helper()
	sets := CapSets(t, status)
	for _, set := range []string{"CapBnd", "CapEff"} {
		if want := uint64(1<<unix.CAP_NET_ADMIN | 1<<unix.CAP_SYS_ADMIN); sets[set]&want != want {
			t.Errorf("%s: %s lacks CAP_NET_ADMIN or CAP_SYS_ADMIN (%016x)", what, set, sets[set])
		}
	}
}

// ThreadStatuses is /proc/self/task/TID/status of every thread of this
// process, by TID.
func ThreadStatuses(t testing.TB) map[string]string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/status")
		if err != nil {
			continue // the thread exited meanwhile
		}
		out[task.Name()] = string(b)
	}
	return out
}

// AssertThreadsCapable fails if any thread of this process has lost
// CAP_NET_ADMIN or CAP_SYS_ADMIN.
func AssertThreadsCapable(t testing.TB) {
	t.Helper()
	for tid, status := range ThreadStatuses(t) {
		AssertFullCaps(t, fmt.Sprintf("thread %s of the test process", tid), status)
	}
}

// CapBitsScript prints, for a screen rather than a parser, whether the
// bounding and effective sets hold CAP_NET_ADMIN (12), CAP_SYS_ADMIN (21)
// and CAP_NET_RAW (13); a read-only process prints ReadOnlyCapBits.
const CapBitsScript = `for s in CapBnd CapEff; do v=0x$(awk -v s=$s: '$1 == s {print $2}' /proc/self/status); ` +
	`echo "$s net_admin=$((v >> 12 & 1)) sys_admin=$((v >> 21 & 1)) net_raw=$((v >> 13 & 1))"; done`

// ReadOnlyCapBits are the lines CapBitsScript prints in a read-only process.
var ReadOnlyCapBits = []string{"CapBnd net_admin=0 sys_admin=0 net_raw=1", "CapEff net_admin=0 sys_admin=0 net_raw=1"}
