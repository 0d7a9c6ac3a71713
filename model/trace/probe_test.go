package trace

import "testing"

func TestParseProbe(t *testing.T) {
	for _, c := range []struct {
		proto string
		port  int
		want  Probe
		text  string
	}{
		{"", 0, Probe{}, "icmp"},
		{"icmp", 0, Probe{}, "icmp"},
		{"", 22, Probe{Proto: ProtoTCP, Port: 22}, "tcp port 22"},
		{"TCP", 443, Probe{Proto: ProtoTCP, Port: 443}, "tcp port 443"},
		{"udp", 53, Probe{Proto: ProtoUDP, Port: 53}, "udp port 53"},
	} {
		got, err := ParseProbe(c.proto, c.port)
		if err != nil || got != c.want || got.String() != c.text {
			t.Errorf("%q %d: %+v %q, %v", c.proto, c.port, got, got.String(), err)
		}
	}
	for _, bad := range []struct {
		proto string
		port  int
	}{{"tcp", 0}, {"udp", 65536}, {"icmp", 7}, {"sctp", 80}, {"", -1}} {
		if _, err := ParseProbe(bad.proto, bad.port); err == nil {
			t.Errorf("%q %d accepted", bad.proto, bad.port)
		}
	}
}
