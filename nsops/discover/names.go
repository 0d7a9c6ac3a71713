package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lazyns/lazyns/model"
)

// Names learns what runtimes call their containers and remembers it for a
// while: discovery runs on every reload, a name rarely changes, and a
// runtime may be absent, slow or stopped. A runtime's API socket is asked
// first (one request lists every container it has), its state on disk
// otherwise; a runtime that is not there costs a failed stat.
type Names struct {
	// Root is where the runtimes' state is read, as Config.Root.
	Root string
	// DockerSocket and PodmanSocket are the runtimes' API sockets.
	DockerSocket, PodmanSocket string
	// Timeout bounds one request to a socket.
	Timeout time.Duration
	// TTL is how long a name (or the lack of one) is believed, and how
	// long a socket is left alone after it was asked.
	TTL time.Duration

	mu     sync.Mutex
	now    func() time.Time
	known  map[string]learnt    // by runtime + "/" + id
	listed map[string]time.Time // by socket: when it was last asked
}

// learnt is what a runtime said about one container.
type learnt struct {
	runtime string // set when it says more than the cgroup did
	name    string
	pod     string
	at      time.Time
}

// NewNames reads the runtimes' state under root, at their usual places.
func NewNames(root string) *Names {
	return &Names{
		Root:         root,
		DockerSocket: filepath.Join(root, "var/run/docker.sock"),
		PodmanSocket: filepath.Join(root, "run/podman/podman.sock"),
		Timeout:      250 * time.Millisecond,
		TTL:          30 * time.Second,
		now:          time.Now,
		known:        map[string]learnt{},
		listed:       map[string]time.Time{},
	}
}

// Fill sets c's Name and Pod from what its runtime says, if anything.
func (n *Names) Fill(c *model.Container) {
	switch c.Runtime {
	case "docker", "podman", "containerd", "cri-o", "kubernetes":
	default:
		return // lxc, nspawn and systemd ids are names already
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	key := c.Runtime + "/" + c.ID
	l, ok := n.known[key]
	if !ok || n.now().Sub(l.at) >= n.TTL {
		l = n.learn(c.Runtime, c.ID)
		n.known[key] = l
	}
	if l.runtime != "" {
		c.Runtime = l.runtime
	}
	c.Name, c.Pod = l.name, l.pod
}

func (n *Names) learn(runtime, id string) learnt {
	now := n.now()
	switch runtime {
	case "docker":
		if l, ok := n.fromSocket(runtime, n.DockerSocket, id); ok {
			return l
		}
		return learnt{name: dockerNameOnDisk(n.Root, id), at: now}
	case "podman":
		if l, ok := n.fromSocket(runtime, n.PodmanSocket, id); ok {
			return l
		}
		names := podmanNamesOnDisk(n.Root)
		n.rememberAll(runtime, names, now)
		return learnt{name: names[id], at: now}
	}
	// containerd and CRI-O keep a pod's name in the annotations of the
	// OCI bundle they hand to runc.
	l := bundleNames(n.Root, id)
	l.at = now
	return l
}

// fromSocket lists the containers of the runtime listening on socket,
// unless it was asked within TTL, and returns what it said about id.
func (n *Names) fromSocket(runtime, socket, id string) (learnt, bool) {
	now := n.now()
	if last, ok := n.listed[socket]; ok && now.Sub(last) < n.TTL {
		return learnt{}, false // listed lately: id is not (yet) in it
	}
	if _, err := os.Stat(socket); err != nil {
		return learnt{}, false
	}
	n.listed[socket] = now
	names, err := listContainers(socket, n.Timeout)
	if err != nil {
		return learnt{}, false
	}
	n.rememberAll(runtime, names, now)
	l, ok := n.known[runtime+"/"+id]
	return l, ok
}

func (n *Names) rememberAll(runtime string, names map[string]string, at time.Time) {
	for id, name := range names {
		n.known[runtime+"/"+id] = learnt{name: name, at: at}
	}
}

// listContainers asks a Docker-compatible API (docker, podman's
// compatibility layer) for every container, by id.
func listContainers(socket string, timeout time.Duration) (map[string]string, error) {
	client := http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DisableKeepAlives: true,
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", socket)
			},
		},
	}
	resp, err := client.Get("http://runtime/containers/json?all=1")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", socket, resp.Status)
	}
	// A list of thousands of containers is a few MB; anything beyond is no
	// runtime's answer.
	return parseContainerList(json.NewDecoder(io.LimitReader(resp.Body, 64<<20)))
}

