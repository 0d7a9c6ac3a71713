package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// labResult is lab up and down at the target's size against ip -batch
// building and deleting the same topology, and show --json on a host
// that big.
type labResult struct {
	up, down, ipUp, ipDown time.Duration
	read                   readResult
}

func (r labResult) rows(routers int) []benchRow {
	vs := func(what string, ours, ip, limit time.Duration) benchRow {
		return benchRow{what: what, measured: ms(ours), baseline: ms(ip) + " (ip -batch)",
			ratio: fmt.Sprintf("%.1f×", float64(ip)/float64(ours)), target: "≤ " + ms(limit), verdict: verdict(ours <= limit)}
	}
	return []benchRow{
		vs(fmt.Sprintf("lab up openstack --routers %d", routers), r.up, r.ipUp, 10*time.Second),
		vs(fmt.Sprintf("lab down openstack (%d namespaces)", 2*routers), r.down, r.ipDown, 5*time.Second),
		infoRow(fmt.Sprintf("show --json, %d namespaces (the lab above)", r.read.namespaces), r.read.ours, "(information)"),
	}
}

// timeLab times lab up and lab down at the target's size, then ip
// -batch building the same topology (the commands lab up --print says)
// and deleting it.
func (b *scaleBench) timeLab(routers int) labResult {
	b.t.Helper()
	var r labResult
	r.up = b.labUp(routers)
	time.Sleep(5 * time.Second) // as after the fixture's lab up
	r.read = b.measureShow(3)
	_, r.down, _ = b.lazyns("lab", "down", "openstack", "--state-dir", b.labDir)
	time.Sleep(5 * time.Second)
	r.ipUp, r.ipDown = b.ipBatchLab(routers)
	return r
}

// ipBatchLab builds the openstack lab of that many routers the way a
// script would with iproute2 at its fastest: one ip -batch for the
// host's commands (bridges, namespaces, veths born in them), one ip -n NS
// -batch for each namespace's own (ip -batch takes no -n per line), and
// ip netns exec … sysctl for forwarding; then deletes it with one ip
// -batch (the namespaces, then the bridges), waiting, as lab down does,
// until the kernel has taken their veths' ends in the host. The namespaces go in
// /run/netns (ip netns add takes no other directory) and are deleted
// when the test ends, failed or not.
func (b *scaleBench) ipBatchLab(routers int) (up, down time.Duration) {
	t := b.t
	t.Helper()
	out, _, _ := b.lazyns("lab", "up", "openstack", "--print", "--routers", fmt.Sprint(routers), "--prefix", b.prefix+"ip")
	var host bytes.Buffer
	perNs := map[string]*bytes.Buffer{}
	var order, namespaces, bridges, hostEnds []string
	var sysctls [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) < 2 || f[0] != "ip":
			continue // set -e, comments
		case f[1] == "-n":
			ns := f[2]
			if perNs[ns] == nil {
				perNs[ns] = &bytes.Buffer{}
				order = append(order, ns)
			}
			fmt.Fprintln(perNs[ns], strings.Join(f[3:], " "))
		case f[1] == "netns" && f[2] == "exec":
			sysctls = append(sysctls, f[1:])
		default:
			if f[1] == "netns" && f[2] == "add" {
				namespaces = append(namespaces, f[3])
			}
			if len(f) > 5 && f[1] == "link" && f[2] == "add" && f[len(f)-1] == "bridge" {
				bridges = append(bridges, f[4])
			}
			if len(f) > 5 && f[1] == "link" && f[2] == "add" && slices.Contains(f, "veth") {
				hostEnds = append(hostEnds, f[4])
			}
			fmt.Fprintln(&host, strings.Join(f[1:], " "))
		}
	}
	if len(namespaces) != 2*routers {
		t.Fatalf("lab up --print named %d namespaces for %d routers", len(namespaces), routers)
	}
	var teardown bytes.Buffer
	for _, ns := range namespaces {
		fmt.Fprintf(&teardown, "netns del %s\n", ns)
	}
	for _, br := range bridges {
		fmt.Fprintf(&teardown, "link del %s\n", br)
	}
	cleaned := false
	clean := func() time.Duration {
		if cleaned {
			return 0
		}
		cleaned = true
		start := time.Now()
		// -force: carry on past what is already gone.
		cmd := exec.Command("ip", "-force", "-batch", "-")
		cmd.Stdin = bytes.NewReader(teardown.Bytes())
		_ = cmd.Run()
		// ip netns del returns before the kernel has torn the namespaces
		// down; lab down waits until their veths' ends in the host are
		// gone, and so does this.
		for anyLink(hostEnds) && time.Since(start) < 5*time.Minute {
			time.Sleep(50 * time.Millisecond)
		}
		return time.Since(start)
	}
	t.Cleanup(func() { clean() })

	batch := func(stdin []byte, args ...string) {
		cmd := exec.Command("ip", append(args, "-batch", "-")...)
		cmd.Stdin = bytes.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ip %v -batch: %v\n%s", args, err, out)
		}
	}
	start := time.Now()
	batch(host.Bytes())
	for _, ns := range order {
		batch(perNs[ns].Bytes(), "-n", ns)
	}
	for _, args := range sysctls {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v\n%s", args, err, out)
		}
	}
	up = time.Since(start)
	time.Sleep(5 * time.Second)
	down = clean()
	time.Sleep(5 * time.Second) // the kernel tears down after ip returns
	return up, down
}

// anyLink says whether any of the host's links has one of names.
func anyLink(names []string) bool {
	out, err := exec.Command("ip", "-o", "link", "show").Output()
	if err != nil {
		return true
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			have[strings.TrimSuffix(strings.SplitN(f[1], "@", 2)[0], ":")] = true
		}
	}
	return slices.ContainsFunc(names, func(n string) bool { return have[n] })
}
