package nsops

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
	"golang.org/x/sys/unix"
)

// startProcess starts a command that is killed when the test ends.
func startProcess(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// holdFd starts a process that holds path open as descriptor 3 (as
// `exec 3<PATH` in a shell) and then sleeps; it returns once the
// descriptor is there.
func holdFd(t *testing.T, path string) int {
	t.Helper()
	holder := startProcess(t, "sh", "-c", `exec 3<"$0"; exec sleep 600`, path)
	pid := holder.Process.Pid
	waitFor(t, "the holder's descriptor on "+path, func() bool {
		comm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
		_, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/3")
		return err == nil && strings.TrimSpace(string(comm)) == "sleep"
	})
	return pid
}

func inodeOf(t *testing.T, path string) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// findIno is the namespace with inode ino in snap, or nil.
func findIno(snap *model.Snapshot, ino uint64) *model.Namespace {
	for i := range snap.Namespaces {
		if ns := &snap.Namespaces[i]; !ns.Stale && ns.Key.Ino == ino {
			return ns
		}
	}
	return nil
}

// assertHeldByFd checks that the namespace ino is listed, read (its link
// among its links) and opened through the holder's descriptor, in the
// snapshot, in lazyns list and in show --json.
func assertHeldByFd(t *testing.T, ino uint64, holder int, link string) {
	t.Helper()
	sys, snap := snapshot(t)
	ns := findIno(snap, ino)
	if ns == nil {
		t.Fatalf("net:[%d], held by descriptor 3 of %d, is missing (warnings %q)", ino, holder, snap.Warnings)
	}
	// Other lazyns on this host may hold it open too, while they read it.
	ref := strconv.Itoa(holder) + "/3"
	if !slices.Contains(ns.FdHolders, ref) || !slices.Contains(ns.Paths(), "/proc/"+strconv.Itoa(holder)+"/fd/3") ||
		!strings.HasPrefix(ns.Path, "/proc/") || !strings.Contains(ns.Path, "/fd/") {
		t.Errorf("held by %q, opened at %q; want %s among them, opened at a /proc/HOLDER/fd/N", ns.FdHolders, ns.Path, ref)
	}
	if ns.Err != nil || ns.LinkByName(link) == nil {
		t.Errorf("%s: error %q, links %v; want %s read", ns.DisplayName(), ns.Err, ns.Links, link)
	}
	var list bytes.Buffer
	model.WriteList(&list, []*model.Namespace{ns}, model.NoPaint)
	if !strings.Contains(list.String(), ns.DisplayName()) || !strings.HasPrefix(ns.DisplayName(), "fd ") || !strings.Contains(list.String(), strconv.FormatUint(ino, 10)) {
		t.Errorf("lazyns list:\n%s", list.String())
	}
	b, _ := model.JSON([]*model.Namespace{ns}, sys.Names)
	doc := string(b)
	for _, want := range []string{`"path":"` + ns.Path + `"`, `"ifname":"` + link + `"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("show --json lacks %s:\n%s", want, doc)
		}
	}
}

// A namespace whose last process exited, kept alive by a descriptor
// another process opened on /proc/PID/ns/net.
func TestFdHeldNamespaceOfExitedProcess(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "unshare")
	maker := exec.Command("unshare", "-n", "sleep", "600")
	if err := maker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = maker.Process.Kill(); _ = maker.Wait() }()
	waitNsChanged(t, maker.Process.Pid)
	nsPath := "/proc/" + strconv.Itoa(maker.Process.Pid) + "/ns/net"
	ino := inodeOf(t, nsPath)
	nstest.Sh(t, "nsenter --net="+nsPath+" ip link add fdheld0 type bridge")
	holder := holdFd(t, nsPath)
	_ = maker.Process.Kill()
	_ = maker.Wait()
	assertHeldByFd(t, ino, holder, "fdheld0")
}

// A descriptor opened on /run/netns/NAME keeps the namespace after
// `ip netns del NAME`; its link then reads "/", not net:[…].
func TestFdHeldNamespaceAfterNetnsDel(t *testing.T) {
	nstest.RequireRoot(t)
	name := nstest.Netns(t)
	nstest.IP(t, "-n", name, "link", "add", "fdheld1", "type", "bridge")
	path := DefaultNetnsDir + "/" + name
	ino := inodeOf(t, path)
	holder := holdFd(t, path)
	// While the name is there, the descriptor reads as its path: the
	// namespace is the named one, held by the descriptor too.
	_, snap := snapshot(t)
	if ns := findIno(snap, ino); ns == nil || ns.Name != name || !slices.Contains(ns.FdHolders, strconv.Itoa(holder)+"/3") {
		t.Errorf("before ip netns del: %+v, want %s held by %d/3", ns, name, holder)
	}
	nstest.IP(t, "netns", "del", name)
	link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder))
	t.Logf("descriptor 3 of %d reads %q after ip netns del", holder, link)
	assertHeldByFd(t, ino, holder, "fdheld1")
}

// A namespace shared by two processes is called by the one that made it,
// though the one that joined has the lower pid (pids wrap).
func TestSharedNamespaceNamedByOldest(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "unshare")
	nstest.RequireTool(t, "nsenter")
	first := startProcess(t, "unshare", "-n", "sleep", "600")
	a := first.Process.Pid
	waitNsChanged(t, a)
	if a < 1000 {
		t.Skipf("pid %d leaves no room below it for a joiner", a)
	}
	nsPath := "/proc/" + strconv.Itoa(a) + "/ns/net"
	// The next pid is ns_last_pid + 1: set it below a. Other processes on
	// the host fork too, so try a few times.
	var b int
	for try := 0; try < 20 && b == 0; try++ {
		want := a - 500 + try*7
		if _, err := os.Stat("/proc/" + strconv.Itoa(want)); err == nil {
			continue
		}
		if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(want-1)), 0o644); err != nil {
			t.Skipf("cannot choose the next pid: %v", err)
		}
		joiner := startProcess(t, "nsenter", "--net="+nsPath, "sleep", "600")
		if joiner.Process.Pid < a {
			b = joiner.Process.Pid
		} else {
			_ = joiner.Process.Kill()
		}
	}
	if b == 0 {
		t.Fatalf("no joiner got a pid below %d", a)
	}
	waitFor(t, "the joiner inside", func() bool {
		link, err := os.Readlink("/proc/" + strconv.Itoa(b) + "/ns/net")
		return err == nil && link == mustReadlink(t, nsPath)
	})
	_, snap := snapshot(t)
	ns := findIno(snap, inodeOf(t, nsPath))
	if ns == nil {
		t.Fatal("the shared namespace is missing")
	}
	if got := ns.Pids(); len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("processes %v, want [%d %d]: the one that held it longest first", got, a, b)
	}
	if want := "pid " + strconv.Itoa(a) + " (sleep)"; ns.DisplayName() != want {
		t.Errorf("called %q, want %q (the joiner is pid %d)", ns.DisplayName(), want, b)
	}
}

func mustReadlink(t *testing.T, path string) string {
	t.Helper()
	link, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// A namespace that is gone before it is read (its last process exited,
// its last descriptor closed) is dropped without a word, as one deleted.
func TestGoneNamespaceIsDropped(t *testing.T) {
	sys, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	before := len(snap.Namespaces)
	snap.Namespaces = append(snap.Namespaces,
		model.Namespace{Key: model.NsKey{Dev: sys.HostKey().Dev, Ino: 1}, Procs: []model.Proc{{Pid: gone.Process.Pid, Comm: "true"}}},
		model.Namespace{Key: model.NsKey{Dev: sys.HostKey().Dev, Ino: 2}, FdHolders: []string{strconv.Itoa(gone.Process.Pid) + "/3"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sys.Read(ctx, snap, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	if findIno(snap, 1) != nil || findIno(snap, 2) != nil || len(snap.Namespaces) > before {
		t.Errorf("namespaces that are gone are still listed: %d, was %d", len(snap.Namespaces), before)
	}
}

// A namespace the host still has but that cannot be opened through the
// files discovery named (as when it named /proc/HOLDER/N for a descriptor)
// is kept, marked unreadable with the reason, in the snapshot, in lazyns
// list and in show --json, and a reread keeps it too.
func TestUnopenableNamespaceStaysMarked(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "unshare")
	holder := startProcess(t, "unshare", "-n", "sleep", "600")
	pid := holder.Process.Pid
	waitNsChanged(t, pid)
	ino := inodeOf(t, "/proc/"+strconv.Itoa(pid)+"/ns/net")
	sys, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	snap, err := sys.Discover()
	if err != nil {
		t.Fatal(err)
	}
	ns := findIno(snap, ino)
	if ns == nil {
		t.Fatal("the namespace of unshare is missing")
	}
	wrong := "/proc/" + strconv.Itoa(pid) + "/3"
	ns.Path, ns.Procs, ns.FdHolders, ns.Mounts = wrong, nil, nil, nil
	if err := sys.Read(context.Background(), snap, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	ns = findIno(snap, ino)
	if ns == nil {
		t.Fatal("a namespace the host still has vanished from the snapshot")
	}
	if ns.Err == nil || !strings.Contains(ns.Err.Error(), wrong) || !strings.Contains(ns.Err.Error(), "still has it") {
		t.Errorf("error %q, want why (%s) and that it is still there", ns.Err, wrong)
	}
	var list bytes.Buffer
	model.WriteList(&list, []*model.Namespace{ns}, model.NoPaint)
	if !strings.Contains(list.String(), "unreadable") {
		t.Errorf("lazyns list does not mark it:\n%s", list.String())
	}
	if b, _ := model.JSON([]*model.Namespace{ns}, sys.Names); !strings.Contains(string(b), `"error":"could not be opened`) {
		t.Errorf("show --json does not say why:\n%s", b)
	}
	again, err := sys.Reread(context.Background(), snap, ns.Key)
	if err != nil || again == nil || again.Err == nil || !strings.Contains(again.Err.Error(), "still has it") {
		t.Errorf("reread: %+v, %v; want it kept, marked", again, err)
	}
}
