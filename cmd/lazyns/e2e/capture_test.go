package e2e

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/lazyns/lazyns/cmd/lazyns/internal/clitest"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// captureProc is a lazyns capture running in the background.
type captureProc struct {
	cmd            *exec.Cmd
	stdout, stderr clitest.SyncBuffer
}

// startCapture starts bin capture args and waits for its line saying the
// capture runs; stdout goes to out when given (a pipe), else is kept.
func startCapture(t *testing.T, bin string, out *os.File, args ...string) *captureProc {
	t.Helper()
	p := &captureProc{cmd: exec.Command(bin, append([]string{"capture"}, args...)...)}
	p.cmd.Env = append(os.Environ(), "NO_COLOR=1")
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if out != nil {
		p.cmd.Stdout = out
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.stderr.String(), "capturing on") {
		if time.Now().After(deadline) {
			t.Fatalf("lazyns capture %s did not start: %s", strings.Join(args, " "), p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// stop sends SIGINT, as ctrl+c does, and returns the exit status.
func (p *captureProc) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	return p.wait(t)
}

func (p *captureProc) wait(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		t.Fatalf("lazyns capture did not end: %s\nstdout:\n%s", p.stderr.String(), p.stdout.String())
		return -1
	}
}

// stderrLines are what the capture said, without its starting line.
func (p *captureProc) summary() string {
	lines := strings.Split(strings.TrimSpace(p.stderr.String()), "\n")
	return strings.Join(lines[1:], "\n")
}

func pingFrom(t *testing.T, ns, dst string, n string) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "exec", ns, "ping", "-c", n, "-i", "0.2", "-W", "2", dst).CombinedOutput(); err != nil {
		t.Fatalf("ping from %s: %v\n%s", ns, err, out)
	}
}

