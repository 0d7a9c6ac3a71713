// Package pcapfilter compiles capture filters written in tcpdump's syntax
// (pcap-filter(7)) into classic BPF programs, without libpcap and without
// cgo, so that a packet socket can drop in the kernel what the user did not
// ask to see.
//
//	prog, err := pcapfilter.Compile("host 10.0.0.1 and not port 22", layers.LinkTypeEthernet, pcapfilter.Socket)
//
// The grammar is libpcap's, including its implied qualifiers: "host X"
// with an IPv4 address matches IPv4, ARP and RARP packets that carry X;
// "port N" means TCP, UDP or SCTP over IPv4 or IPv6, and skips IPv4
// fragments other than the first; a bare address after "and"/"or" takes the
// qualifiers of the primitive before it ("host 10.0.0.1 or 10.0.0.2");
// "and" and "or" have equal precedence and group from the left; each "vlan"
// moves every later test four bytes further into the frame.
//
// What is supported: host, net (CIDR, "net X mask Y", short forms such as
// "net 10"), port, portrange, the direction qualifiers src, dst, "src or
// dst", "src and dst", the protocols ip, ip6, arp, rarp, tcp, udp, sctp,
// icmp, icmp6, igmp, igrp, pim, vrrp, ah and esp, "ip proto N", "ip6
// proto N", "proto N", vlan with and without an id, ether host/src/dst,
// broadcast and multicast (ether, ip, ip6), less and greater, and, or,
// not, &&, ||, ! and parentheses. Anything else in tcpdump's language
// (packet data access such as tcp[13], "ether proto", names of hosts,
// networks or ports, which libpcap would look up) is refused with an
// *Error that names the word and where it starts.
//
// Programs are checked, verdict for verdict, against the ones libpcap
// compiles (tcpdump -ddd) on a corpus of packets; they need not be the
// same instructions.
package pcapfilter
