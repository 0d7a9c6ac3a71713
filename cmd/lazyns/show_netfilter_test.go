package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/lazyns/lazyns/nsops/nstest"
)

// showObject runs lazyns show with args and returns the object of the
// namespace named ns.
func showObject(t *testing.T, ns string, args ...string) map[string]json.RawMessage {
	t.Helper()
	code, stdout, stderr := lazyns(t, append([]string{"show", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("show --json %v: exit %d: %s", args, code, stderr)
	}
	var all []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &all); err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		var name string
		_ = json.Unmarshal(o["name"], &name)
		if name == ns {
			return o
		}
	}
	t.Fatalf("%s not in show --json %v", ns, args)
	return nil
}

// show prints the firewall, connections and settings of the namespaces it
// is given, and of all of them only when asked (--netfilter): reading them
// costs milliseconds per namespace.
func TestShowNetfilter(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireTool(t, "iptables-nft")
	ns := nstest.Netns(t)
	if out, err := exec.Command("ip", "netns", "exec", ns, "iptables-nft", "-t", "nat", "-A", "PREROUTING",
		"-d", "172.24.4.10", "-j", "DNAT", "--to-destination", "10.0.0.5").CombinedOutput(); err != nil {
		t.Fatalf("iptables: %v\n%s", err, out)
	}
	code, stdout, stderr := lazyns(t, "show", ns)
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"  settings\n", "net.ipv4.ip_forward = ", "  connections  0 entries",
		"  firewall\n", "*nat  # ip nat: iptables-nft, from iptables-nft-save -c",
		"[0:0] -A PREROUTING -d 172.24.4.10/32 -j DNAT --to-destination 10.0.0.5  # dnat: 172.24.4.10 → 10.0.0.5",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("show %s lacks %q:\n%s", ns, want, stdout)
		}
	}
	o := showObject(t, ns, ns)
	for _, k := range []string{"sysctls", "conntrack", "firewall"} {
		if _, ok := o[k]; !ok {
			t.Errorf("show --json %s has no %q", ns, k)
		}
	}
	var fw struct {
		Tables []struct {
			Name, Source string
			Chains       []struct {
				Rules []struct {
					Text string
					NAT  struct{ Type, To, Maps string }
				}
			}
		}
	}
	if err := json.Unmarshal(o["firewall"], &fw); err != nil {
		t.Fatal(err)
	}
	if len(fw.Tables) != 1 || fw.Tables[0].Source != "iptables-nft" || fw.Tables[0].Chains[0].Rules[0].NAT.To != "10.0.0.5" {
		t.Errorf("firewall %+v", fw)
	}
	if _, ok := showObject(t, ns)["firewall"]; ok {
		t.Error("show --json of every namespace read the firewall without --netfilter")
	}
	if _, ok := showObject(t, ns, "--netfilter")["firewall"]; !ok {
		t.Error("show --json --netfilter did not read the firewall")
	}
	if _, ok := showObject(t, ns, ns, "--netfilter=false")["sysctls"]; ok {
		t.Error("--netfilter=false read the settings")
	}
}
