package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// waitLong is tmuxServer.waitFor with room for a slow first read: the
// UI reads every namespace of a shared host before it shows one.
func (s *tmuxServer) waitLong(want string, d time.Duration) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		screen := s.screen()
		if strings.Contains(screen, want) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("never saw %q; the screen shows:\n%s", want, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// packetSockets counts the packet sockets process pid holds in the
// namespace at path: those of /proc/net/packet there whose inode is one
// of its descriptors.
func packetSockets(t *testing.T, pid int, path string) int {
	t.Helper()
	out, err := exec.Command("nsenter", "--net="+path, "cat", "/proc/net/packet").Output()
	if err != nil {
		t.Fatalf("reading the packet sockets in %s: %v", path, err)
	}
	inodes := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 {
			inodes[f[len(f)-1]] = true
		}
	}
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	n := 0
	for _, fd := range fds {
		link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); ok && inodes[strings.TrimSuffix(inode, "]")] {
			n++
		}
	}
	return n
}

// TestUITraffic: while a ping runs between two namespaces of the test's
// own, the Links tab shows a rate on their veth; c on it captures the
// pings on both ends; space pauses; w writes a file tcpdump reads; esc
// stops the capture; o puts a namespace with traffic above an idle one.
func TestUITraffic(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tool := range []string{"tmux", "ping", "tcpdump", "nsenter", "unshare"} {
		nstest.RequireTool(t, tool)
	}
	dir := nstest.NetnsDir(t)
	prefix := nstest.Name("")
	idle, pinger, ponger := prefix+"0idle", prefix+"1ping", prefix+"2pong"
	paths := map[string]string{}
	for _, name := range []string{idle, pinger, ponger} {
		paths[name] = nstest.NetnsIn(t, dir, name)
	}
	in := func(ns string, args ...string) {
		t.Helper()
		cmd := append([]string{"--net=" + paths[ns]}, args...)
		if out, err := exec.Command("nsenter", cmd...).CombinedOutput(); err != nil {
			t.Fatalf("nsenter %s: %v\n%s", strings.Join(cmd, " "), err, out)
		}
	}
	va, vb := nstest.Name("va"), nstest.Name("vb")
	in(pinger, "ip", "link", "add", va, "type", "veth", "peer", "name", vb, "netns", paths[ponger])
	in(pinger, "ip", "addr", "add", "10.214.0.1/24", "dev", va)
	in(ponger, "ip", "addr", "add", "10.214.0.2/24", "dev", vb)
	in(pinger, "ip", "link", "set", va, "up")
	in(ponger, "ip", "link", "set", vb, "up")
	in(idle, "ip", "link", "set", "lo", "up")
	ping := exec.Command("nsenter", "--net="+paths[pinger], "ping", "-i", "0.1", "10.214.0.2")
	if err := ping.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ping.Process.Kill(); _ = ping.Wait() })

	bin := buildBinary(t)
	s := newTmux(t, 120, 40, "env NO_COLOR=1 "+bin+" --netns-dir "+dir)
	s.waitLong(pinger, 60*time.Second)
	s.keys("/", prefix, "Enter")
	s.waitFor("filter: " + prefix)
	s.keys("j")
	s.waitFor("▸ " + pinger)

	// The Links tab of the pinger: its veth moves both ways.
	s.keys("Tab", "j")
	rate := regexp.MustCompile(regexp.QuoteMeta(va) + ` +UP +([0-9.]+ [kM]?B) +([0-9.]+ [kM]?B) `)
	var screen string
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		screen = s.screen()
		if m := rate.FindStringSubmatch(screen); m != nil && m[1] != "0 B" && m[2] != "0 B" {
			t.Logf("the Links tab shows %s: RX/s %s, TX/s %s", va, m[1], m[2])
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("no rate on %s while the ping runs:\n%s", va, screen)
		}
	}

	// c: both ends of the veth, the pings on each.
	s.keys("c")
	s.waitFor("both ends: " + va)
	s.keys("Right", "Enter")
	s.waitFor("CAPTURE  following")
	screen = s.waitFor("ICMP echo request")
	for _, end := range []string{va + " Out IP 10.214.0.1 > 10.214.0.2: ICMP echo request", vb + " In IP 10.214.0.1 > 10.214.0.2: ICMP echo request"} {
		for start := time.Now(); !strings.Contains(screen, end); screen = s.screen() {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("no line %q:\n%s", end, screen)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	pid, err := strconv.Atoi(strings.TrimSpace(s.run("display-message", "-p", "#{pane_pid}")))
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{pinger, ponger} {
		if n := packetSockets(t, pid, paths[ns]); n != 1 {
			t.Errorf("lazyns holds %d packet sockets in %s while capturing, want 1", n, ns)
		}
	}

	s.keys("Space")
	s.waitFor("paused, ")

	path := filepath.Join(t.TempDir(), "pings.pcapng")
	s.keys("w")
	s.waitFor("Write the capture as pcapng")
	s.keys("C-u", path, "Enter")
	screen = s.waitFor("wrote ")
	out, err := exec.Command("tcpdump", "-nr", path).CombinedOutput()
	if err != nil {
		t.Fatalf("tcpdump -r %s: %v\n%s", path, err, out)
	}
	if n := strings.Count(string(out), "ICMP echo request"); n == 0 {
		t.Errorf("tcpdump reads no echo request in %s:\n%s", path, out)
	}
	t.Logf("%s; tcpdump -r reads %d lines", strings.TrimSpace(strings.Split(strings.Split(screen, "wrote ")[1], "\n")[0]),
		strings.Count(string(out), "\n"))

	// esc stops the capture: its sockets close.
	s.keys("Escape")
	s.waitFor("NAMESPACES")
	for start := time.Now(); packetSockets(t, pid, paths[pinger])+packetSockets(t, pid, paths[ponger]) != 0; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the capture's sockets are still open after esc")
		}
	}

	// o: the namespaces with traffic first, the idle one last.
	s.keys("o")
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		screen = s.screen()
		lines := strings.Split(screen, "\n")
		if len(lines) > 5 && strings.Contains(lines[0], "by traffic") && !strings.Contains(lines[0], "reading") {
			first, last := lines[2], lines[4]
			if (strings.Contains(first, pinger) || strings.Contains(first, ponger)) && strings.Contains(last, idle) &&
				strings.Contains(first, "B/s") && strings.Contains(last, "0 B/s") {
				break
			}
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("o did not put the namespaces with traffic first:\n%s", screen)
		}
	}
	s.keys("q")
}
