package discover

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazyns/lazyns/model"
)

// serveAPI answers GET /containers/json on a unix socket with what a
// runtime answered on a real host (testdata/*-api-list.json), counting the
// requests; delay holds each answer back.
func serveAPI(t *testing.T, answer string, delay time.Duration) (socket string, asked *atomic.Int32) {
	t.Helper()
	body, err := os.ReadFile(answer)
	if err != nil {
		t.Fatal(err)
	}
	socket = filepath.Join(t.TempDir(), "api.sock")
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	asked = new(atomic.Int32)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		if r.URL.Path != "/containers/json" || r.URL.Query().Get("all") != "1" {
			http.NotFound(w, r)
			return
		}
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return socket, asked
}

func fill(n *Names, runtime, id string) *model.Container {
	c := &model.Container{Runtime: runtime, ID: id}
	n.Fill(c)
	return c
}

const (
	dockerID2 = "1257959d9b6bb91fea232a0b2d3d84e152b93f507221d551770859eb965ad214"
	podmanID2 = "d596ccbe53c33ca564f2e1701a709d5894c8eecffeb4f425e4cca4e54c6bb01f"
)

// The runtime's socket is asked once for every container; the names stay
// known for TTL without asking again.
func TestNamesFromDockerSocket(t *testing.T) {
	socket, asked := serveAPI(t, "testdata/docker-api-list.json", 0)
	n := NewNames(t.TempDir()) // nothing on disk: the answer is the socket's
	n.DockerSocket = socket
	if c := fill(n, "docker", dockerID); c.Name != "lzdisc-rwd1" {
		t.Errorf("name %q, want lzdisc-rwd1", c.Name)
	}
	if c := fill(n, "docker", dockerID2); c.Name != "lzdisc-rwd2" {
		t.Errorf("name %q, want lzdisc-rwd2", c.Name)
	}
	if got := asked.Load(); got != 1 {
		t.Errorf("the socket was asked %d times for two containers, want once", got)
	}
	// An id it did not list (started since) is not asked about again
	// within TTL: the disk says what it can.
	if c := fill(n, "docker", "ab"+dockerID[2:]); c.Name != "" {
		t.Errorf("an unknown container got name %q", c.Name)
	}
	if got := asked.Load(); got != 1 {
		t.Errorf("asked %d times, want once within TTL", got)
	}
}

// podman's API socket answers the Docker-compatible list too.
func TestNamesFromPodmanSocket(t *testing.T) {
	socket, _ := serveAPI(t, "testdata/podman-api-list.json", 0)
	n := NewNames(t.TempDir())
	n.PodmanSocket = socket
	if c := fill(n, "podman", podmanID2); c.Name != "lzdisc-rwp2" {
		t.Errorf("name %q, want lzdisc-rwp2", c.Name)
	}
}

// No socket: the state on disk names them.
func TestNamesOnDisk(t *testing.T) {
	n := NewNames(fixtureRoot)
	if c := fill(n, "docker", dockerID2); c.Name != "lzdisc-rwd2" {
		t.Errorf("docker from config.v2.json: %q", c.Name)
	}
	if c := fill(n, "podman", podmanID2); c.Name != "lzdisc-rwp2" {
		t.Errorf("podman from containers.json: %q", c.Name)
	}
	if c := fill(n, "systemd", "ssh.service"); c.Name != "" || c.Label() != "systemd ssh.service" {
		t.Errorf("a unit: %+v", c)
	}
	// A runtime that is not there at all costs nothing and names nothing.
	none := NewNames(t.TempDir())
	for _, rt := range []string{"docker", "podman", "containerd", "cri-o", "kubernetes"} {
		if c := fill(none, rt, dockerID); c.Name != "" || c.Pod != "" || c.Runtime != rt {
			t.Errorf("%s with no runtime present: %+v", rt, c)
		}
	}
}

// A socket that does not answer in time costs one Timeout, then the disk
// answers, and the socket is left alone for TTL.
func TestNamesSlowSocket(t *testing.T) {
	socket, asked := serveAPI(t, "testdata/docker-api-list.json", 5*time.Second)
	n := NewNames(fixtureRoot)
	n.DockerSocket = socket
	n.Timeout = 100 * time.Millisecond
	start := time.Now()
	if c := fill(n, "docker", dockerID); c.Name != "lzdisc-rwd1" {
		t.Errorf("name %q from disk after the socket timed out", c.Name)
	}
	if c := fill(n, "docker", dockerID2); c.Name != "lzdisc-rwd2" {
		t.Errorf("name %q from disk", c.Name)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("two names took %v with a hung socket", took)
	}
	if got := asked.Load(); got != 1 {
		t.Errorf("a hung socket was asked %d times, want once", got)
	}
}

// Names are believed for TTL, then learnt again (a container renamed).
func TestNamesExpire(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "var/lib/docker/containers", dockerID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, "config.v2.json"), []byte(`{"Name":"/`+name+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Unix(1000, 0)
	n := NewNames(root)
	n.now = func() time.Time { return now }
	write("old")
	if c := fill(n, "docker", dockerID); c.Name != "old" {
		t.Fatalf("name %q", c.Name)
	}
	write("new")
	if c := fill(n, "docker", dockerID); c.Name != "old" {
		t.Errorf("re-read before TTL: %q", c.Name)
	}
	now = now.Add(n.TTL)
	if c := fill(n, "docker", dockerID); c.Name != "new" {
		t.Errorf("not re-read after TTL: %q", c.Name)
	}
}

func TestNamesFromAnnotations(t *testing.T) {
	cases := []struct {
		a         map[string]string
		name, pod string
	}{
		// containerd's CRI plugin
		{map[string]string{"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-name": "web-0", "io.kubernetes.cri.sandbox-namespace": "shop"}, "", "shop/web-0"},
		{map[string]string{"io.kubernetes.cri.container-name": "nginx", "io.kubernetes.cri.sandbox-name": "web-0", "io.kubernetes.cri.sandbox-namespace": "shop"}, "nginx", "shop/web-0"},
		// CRI-O passes the pod's labels
		{map[string]string{"io.kubernetes.pod.name": "web-0", "io.kubernetes.pod.namespace": "shop", "io.kubernetes.container.name": "POD"}, "POD", "shop/web-0"},
		// nerdctl
		{map[string]string{"nerdctl/name": "web"}, "web", ""},
		{nil, "", ""},
	}
	for _, c := range cases {
		if name, pod := namesFromAnnotations(c.a); name != c.name || pod != c.pod {
			t.Errorf("%v: %q %q, want %q %q", c.a, name, pod, c.name, c.pod)
		}
	}
}