var timeAndDir = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} (\S+@\S+ )?(In|Out|B|M|P) `)

// withoutTime strips the time (and from lazyns's lines the tag and the
// direction, which tcpdump -r does not print) so lines of both compare.
func withoutTime(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if m := timeAndDir.FindStringIndex(l); m != nil {
			out[i] = l[m[1]:]
		} else if len(l) > 16 {
			out[i] = l[16:]
		}
	}
	return out
}

func splitLines(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// One veth pair, three captures of both of its ends at once: lines, a
// pcapng file, pcapng on a pipe into tcpdump. Five pings: lines in time
// order with their tags, and tcpdump reads the same packets from the file
// and from the pipe; the summary counts per interface.
func TestCaptureCommand(t *testing.T) {
	nstest.RequireTool(t, "ping")
	nstest.RequireTool(t, "tcpdump")
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	bin := buildBinary(t)
	pingFrom(t, p.A, p.IPB, "1")
	file := filepath.Join(t.TempDir(), "both.pcapng")
	args := []string{p.A, p.IfA, p.IfB + "@" + p.B, "-f", "icmp"}

	text := startCapture(t, bin, nil, args...)
	toFile := startCapture(t, bin, nil, append(args, "-w", file)...)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	reader := exec.Command("tcpdump", "-l", "-n", "-r", "-")
	reader.Stdin = r
	var piped, readerErr clitest.SyncBuffer
	reader.Stdout, reader.Stderr = &piped, &readerErr
	if err := reader.Start(); err != nil {
		t.Fatal(err)
	}
	toPipe := startCapture(t, bin, w, append(args, "-w", "-")...)
	r.Close()
	w.Close()

	pingFrom(t, p.A, p.IPB, "5")
	// The pipe is live: tcpdump has printed the packets before the
	// capture ends.
	deadline := time.Now().Add(5 * time.Second)
	for len(splitLines(piped.String())) < 20 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(splitLines(piped.String())); n != 20 {
		t.Errorf("tcpdump -r - printed %d lines while the capture ran, want 20", n)
	}
	for _, c := range []*captureProc{text, toFile, toPipe} {
		if code := c.stop(t); code != 0 {
			t.Errorf("capture: exit %d: %s", code, c.stderr.String())
		}
	}
	if err := reader.Wait(); err != nil {
		t.Errorf("tcpdump -r -: %v: %s", err, readerErr.String())
	}

	lines := splitLines(text.stdout.String())
	tagA, tagB := p.IfA+"@"+p.A, p.IfB+"@"+p.B
	if len(lines) != 20 {
		t.Fatalf("%d lines, want 20:\n%s", len(lines), text.stdout.String())
	}
	for i, l := range lines {
		want := []string{tagA + " Out IP " + p.IPA + " > " + p.IPB + ": ICMP echo request",
			tagB + " In IP " + p.IPA + " > " + p.IPB + ": ICMP echo request",
			tagB + " Out IP " + p.IPB + " > " + p.IPA + ": ICMP echo reply",
			tagA + " In IP " + p.IPB + " > " + p.IPA + ": ICMP echo reply"}[i%4]
		if !strings.Contains(l, want) {
			t.Errorf("line %d: %q, want %q", i, l, want)
		}
	}
	wantSummary := "20 packets captured, 0 dropped by the kernel (" + tagA + ": 10 captured, 0 dropped; " + tagB + ": 10 captured, 0 dropped)"
	for _, c := range []*captureProc{text, toFile, toPipe} {
		if got := c.summary(); got != wantSummary {
			t.Errorf("summary %q, want %q", got, wantSummary)
		}
	}

	out, err := exec.Command("tcpdump", "-n", "-r", file).Output()
	if err != nil {
		t.Fatalf("tcpdump -r %s: %v", file, err)
	}
	fromFile, fromPipe, ours := withoutTime(splitLines(string(out))), withoutTime(splitLines(piped.String())), withoutTime(lines)
	if strings.Join(fromFile, "\n") != strings.Join(ours, "\n") || strings.Join(fromPipe, "\n") != strings.Join(ours, "\n") {
		t.Errorf("tcpdump -r reads other packets\nfile:\n%s\npipe:\n%s\nlines:\n%s",
			strings.Join(fromFile, "\n"), strings.Join(fromPipe, "\n"), strings.Join(ours, "\n"))
	}
}

// With one interface the lines carry no tag; -c ends the capture by
// itself; a UDP stream sent meanwhile is left out by -f icmp.
func TestCaptureCountAndFilter(t *testing.T) {
	nstest.RequireTool(t, "ping")
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	bin := buildBinary(t)
	pingFrom(t, p.A, p.IPB, "1")
	stop := make(chan struct{})
	sent := nstest.UDPFlow(t, p, 5302, nsops.InNamespace, stop)
	c := startCapture(t, bin, nil, p.B, p.IfB, "-f", "icmp", "-c", "6")
	pingFrom(t, p.A, p.IPB, "5")
	if code := c.wait(t); code != 0 {
		t.Errorf("exit %d: %s", code, c.stderr.String())
	}
	// The same capture without the filter sees the flow.
	all := startCapture(t, bin, nil, p.B, p.IfB, "-c", "20")
	if code := all.wait(t); code != 0 || !strings.Contains(all.stdout.String(), "UDP, length 8") {
		t.Errorf("without a filter, exit %d:\n%s", code, all.stdout.String())
	}
	close(stop)
	if n := <-sent; n < 100 {
		t.Fatalf("the UDP flow sent %d datagrams", n)
	}
	lines := splitLines(c.stdout.String())
	if len(lines) != 6 || strings.Contains(c.stdout.String(), "UDP") || strings.Contains(c.stdout.String(), "@") {
		t.Errorf("want 6 untagged ICMP lines:\n%s", c.stdout.String())
	}
	if got := c.summary(); got != "6 packets captured, 0 dropped by the kernel" {
		t.Errorf("summary %q", got)
	}
}

// A DNS query for a name holding an ESC byte shows it escaped: the line
// holds no byte a terminal would act on.
func TestCaptureDNSNameInert(t *testing.T) {
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	bin := buildBinary(t)
	c := startCapture(t, bin, nil, p.A, p.IfA, "-f", "udp port 53", "-c", "1")
	dns := &layers.DNS{ID: 0x1234, RD: true, QDCount: 1,
		Questions: []layers.DNSQuestion{{Name: []byte("evil\x1b[2Jname.example"), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}}
	buf := gopacket.NewSerializeBuffer()
	if err := dns.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("/run/netns", p.A))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = nsops.InNamespace(int(f.Fd()), func() error {
		conn, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.ParseIP(p.IPB), Port: 53})
		if err != nil {
			return err
		}
		defer conn.Close()
		_, err = conn.Write(buf.Bytes())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t); code != 0 {
		t.Fatalf("exit %d: %s", code, c.stderr.String())
	}
	out := c.stdout.String()
	if strings.ContainsRune(out, 0x1b) || !strings.Contains(out, `A? evil\x1b[2Jname.example.`) {
		t.Errorf("the DNS line is not inert: %q", out)
	}
}

// A mistake in the command line says what is wrong, exits 2, and opens
// nothing: no file for -w, no socket.
func TestCaptureUsageErrors(t *testing.T) {
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	file := filepath.Join(t.TempDir(), "never.pcapng")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{p.A, p.IfA, "-f", "tcp[13] & 2 != 0", "-w", file}, `"["`},
		{[]string{p.A, p.IfA, "-f", "host gateway.example", "-w", file}, "gateway.example"},
		{[]string{p.A, "nosuch0", "-w", file}, `no interface "nosuch0" in ` + p.A + " (it has: lo, " + p.IfA + ")"},
		{[]string{p.A, p.IfA, "nosuch1@" + p.B, "-w", file}, `no interface "nosuch1" in ` + p.B},
		{[]string{nstest.Name("nons"), p.IfA, "-w", file}, "no namespace"},
		{[]string{p.A, p.IfA, "@" + p.B}, "IFACE@NS"},
		{[]string{p.A, p.IfA, "-c", "-1"}, "-c -1"},
		{[]string{p.A, p.IfA, "--promisc", "--read-only"}, "--read-only"},
		{[]string{p.A}, "requires at least 2 arg"},
	} {
		args := append([]string{"capture"}, c.args...)
		code, stdout, stderr := lazyns(t, args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("lazyns %s: exit %d, stdout %q, stderr %q; want 2 and one line naming %q", strings.Join(args, " "), code, stdout, stderr, c.want)
		}
		if _, err := os.Stat(file); err == nil {
			t.Errorf("lazyns %s made %s", strings.Join(args, " "), file)
			os.Remove(file)
		}
	}
}

// Promiscuous mode is on only with --promisc, only while capturing; a
// capture runs under --read-only.
func TestCapturePromiscFlag(t *testing.T) {
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	bin := buildBinary(t)
	promiscuity := func() string {
		out := nstest.IP(t, "-n", p.A, "-d", "link", "show", p.IfA)
		return strings.Fields(out[strings.Index(out, "promiscuity "):])[1]
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{p.A, p.IfA}, "0"},
		{[]string{p.A, p.IfA, "--read-only"}, "0"},
		{[]string{p.A, p.IfA, "--promisc"}, "1"},
	} {
		proc := startCapture(t, bin, nil, c.args...)
		if got := promiscuity(); got != c.want {
			t.Errorf("lazyns capture %s: promiscuity %s, want %s", strings.Join(c.args, " "), got, c.want)
		}
		if code := proc.stop(t); code != 0 {
			t.Errorf("lazyns capture %s: exit %d", strings.Join(c.args, " "), code)
		}
		if got := promiscuity(); got != "0" {
			t.Errorf("after lazyns capture %s: promiscuity %s", strings.Join(c.args, " "), got)
		}
	}
}

// An interface deleted during the capture ends it with the reason and
// exit 1, after the summary.
func TestCaptureInterfaceGone(t *testing.T) {
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	bin := buildBinary(t)
	c := startCapture(t, bin, nil, p.A, p.IfA)
	nstest.IP(t, "-n", p.A, "link", "del", p.IfA)
	if code := c.wait(t); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if got := c.summary(); !strings.HasPrefix(got, "0 packets captured, 0 dropped by the kernel\nlazyns: capture ended early: "+p.IfA+"@"+p.A+": the interface went away") {
		t.Errorf("stderr %q", got)
	}
}

// The man page and the completion come from the command: NS, then the
// interfaces of NS, and after an @ the namespaces again.
func TestCaptureManAndCompletion(t *testing.T) {
	clitest.CleanConfigEnv(t)
	dir := t.TempDir()
	if code, _, stderr := lazyns(t, "man", dir); code != 0 {
		t.Fatalf("lazyns man: exit %d: %s", code, stderr)
	}
	page, err := os.ReadFile(filepath.Join(dir, "lazyns-capture.1"))
	if err != nil || !bytes.Contains(page, []byte("tcpdump")) || !bytes.Contains(page, []byte("wireshark")) {
		t.Errorf("lazyns-capture.1: %v", err)
	}
	p := nstest.NewVethPair(t)
	_, out, _ := lazyns(t, "__complete", "capture", p.A[:len(p.A)-1])
	if !strings.Contains(out, p.A+"\n") {
		t.Errorf("capture NS<TAB>: %q", out)
	}
	_, out, _ = lazyns(t, "__complete", "capture", p.A, "")
	if got := strings.Fields(out); len(got) < 3 || got[0] != "lo" || got[1] != p.IfA {
		t.Errorf("capture %s <TAB>: %q", p.A, out)
	}
	_, out, _ = lazyns(t, "__complete", "capture", p.A, p.IfA, "eth0@"+p.B[:len(p.B)-1])
	if !strings.Contains(out, "eth0@"+p.B+"\n") {
		t.Errorf("capture %s %s eth0@<TAB>: %q", p.A, p.IfA, out)
	}
}

// Hostile names stay inert in the lines, the tags, the summary and the
// pcapng interface names: an ESC byte in an interface name, $(…) in a
// namespace's.
func TestCaptureHostileNames(t *testing.T) {
	nstest.RequireTool(t, "ping")
	nstest.RequireTool(t, "tcpdump")
	clitest.CleanConfigEnv(t)
	p := nstest.NewVethPair(t)
	ns := "x$(id)`id`" + nstest.Name("h")
	nstest.NetnsNamed(t, ns)
	evil := "e\x1b[31m" + nstest.Name("")[6:]
	nstest.IP(t, "-n", p.B, "link", "set", p.IfB, "netns", ns)
	nstest.IP(t, "-n", ns, "link", "set", p.IfB, "name", evil)
	nstest.IP(t, "-n", ns, "addr", "add", p.IPB+"/24", "dev", evil)
	nstest.IP(t, "-n", ns, "link", "set", evil, "up")
	bin := buildBinary(t)
	file := filepath.Join(t.TempDir(), "evil.pcapng")
	c := startCapture(t, bin, nil, p.A, p.IfA, evil+"@"+ns, "-f", "icmp", "-c", "4")
	f := startCapture(t, bin, nil, p.A, p.IfA, evil+"@"+ns, "-f", "icmp", "-c", "4", "-w", file)
	pingFrom(t, p.A, p.IPB, "1")
	for _, proc := range []*captureProc{c, f} {
		if code := proc.wait(t); code != 0 {
			t.Fatalf("exit %d: %s", code, proc.stderr.String())
		}
	}
	inert := strings.ReplaceAll(evil, "\x1b", `\x1b`)
	for what, s := range map[string]string{"lines": c.stdout.String(), "stderr": c.stderr.String()} {
		if strings.ContainsRune(s, 0x1b) || !strings.Contains(s, inert) || !strings.Contains(s, "@"+ns) {
			t.Errorf("%s: %q", what, s)
		}
	}
	raw, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	r, err := pcapgo.NewNgReader(raw, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	for { // the reader learns interfaces as it reads on
		if _, _, err := r.ReadPacketData(); err != nil {
			break
		}
	}
	var names []string
	for i := range r.NInterfaces() {
		intf, _ := r.Interface(i)
		names = append(names, intf.Name)
	}
	if len(names) != 2 || names[1] != inert+"@"+ns {
		t.Errorf("pcapng interfaces %q, want the second %q", names, inert+"@"+ns)
	}
}
