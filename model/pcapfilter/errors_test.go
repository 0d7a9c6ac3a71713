package pcapfilter

import (
	"errors"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// TestErrorsNameTheWord: a word this package does not compile, or a
// mistake, is refused with a message that names it and where it starts.
func TestErrorsNameTheWord(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{"udp or ether proto 2048", `filter: "ether proto" is not supported (at 7)`},
		{"tcp[13] & 2 != 0", `filter: "[" is not supported (packet data and arithmetic, as in tcp[13] & 2 != 0) (at 3)`},
		{"host 10.0.0.1 and gateway r1", `filter: "gateway" is not supported (at 18)`},
		{"ip protochain 6", `filter: "ip protochain" is not supported (at 0)`},
		{"inbound", `filter: "inbound" is not supported (at 0)`},
		{"host example.com", `filter: "example.com" is not an address (names are not looked up) (at 5)`},
		{"port http", `filter: "http" is not a port number (port names are not looked up) (at 5)`},
		{"tcp or 80", `filter: "80" needs a qualifier in front, such as host, net or port (at 7)`},
		{"10.0.0.1", `filter: "10.0.0.1" needs a qualifier in front, such as host, net or port (at 0)`},
		{"host 10.0.0.1 and", `filter: the expression ends too early (at 17)`},
		{"(tcp or udp", `filter: "(" is not closed (at 0)`},
		{"tcp)", `filter: ")" has no matching "(" (at 3)`},
		{"port 65536", `filter: port 65536 is out of range (0-65535) (at 5)`},
		{"portrange 1-70000", `filter: port range "1-70000" is out of range (0-65535) (at 10)`},
		{"net 10.0.0.1/8", `filter: "10.0.0.1/8" has bits set beyond its prefix length (at 4)`},
		{"host 10.0.0.0/8", `filter: "10.0.0.0/8" is a network: write "net 10.0.0.0/8" (at 5)`},
		{"net 10.0.0.0/33", `filter: prefix length 33 is more than 32 (at 13)`},
		{"tcp host 10.0.0.1", `filter: "tcp host": tcp does not qualify a host; write "tcp and host …" (at 0)`},
		{"icmp port 53", `filter: "icmp port": only tcp, udp and sctp have ports (at 0)`},
		{"ip6 host 10.0.0.1", `filter: "ip6 host" cannot match the IPv4 address "10.0.0.1" (at 9)`},
		{"vlan 4096", `filter: VLAN id 4096 is out of range (0-4095) (at 5)`},
		{"ether", `filter: "ether" alone matches nothing: write "ether host …" or "ether src …" (at 0)`},
		{"ip broadcast", `filter: "ip broadcast" needs the network's mask, which a capture does not know: write "dst host X.X.X.255" (at 0)`},
		{"host 1.2.3.4 and \x1b[31m", `filter: "\x1b" is not supported (packet data and arithmetic, as in tcp[13] & 2 != 0) (at 17)`},
		{"host ev\x1bil", `filter: "ev" is not an address (names are not looked up) (at 5)`},
	} {
		_, err := Compile(c.expr, layers.LinkTypeEthernet, Socket)
		if err == nil {
			t.Errorf("%q compiled", c.expr)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.expr, err, c.want)
		}
		var fe *Error
		if !errors.As(err, &fe) || fe.Pos < 0 || fe.Pos > len(c.expr) {
			t.Errorf("%q: %#v is not an *Error with a position inside the expression", c.expr, err)
		}
		if strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("%q: the message carries a raw ESC: %q", c.expr, err)
		}
	}
}

// TestRawLinkErrors: what needs an Ethernet header is refused on a raw IP
// link, and what can never match there is said to.
func TestRawLinkErrors(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{"vlan 10", `filter: "vlan" needs an Ethernet header, and a raw IP link has none (at 0)`},
		{"ether host 02:00:00:00:00:01", `filter: "02:00:00:00:00:01" is an Ethernet address, and a raw IP link has no Ethernet header (at 11)`},
		{"arp", `filter: "arp" rejects every packet on a raw IP link (at 0)`},
		{"multicast", `filter: "multicast" needs an Ethernet header, and a raw IP link has none (at 0)`},
	} {
		_, err := Compile(c.expr, layers.LinkTypeRaw, Socket)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q on raw IP:\n got %v\nwant %s", c.expr, err, c.want)
		}
	}
	if _, err := Compile("ip", layers.LinkTypeLinuxSLL, Socket); err == nil {
		t.Error("a link type other than Ethernet and raw IP compiled")
	}
}

func TestValidate(t *testing.T) {
	if err := Validate("host 10.0.0.1 and port 53"); err != nil {
		t.Errorf("a good filter: %v", err)
	}
	var fe *Error
	if err := Validate("port http"); !errors.As(err, &fe) || fe.Word != "http" {
		t.Errorf("a bad filter: %#v", err)
	}
}

func TestEmptyAcceptsAll(t *testing.T) {
	for _, expr := range []string{"", "  \t"} {
		prog, err := Compile(expr, layers.LinkTypeEthernet, Socket)
		if err != nil || len(prog) != 1 || prog[0].K != snapLen {
			t.Errorf("%q: %v %v, want a single ret #%d", expr, prog, err, snapLen)
		}
	}
}

func TestLinkTypeOf(t *testing.T) {
	for hatype, want := range map[uint16]layers.LinkType{1: layers.LinkTypeEthernet, 772: layers.LinkTypeEthernet, 0xfffe: layers.LinkTypeRaw, 768: layers.LinkTypeRaw} {
		if got, ok := LinkTypeOf(hatype); !ok || got != want {
			t.Errorf("LinkTypeOf(%d) = %v %v, want %v", hatype, got, ok, want)
		}
	}
	if _, ok := LinkTypeOf(778); ok { // ARPHRD_IPGRE: libpcap uses cooked mode
		t.Error("LinkTypeOf(ARPHRD_IPGRE) should not be known")
	}
}
