package packetline

import (
	"bytes"
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// appendAddrs writes "src > dst: ", or nothing when the addresses are
// not to be shown (nil).
func appendAddrs(b []byte, src, dst []byte) []byte {
	if src == nil {
		return b
	}
	b = appendIP(b, src)
	b = append(b, " > "...)
	b = appendIP(b, dst)
	return append(b, ": "...)
}

// appendEndpoints writes "src.sport > dst.dport: ", or the ports alone when
// the addresses are not to be shown (after IPv6 extension headers).
func appendEndpoints(b []byte, src, dst []byte, sport, dport uint16) []byte {
	if src != nil {
		b = appendIP(b, src)
		b = append(b, '.')
	}
	b = appendUint(b, uint64(sport))
	b = append(b, " > "...)
	if dst != nil {
		b = appendIP(b, dst)
		b = append(b, '.')
	}
	b = appendUint(b, uint64(dport))
	return append(b, ": "...)
}

var tcpOptionNames = map[layers.TCPOptionKind]string{
	0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sackOK", 5: "sack", 6: "echo", 7: "echoreply",
	8: "TS", 11: "cc", 12: "ccnew", 13: "", 19: "md5", 20: "scps", 28: "uto", 29: "tcp-ao",
	30: "mptcp", 34: "tfo", 254: "exp",
}

// tcpPrint is tcpdump -S's tcp_print without -v: flags, absolute sequence
// numbers, window, options, payload length.
func (d *decoder) tcpPrint(b []byte, data []byte, length int, src, dst []byte) []byte {
	if len(data) < 4 {
		return trunc(appendAddrs(b, src, dst), "tcp")
	}
	b = appendEndpoints(b, src, dst, binary.BigEndian.Uint16(data), binary.BigEndian.Uint16(data[2:]))
	t := &d.tcp
	if err := t.DecodeFromBytes(data, nodf); err != nil {
		return trunc(b, "tcp")
	}
	hlen := 4 * int(t.DataOffset)
	if hlen < 20 {
		b = append(b, "tcp "...)
		b = appendUint(b, uint64(length))
		b = append(b, " [bad hdr length "...)
		b = appendUint(b, uint64(hlen))
		return append(b, " - too short, < 20]"...)
	}
	flags := data[13]
	b = append(b, "Flags ["...)
	if flags == 0 {
		b = append(b, "none"...)
	}
	for i, f := range "FSRP.UEW" {
		if flags&(1<<i) != 0 {
			b = append(b, byte(f))
		}
	}
	b = append(b, ']')
	if hlen > length {
		b = append(b, " [bad hdr length "...)
		b = appendUint(b, uint64(hlen))
		b = append(b, " - too long, > "...)
		b = appendUint(b, uint64(length))
		return append(b, ']')
	}
	payload := length - hlen
	if payload > 0 || t.SYN || t.FIN || t.RST {
		b = append(b, ", seq "...)
		b = appendUint(b, uint64(t.Seq))
		if payload > 0 {
			b = append(b, ':')
			b = appendUint(b, uint64(t.Seq+uint32(payload)))
		}
	}
	if t.ACK {
		b = append(b, ", ack "...)
		b = appendUint(b, uint64(t.Ack))
	}
	b = append(b, ", win "...)
	b = appendUint(b, uint64(t.Window))
	if t.URG {
		b = append(b, ", urg "...)
		b = appendUint(b, uint64(t.Urgent))
	}
	if len(t.Options) > 0 {
		b = append(b, ", options ["...)
		for i, o := range t.Options {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTCPOption(b, o)
		}
		b = append(b, ']')
	}
	b = append(b, ", length "...)
	b = appendUint(b, uint64(payload))
	if payload > 0 && isHTTPPort(t.SrcPort, t.DstPort) {
		b = appendHTTP(b, t.Payload)
	}
	return b
}

func appendTCPOption(b []byte, o layers.TCPOption) []byte {
	name, known := tcpOptionNames[o.OptionType]
	if !known {
		b = append(b, "unknown-"...)
		b = appendUint(b, uint64(o.OptionType))
	} else {
		b = append(b, name...)
	}
	data := o.OptionData
	printed := 0
	switch {
	case o.OptionType == layers.TCPOptionKindMSS && len(data) >= 2:
		b = append(b, ' ')
		b = appendUint(b, uint64(binary.BigEndian.Uint16(data)))
		printed = 2
	case o.OptionType == layers.TCPOptionKindWindowScale && len(data) >= 1:
		b = append(b, ' ')
		b = appendUint(b, uint64(data[0]))
		printed = 1
	case o.OptionType == layers.TCPOptionKindSACK:
		if len(data)%8 != 0 {
			return append(b, " invalid sack"...)
		}
		b = append(b, ' ')
		b = appendUint(b, uint64(len(data)/8))
		b = append(b, ' ')
		for i := 0; i+8 <= len(data); i += 8 {
			b = append(b, '{')
			b = appendUint(b, uint64(binary.BigEndian.Uint32(data[i:])))
			b = append(b, ':')
			b = appendUint(b, uint64(binary.BigEndian.Uint32(data[i+4:])))
			b = append(b, '}')
		}
		printed = len(data)
	case o.OptionType == layers.TCPOptionKindTimestamps && len(data) >= 8:
		b = append(b, " val "...)
		b = appendUint(b, uint64(binary.BigEndian.Uint32(data)))
		b = append(b, " ecr "...)
		b = appendUint(b, uint64(binary.BigEndian.Uint32(data[4:])))
		printed = 8
	case (o.OptionType == 6 || o.OptionType == 7 || o.OptionType == 11 || o.OptionType == 12 || o.OptionType == 13) && len(data) >= 4:
		b = append(b, ' ')
		b = appendUint(b, uint64(binary.BigEndian.Uint32(data)))
		printed = 4
	case o.OptionType > 1 && len(data) > 0:
		b = append(b, " 0x"...)
		for _, c := range data {
			b = appendHex(b, uint64(c), 2)
		}
		printed = len(data)
	}
	// tcpdump shows the length an option claims when it is not the one
	// its kind has.
	if o.OptionType > 1 && printed+2 != int(o.OptionLength) {
		b = append(b, "[len "...)
		b = appendUint(b, uint64(o.OptionLength))
		b = append(b, ']')
	}
	return b
}

func isHTTPPort(sport, dport layers.TCPPort) bool {
	return sport == 80 || dport == 80 || sport == 8080 || dport == 8080
}

var httpMethods = [][]byte{
	[]byte("OPTIONS"), []byte("GET"), []byte("HEAD"), []byte("POST"), []byte("PUT"), []byte("DELETE"),
	[]byte("TRACE"), []byte("CONNECT"), []byte("PATCH"), []byte("PROPFIND"), []byte("PROPPATCH"),
	[]byte("MKCOL"), []byte("COPY"), []byte("MOVE"), []byte("LOCK"), []byte("UNLOCK"), []byte("SEARCH"),
}

// appendHTTP shows the request or status line of an HTTP message, as
// tcpdump does for ports 80 and 8080: ": HTTP: GET / HTTP/1.1", or ": HTTP"
// for a segment from the middle of a body.
func appendHTTP(b []byte, payload []byte) []byte {
	b = append(b, ": HTTP"...)
	line := payload
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	} else {
		return b // no complete line: tcpdump prints nothing more
	}
	first, rest, _ := bytes.Cut(line, []byte(" "))
	ok := false
	for _, m := range httpMethods {
		if bytes.EqualFold(first, m) {
			ok = true
		}
	}
	if !ok {
		code, _, _ := bytes.Cut(rest, []byte(" "))
		ok = len(code) == 3 && code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' && code[2] >= '0' && code[2] <= '9'
	}
	if !ok {
		return b
	}
	b = append(b, ": "...)
	return appendText(b, line)
}
