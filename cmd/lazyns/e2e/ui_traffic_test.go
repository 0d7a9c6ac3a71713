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
	waitAllRead(s)
	s.keys("/", prefix, "Enter")
	s.waitFor("filter: " + prefix)
	s.keys("j")
	s.waitFor("▸ " + pinger)

	// The Links tab of the pinger: its veth moves both ways.
	s.keys("Tab", "j")
	rate := regexp.MustCompile(regexp.QuoteMeta(va) + ` +UP +([0-9.]+ [kM]?B) +([0-9.]+ [kM]?B) `)
	screen := s.waitUntil("a rate on "+va, 10*time.Second, func(screen string) bool {
		m := rate.FindStringSubmatch(screen)
		return m != nil && m[1] != "0 B" && m[2] != "0 B"
	})
	m := rate.FindStringSubmatch(screen)
	t.Logf("the Links tab shows %s: RX/s %s, TX/s %s", va, m[1], m[2])

	// c: both ends of the veth, the pings on each.
	s.keys("c")
	s.waitFor("both ends: " + va)
	s.keys("Right", "Enter")
	s.waitFor("CAPTURE  following")
	for _, end := range []string{va + " Out IP 10.214.0.1 > 10.214.0.2: ICMP echo request", vb + " In IP 10.214.0.1 > 10.214.0.2: ICMP echo request"} {
		s.waitFor(end)
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
	waitAllRead(s)
	for start := time.Now(); packetSockets(t, pid, paths[pinger])+packetSockets(t, pid, paths[ponger]) != 0; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the capture's sockets are still open after esc")
		}
	}

	// o: the namespaces with traffic first, the idle one last.
	s.keys("o")
	s.waitUntil("the namespaces with traffic first", 15*time.Second, func(screen string) bool {
		lines := strings.Split(screen, "\n")
		if len(lines) < 5 || !strings.Contains(lines[0], "by traffic") || strings.Contains(lines[0], "reading") {
			return false
		}
		first, last := lines[2], lines[4]
		return (strings.Contains(first, pinger) || strings.Contains(first, ponger)) && strings.Contains(first, "B/s") &&
			strings.Contains(last, idle) && strings.Contains(last, "0 B/s")
	})
	s.keys("q")
}
