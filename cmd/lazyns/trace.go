package main

import (
	"errors"
	"fmt"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/model/trace"
	"github.com/lazyns/lazyns/nsops"
	"github.com/spf13/cobra"
)

func newTraceCmd(a *app) *cobra.Command {
	var from, proto string
	var port int
	var asJSON, ping bool
	cmd := &cobra.Command{
		Use:   "trace NS DEST [--from SRC] [--proto tcp|udp --port N] [--json] [--ping]",
		Short: "The path a packet from NS to DEST takes, and why it ends",
		Long: `Follow a packet from NS to the address DEST hop by hop. In each namespace the
kernel itself is asked for the route, as "ip route get" does (policy rules and
every table count); the packet then crosses the egress device — a veth to its
other end, a bridge to the port behind which the next hop lives — into the next
namespace, which must deliver it (DEST is one of its addresses) or forward it
(ip_forward on) to the next hop.

In each namespace the packet also meets the firewall, as the kernel runs it:
prerouting, then input (delivered there) or forward and postrouting; output and
postrouting where it starts. The base chains of the packet's family (iptables,
iptables-legacy and nft alike) run in priority order, with jumps into user
chains. A rule or policy that drops or rejects it ends the trace, named with its
table, chain, text and counters. DNAT (a floating IP) rewrites the destination
before the route is looked up, so the trace goes on to the fixed address; SNAT
and masquerade rewrite the source, which the hops after show; the answer gets
the addresses back, as connection tracking does. A rule trace cannot evaluate
(an xt match, a mark set elsewhere) does not decide: the verdict says what
happens when it does not apply, and that the packet may be dropped by it.

The trace ends with a verdict: delivered (where), leaves the host (through which
device), or dropped, with the place and the reason: a firewall rule, no route, a
link down (which end), forwarding off, a veth whose other end is down, a bridge
port not forwarding, a loop, an unreachable, blackhole or prohibit route, the
reverse-path filter. Each hop shows the "ip route get" command that shows the
same lookup by hand (for the translated address after a DNAT: ip route get does
not see netfilter).

The packet is an ICMP echo, as ping sends; --proto tcp|udp --port N follows the
first packet of a TCP or UDP exchange instead (its source port, which the kernel
picks, counts as unknown).

trace only reads; it sends no packet, so it works with --read-only. --ping also
sends one real ICMP echo from NS to confirm the verdict (not with --read-only).

With --json, prints one object: "verdict" (delivered, leaves or dropped),
"reason", "netns" (where it ended), and "hops", each {"netns", "in", "out",
"route", "via", "src", "dst", "firewall", "nat", ...}; "rule" is the firewall
rule that dropped it, "unsure" the rules trace could not evaluate; a delivered
packet's answer is traced back too ("reply").
Exit status: 0 delivered (and answered) or leaves, 1 dropped either way.`,
		Example: `  lazyns trace ns0 10.0.2.2
  lazyns trace qrouter-e945b6b1 10.1.1.5 --from 10.1.0.1
  lazyns trace blue 192.0.2.7 --json | jq -r .reason
  lazyns trace qrouter-e945b6b1 172.24.4.10 --proto tcp --port 22`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			dst, src, err := trace.ParseAddrs(args[1], from)
			if err != nil {
				return usageError{err}
			}
			probe, err := trace.ParseProbe(proto, port)
			if err != nil {
				return usageError{err}
			}
			if ping && a.readOnly {
				return usageError{errors.New("--ping sends a real packet, which --read-only does not allow")}
			}
			if ping && !probe.Echo() {
				return usageError{errors.New("--ping sends an ICMP echo: it cannot confirm a trace of --proto tcp or udp")}
			}
			arg, err := model.ParseNsArg(args[0])
			if err != nil {
				return usageError{err}
			}
			sys, snap, err := a.snapshot(nsops.ReadOptions{})
			if err != nil {
				return err
			}
			start, err := sys.Locate(snap, arg)
			if err != nil {
				if errors.Is(err, nsops.ErrNoNamespace) {
					return usageError{err}
				}
				return err
			}
			if start.Err != nil {
				return fmt.Errorf("%s cannot be read: %s", model.Visible(start.DisplayName()), model.Visible(start.Err.Error()))
			}
			tracer := sys.NewTracer(snap)
			defer tracer.Close()
			t, err := tracer.TraceProbe(start.Key, dst, src, probe)
			if errors.Is(err, trace.ErrSrcNotLocal) {
				return usageError{fmt.Errorf("--from %w", err)}
			}
			if err != nil {
				return err
			}
			var pr *trace.PingResult
			if ping {
				if pr, err = tracer.Ping(start.Key, dst, src); err != nil {
					return err
				}
			}
			if asJSON {
				_, err = a.stdout.Write(trace.JSON(t, pr))
			} else {
				trace.Write(a.stdout, t, pr, a.paint(a.stdout))
			}
			if err != nil {
				return err
			}
			if t.Answered() == trace.Dropped {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "source address (one of NS's own; default: the kernel's choice)")
	cmd.Flags().StringVar(&proto, "proto", "", "the packet: icmp (an echo, the default), tcp or udp")
	cmd.Flags().IntVar(&port, "port", 0, "the destination port of --proto tcp or udp (tcp when --proto is not given)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().BoolVar(&ping, "ping", false, "also send one ICMP echo from NS and say whether it came back")
	return cmd
}
