package nsops

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
)

// Ping sends one ICMP echo from namespace k to dst (from src, when given)
// with the system's ping, and reports whether a reply came within a second.
// Unlike the rest of a trace it sends a real packet.
func (t *Tracer) Ping(k model.NsKey, dst, src net.IP) (*trace.PingResult, error) {
	path, err := exec.LookPath("ping")
	if err != nil {
		return nil, errors.New("--ping needs the ping program (apt-get install iputils-ping)")
	}
	ns, o, err := t.ns(k)
	if err != nil {
		return nil, err
	}
	args := []string{"-n", "-c1", "-W1"}
	if src != nil {
		args = append(args, "-I", src.String())
	}
	cmd := exec.Command(path, append(args, dst.String())...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The child is forked from a thread inside the namespace, so it starts
	// there; waiting for it needs no particular thread.
	if err := o.ns.do(cmd.Start); err != nil {
		return nil, fmt.Errorf("start ping in %s: %w", model.Visible(ns.DisplayName()), err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, fmt.Errorf("ping in %s: %w", model.Visible(ns.DisplayName()), err)
	}
	res := &trace.PingResult{Replied: err == nil}
	if !res.Replied {
		res.Output = pingWhy(out.String())
	}
	return res, nil
}

// pingWhy picks the line of ping's output that says why no reply came: an
// ICMP error from a router ("From 10.0.1.254 ... Destination Net
// Unreachable") or ping's own complaint; "" when it simply timed out.
func pingWhy(out string) string {
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "From ") || strings.HasPrefix(line, "ping:") || strings.Contains(line, "connect:") {
			return line
		}
	}
	return ""
}
