package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/pcapfilter"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

// captureFlags are the options of lazyns capture.
type captureFlags struct {
	filter  string
	count   int
	write   string
	promisc bool
}

func newCaptureCmd(a *app) *cobra.Command {
	var fl captureFlags
	cmd := &cobra.Command{
		Use:   "capture NS IFACE [IFACE|IFACE@NS...] [-f FILTER] [-c N] [-w FILE|-] [--promisc]",
		Short: "Packets on one or more interfaces, in any namespaces, like tcpdump",
		Long: `Capture the packets crossing IFACE in namespace NS, and on every other
interface given, and print one line per packet as "tcpdump -n" does, with
the direction tcpdump shows on "any": In, Out, B (broadcast), M (multicast),
P (for another host). An interface is IFACE (in NS) or IFACE@NS (in another
namespace; the name is split at its last @). Packets from several interfaces
come in one stream in the order they were seen, each line tagged with where:
IFACE@NS, or IFACE alone in lazyns's own namespace. By hand, for one
interface: ip netns exec NS tcpdump -p -n -i IFACE.

-f takes a filter in tcpdump's syntax: host, net, port, portrange, src, dst,
tcp, udp, icmp, icmp6, arp, ip, ip6, vlan, proto, ether host, broadcast,
multicast, less, greater, and, or, not and parentheses. It runs in the kernel,
so what it leaves out never reaches lazyns. A word lazyns does not support
(tcp[13], host names, port names) is an error naming it, and nothing starts.

-w FILE writes every packet to FILE as pcapng (one interface block per
interface, named IFACE@NS), for Wireshark or tcpdump -r; -w - writes it to
standard output as it comes, so "lazyns capture … -w - | wireshark -k -i -"
and "| tcpdump -r -" show the packets live.

A line on standard error says where the capture runs once it does; ctrl+c
(SIGINT or SIGTERM) or -c N packets ends it, and a summary follows there:
"N packets captured, M dropped by the kernel", with the counts of each
interface when there are several. The kernel drops packets only when lazyns
cannot keep up (the ring it fills for lazyns is full). Packets are captured
whole.

Capture only reads, so it works with --read-only. Unlike tcpdump, it does
not put the interface in promiscuous mode unless asked (--promisc, which
--read-only refuses); the kernel ends it when the capture ends.

Exit status: 0 when the capture ran, 1 when an interface went away during
it (the summary says which), 2 for a mistake in the command line (an
unknown namespace, interface or filter word); nothing is opened then.`,
		Example: `  lazyns capture blue veth0
  lazyns capture qrouter-e945b6b1 qr-76de6d23-a8 -f 'icmp or arp'
  lazyns capture host br0 tap0 tap1 -c 100
  lazyns capture ns1 veth0 veth1@ns2 -f 'host 10.0.1.2 and not port 22'
  lazyns capture blue veth0 -w blue.pcapng
  lazyns capture blue veth0 -w - | tcpdump -n -r -
  lazyns capture blue veth0 -w - | wireshark -k -i -`,
		Args:              cobra.MinimumNArgs(2),
		ValidArgsFunction: a.completeCapture,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.capture(cmd, args, fl)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&fl.filter, "filter", "f", "", "capture filter in tcpdump's syntax (pcap-filter(7)), run in the kernel")
	f.IntVarP(&fl.count, "count", "c", 0, "stop after N packets")
	f.StringVarP(&fl.write, "write", "w", "", "write pcapng to FILE (- for standard output) instead of lines")
	f.BoolVar(&fl.promisc, "promisc", false, "promiscuous mode while capturing (packets to other hosts too)")
	return cmd
}

// capture runs lazyns capture.
func (a *app) capture(cmd *cobra.Command, args []string, fl captureFlags) error {
	if err := a.captureUsage(fl); err != nil {
		return err
	}
	sys, snap, points, err := a.capturePoints(cmd, args)
	if err != nil {
		return err
	}
	sink, err := a.captureSink(fl, points)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt, syscall.SIGTERM)
	defer stop()
	run := newCaptureRun(sink, fl.count)
	c, err := sys.StartCapture(snap, modelPoints(points), nsops.CaptureOptions{Filter: fl.filter, Promisc: fl.promisc, Deliver: run.deliver})
	if err != nil {
		sink.abandon()
		var ferr *pcapfilter.Error
		if errors.As(err, &ferr) || errors.Is(err, nsops.ErrNoInterface) || errors.Is(err, nsops.ErrNoNamespace) {
			return usageError{err}
		}
		return err
	}
	// As tcpdump says "listening on": the capture is running from here.
	fmt.Fprintf(a.stderr, "lazyns: capturing on %s%s; ctrl+c ends\n", tagList(c.Stats()), filterNote(fl.filter))
	select {
	case <-ctx.Done():
	case <-run.full:
	case <-run.failed:
	case <-c.Done():
	}
	stats := c.Stop()
	werr := sink.finish(stats)
	fmt.Fprintln(a.stderr, run.summary(stats))
	if err := run.err(); err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	var gone []string
	for _, st := range stats {
		if st.Err != nil {
			gone = append(gone, fmt.Sprintf("%s: %v", model.Visible(st.Tag), st.Err))
		}
	}
	if len(gone) > 0 {
		return fmt.Errorf("capture ended early: %s", strings.Join(gone, "; "))
	}
	return nil
}

// captureUsage checks what can be checked before anything is read or
// opened.
func (a *app) captureUsage(fl captureFlags) error {
	if err := pcapfilter.Validate(fl.filter); err != nil {
		return usageError{fmt.Errorf("capture: -f: %w", err)}
	}
	if fl.count < 0 {
		return usageError{fmt.Errorf("capture: -c %d: a number of packets is 1 or more", fl.count)}
	}
	if fl.promisc && a.readOnly {
		return usageError{errors.New("capture: --promisc changes the interface while capturing, which --read-only does not allow")}
	}
	if fl.write == "-" {
		if f, ok := a.stdout.(*os.File); ok && term.IsTerminal(f.Fd()) {
			return usageError{errors.New("capture: -w - writes pcapng, which is not for a terminal: pipe it (| tcpdump -n -r -) or give a file")}
		}
	}
	return nil
}

func tagList(stats []nsops.PointStats) string {
	tags := make([]string, len(stats))
	for i, st := range stats {
		tags[i] = model.Visible(st.Tag)
	}
	return strings.Join(tags, ", ")
}

func filterNote(filter string) string {
	if filter == "" {
		return ""
	}
	return " (filter: " + model.Visible(filter) + ")"
}