// parseContainerList reads GET /containers/json: [{"Id", "Names": ["/web1"]}].
func parseContainerList(dec *json.Decoder) (map[string]string, error) {
	var list []struct {
		ID    string `json:"Id"`
		Names []string
	}
	if err := dec.Decode(&list); err != nil {
		return nil, err
	}
	names := make(map[string]string, len(list))
	for _, c := range list {
		if len(c.Names) > 0 {
			names[c.ID] = strings.TrimPrefix(c.Names[0], "/")
		}
	}
	return names, nil
}

// dockerNameOnDisk reads the name from the container's config.v2.json.
func dockerNameOnDisk(root, id string) string {
	var config struct{ Name string }
	if readJSON(filepath.Join(root, "var/lib/docker/containers", id, "config.v2.json"), &config) != nil {
		return ""
	}
	return strings.TrimPrefix(config.Name, "/")
}

// podmanNamesOnDisk reads the names of every podman container from
// containers/storage's containers.json (one per storage driver).
func podmanNamesOnDisk(root string) map[string]string {
	names := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(root, "var/lib/containers/storage/*-containers/containers.json"))
	for _, f := range files {
		var list []struct {
			ID    string   `json:"id"`
			Names []string `json:"names"`
		}
		if readJSON(f, &list) != nil {
			continue
		}
		for _, c := range list {
			if len(c.Names) > 0 {
				names[c.ID] = c.Names[0]
			}
		}
	}
	return names
}

// bundleDirs are where runtimes keep the OCI bundle of a running
// container (%s is its id), and which runtime each belongs to.
var bundleDirs = []struct{ glob, runtime string }{
	{"run/containerd/io.containerd.runtime.v2.task/*/%s/config.json", "containerd"},
	{"run/containers/storage/*-containers/%s/userdata/config.json", "cri-o"},
	{"var/lib/containers/storage/*-containers/%s/userdata/config.json", "cri-o"},
}

// bundleNames reads the pod and container name from the annotations of a
// container's OCI bundle: CRI (containerd) writes io.kubernetes.cri.*,
// CRI-O the pod's labels, nerdctl its own name.
func bundleNames(root, id string) learnt {
	for _, b := range bundleDirs {
		files, _ := filepath.Glob(filepath.Join(root, fmt.Sprintf(b.glob, id)))
		for _, f := range files {
			var spec struct {
				Annotations map[string]string `json:"annotations"`
			}
			if readJSON(f, &spec) != nil {
				continue
			}
			name, pod := namesFromAnnotations(spec.Annotations)
			return learnt{runtime: b.runtime, name: name, pod: pod}
		}
	}
	return learnt{}
}

func namesFromAnnotations(a map[string]string) (name, pod string) {
	podNs, podName := a["io.kubernetes.cri.sandbox-namespace"], a["io.kubernetes.cri.sandbox-name"]
	if podName == "" {
		podNs, podName = a["io.kubernetes.pod.namespace"], a["io.kubernetes.pod.name"]
	}
	switch {
	case podName != "" && podNs != "":
		pod = podNs + "/" + podName
	case podName != "":
		pod = podName
	}
	for _, k := range []string{"io.kubernetes.cri.container-name", "io.kubernetes.container.name", "nerdctl/name"} {
		if a[k] != "" {
			return a[k], pod
		}
	}
	return "", pod
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
