package nsops

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/nstest"
)

// BenchmarkReadNetfilter measures ReadNetfilter for one namespace: each
// part alone, and the firewall with rulesets of N rules written by nft
// and by iptables-nft (whose reading also runs iptables-nft-save inside).
// go test -run - -bench ReadNetfilter ./nsops/
func BenchmarkReadNetfilter(b *testing.B) {
	nstest.RequireRoot(b)
	sys := benchSystem(b)
	read := func(b *testing.B, name string, parts NetfilterParts) {
		snap, err := sys.Snapshot(context.Background(), ReadOptions{Full: func(ns *model.Namespace) bool { return ns.Name == name }})
		if err != nil {
			b.Fatal(err)
		}
		var ns *model.Namespace
		for i := range snap.Namespaces {
			if snap.Namespaces[i].Name == name {
				ns = &snap.Namespaces[i]
			}
		}
		if ns == nil {
			b.Fatalf("%s not in the snapshot", name)
		}
		for b.Loop() {
			nf, err := sys.ReadNetfilter(context.Background(), ns, parts)
			if err != nil || len(nf.Errs) > 0 {
				b.Fatal(err, nf.Errs)
			}
		}
	}
	empty := nstest.Netns(b)
	nstest.IP(b, "-n", empty, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	b.Run("sysctls", func(b *testing.B) { read(b, empty, NetfilterParts{Sysctls: true}) })
	b.Run("conntrack-empty", func(b *testing.B) { read(b, empty, NetfilterParts{Conntrack: true}) })
	b.Run("firewall-empty", func(b *testing.B) { read(b, empty, NetfilterParts{Firewall: true}) })
	for _, n := range []int{10, 100, 1000} {
		ns := nstest.Netns(b)
		var nft strings.Builder
		nft.WriteString("table inet bench {\n chain in { type filter hook input priority filter; policy accept;\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&nft, "  ip saddr 10.%d.%d.0/24 tcp dport { 22, %d } counter accept\n", i/250, i%250, 1000+i)
		}
		nft.WriteString(" }\n}\n")
		load(b, ns, nft.String(), "nft", "-f", "-")
		b.Run(fmt.Sprintf("firewall-nft-%d-rules", n), func(b *testing.B) { read(b, ns, NetfilterParts{Firewall: true}) })

		ipt := nstest.Netns(b)
		var save strings.Builder
		save.WriteString("*filter\n:INPUT ACCEPT [0:0]\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&save, "-A INPUT -s 10.%d.%d.0/24 -p tcp -m multiport --dports 22,%d -j ACCEPT\n", i/250, i%250, 1000+i)
		}
		save.WriteString("COMMIT\n")
		load(b, ipt, save.String(), "iptables-nft-restore")
		b.Run(fmt.Sprintf("firewall-iptables-nft-%d-rules", n), func(b *testing.B) { read(b, ipt, NetfilterParts{Firewall: true}) })
	}
}

func load(b *testing.B, ns, input string, args ...string) {
	b.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", args, err, out)
	}
}
