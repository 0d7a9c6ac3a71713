package discover

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
	"golang.org/x/sys/unix"
)

// TestRealRuntimes runs docker and podman containers, two sharing a
// namespace each, and checks that discovery names them as the runtimes
// do, from their API sockets and from their state on disk. Opt-in
// (LAZYNS_RUNTIMES=1): it needs root, docker.io, podman, runc and
// busybox-static, starts dockerd if none runs (and stops it after), and
// takes tens of seconds.
func TestRealRuntimes(t *testing.T) {
	if os.Getenv("LAZYNS_RUNTIMES") != "1" {
		t.Skip("set LAZYNS_RUNTIMES=1 to run real docker and podman containers")
	}
	nstest.RequireRoot(t)
	for _, tool := range []string{"docker", "dockerd", "podman", "runc", "busybox"} {
		nstest.RequireTool(t, tool)
	}
	startDockerd(t)
	image := "lzrt-" + nstest.Name("") + ":1"
	rootfs := busyboxRootfs(t)
	run(t, "docker", "import", rootfs, image)
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", image).Run() })
	run(t, "podman", "import", rootfs, image)
	t.Cleanup(func() { _ = exec.Command("podman", "rmi", "-f", "localhost/"+image).Run() })

	first, joiner := nstest.Name("rd"), nstest.Name("rd")
	container(t, "docker", "run", "-d", "--name", first, image, "/bin/sleep", "600")
	container(t, "docker", "run", "-d", "--name", joiner, "--network", "container:"+first, image, "/bin/sleep", "600")
	// podman's default runtime (crun) fails on this kind of host; netavark
	// networks would touch the shared host's firewall: none, then join.
	podmanRun := []string{"run", "-d", "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"}
	pfirst, pjoiner := nstest.Name("rp"), nstest.Name("rp")
	container(t, "podman", append(podmanRun, "--name", pfirst, "--network", "none", "localhost/"+image, "/bin/sleep", "600")...)
	container(t, "podman", append(podmanRun, "--name", pjoiner, "--network", "container:"+pfirst, "localhost/"+image, "/bin/sleep", "600")...)

	podmanSocket := filepath.Join(t.TempDir(), "podman.sock")
	service := exec.Command("podman", "system", "service", "--time=0", "unix://"+podmanSocket)
	if err := service.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = service.Process.Kill(); _ = service.Wait() })
	waitForFile(t, podmanSocket)

	check := func(how string, names *Names) {
		t.Helper()
		snap, err := Run(Config{Root: "/", NetnsDir: "/run/netns", Host: hostKey(t), Self: os.Getpid(), Names: names})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ cli, first, joiner string }{{"docker", first, joiner}, {"podman", pfirst, pjoiner}} {
			id := inspect(t, c.cli, "{{.Id}}", c.first)
			pid, _ := strconv.Atoi(inspect(t, c.cli, "{{.State.Pid}}", c.first))
			jpid, _ := strconv.Atoi(inspect(t, c.cli, "{{.State.Pid}}", c.joiner))
			ns := holding(snap, pid)
			if ns == nil {
				t.Errorf("%s: no namespace holds %s's pid %d", how, c.first, pid)
				continue
			}
			want := model.Container{Runtime: c.cli, ID: id, Name: c.first}
			if ns.Container == nil || *ns.Container != want {
				t.Errorf("%s: %s's namespace is held by %+v, want %+v", how, c.first, ns.Container, want)
			}
			if got := ns.Pids(); len(got) != 2 || got[0] != pid || got[1] != jpid {
				t.Errorf("%s: %s's namespace holds %v, want [%d %d] (the first container first)", how, c.first, got, pid, jpid)
			}
			if ns.Named() {
				continue // a netavark name stays the display name
			}
			if got := ns.DisplayName(); got != c.cli+" "+c.first {
				t.Errorf("%s: %s's namespace is called %q", how, c.first, got)
			}
		}
	}
	api := NewNames("/")
	api.PodmanSocket = podmanSocket
	check("from the API sockets", api)
	disk := NewNames("/")
	disk.DockerSocket = filepath.Join(t.TempDir(), "none.sock")
	disk.PodmanSocket = disk.DockerSocket
	check("from the state on disk", disk)
	t.Logf("docker %s, podman %s", run(t, "docker", "version", "--format", "{{.Server.Version}}"), run(t, "podman", "version", "--format", "{{.Version}}"))
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// container runs a container that is removed when the test ends.
func container(t *testing.T, cli string, args ...string) {
	t.Helper()
	name := ""
	for i, a := range args {
		if a == "--name" {
			name = args[i+1]
		}
	}
	t.Cleanup(func() { _ = exec.Command(cli, "rm", "-f", name).Run() })
	run(t, cli, args...)
}

func inspect(t *testing.T, cli, format, name string) string {
	t.Helper()
	return run(t, cli, "inspect", "--format", format, name)
}

func holding(snap *model.Snapshot, pid int) *model.Namespace {
	for i := range snap.Namespaces {
		for _, p := range snap.Namespaces[i].Procs {
			if p.Pid == pid {
				return &snap.Namespaces[i]
			}
		}
	}
	return nil
}

func hostKey(t *testing.T) model.NsKey {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat("/proc/self/ns/net", &st); err != nil {
		t.Fatal(err)
	}
	return model.NsKey{Dev: st.Dev, Ino: st.Ino}
}

// startDockerd starts dockerd if none answers, leaving the shared host's
// firewall and forwarding alone, and stops it when the test ends.
func startDockerd(t *testing.T) {
	t.Helper()
	if exec.Command("docker", "version", "--format", "{{.Server.Version}}").Run() == nil {
		return
	}
	d := exec.Command("dockerd", "--iptables=false", "--ip6tables=false", "--ip-forward=false")
	d.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = d.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = d.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = d.Process.Kill()
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for exec.Command("docker", "version").Run() != nil {
		if time.Now().After(deadline) {
			t.Fatal("dockerd did not answer within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func waitForFile(t *testing.T, path string) {
	t.Helper()
	for i := 0; i < 150; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

// busyboxRootfs is a tarred root file system of busybox-static and the
// applets the containers run: an image without a registry.
func busyboxRootfs(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("busybox")
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tw.WriteHeader(&tar.Header{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755}))
	must(tw.WriteHeader(&tar.Header{Name: "bin/busybox", Mode: 0o755, Size: int64(len(body))}))
	_, err = tw.Write(body)
	must(err)
	for _, applet := range []string{"sh", "sleep"} {
		must(tw.WriteHeader(&tar.Header{Name: "bin/" + applet, Typeflag: tar.TypeSymlink, Linkname: "busybox"}))
	}
	must(tw.Close())
	path := filepath.Join(t.TempDir(), "rootfs.tar")
	must(os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}
