package model

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// IptablesSave is what one run of iptables-save (or ip6tables-save, or a
// -legacy or -nft variant) printed, read.
type IptablesSave struct {
	Tables []FwTable
	// Incompatible names the tables the tool refused to print ("Table
	// `filter' is incompatible, use 'nft' tool."): iptables-nft says so of
	// a table that nft changed in ways iptables cannot write.
	Incompatible []string
}

// ParseIptablesSave reads the output of `iptables-save -c`: family is "ip"
// or "ip6", source the tool's kind and from the command that printed it.
// Every rule keeps its line (without the counters) as Text; what the
// parser understands becomes Matches, Verdict and NAT, and anything else
// is named in the rule's Unsure.
func ParseIptablesSave(text, family string, source FwSource, from string) (*IptablesSave, error) {
	out := &IptablesSave{}
	var t *FwTable
	chainAt := map[string]int{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			if name, ok := incompatibleTable(line); ok {
				out.Incompatible = append(out.Incompatible, name)
			}
		case strings.HasPrefix(line, "*"):
			out.Tables = append(out.Tables, FwTable{Family: family, Name: line[1:], Source: source, TextFrom: from})
			t = &out.Tables[len(out.Tables)-1]
			clear(chainAt)
		case line == "COMMIT":
			t = nil
		case t == nil:
			return nil, fmt.Errorf("%s line %d: %q outside a table", from, n+1, Visible(line))
		case strings.HasPrefix(line, ":"):
			c, err := parseChainLine(t.Name, line)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: %w", from, n+1, err)
			}
			chainAt[c.Name] = len(t.Chains)
			t.Chains = append(t.Chains, c)
		default:
			counters, rest, err := cutCounters(line)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: %w", from, n+1, err)
			}
			args, err := splitIptablesArgs(rest)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: %w", from, n+1, err)
			}
			if len(args) < 2 || args[0] != "-A" {
				return nil, fmt.Errorf("%s line %d: not a rule: %q", from, n+1, Visible(line))
			}
			i, ok := chainAt[args[1]]
			if !ok {
				return nil, fmt.Errorf("%s line %d: rule in chain %q, which was not declared", from, n+1, Visible(args[1]))
			}
			r := parseIptablesRule(args[2:], family, chainAt)
			r.Text = rest
			r.Counters = counters
			t.Chains[i].Rules = append(t.Chains[i].Rules, r)
		}
	}
	return out, nil
}

// incompatibleTable reads iptables-nft-save's "# Table `NAME' is incompatible, use 'nft' tool.".
func incompatibleTable(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "# Table `")
	if !ok {
		return "", false
	}
	name, tail, ok := strings.Cut(rest, "'")
	return name, ok && strings.Contains(tail, "incompatible")
}

// parseChainLine reads ":NAME POLICY [PACKETS:BYTES]" ("-" for a user chain).
func parseChainLine(table, line string) (FwChain, error) {
	f := strings.Fields(line[1:])
	if len(f) < 2 {
		return FwChain{}, fmt.Errorf("chain line %q", Visible(line))
	}
	c := FwChain{Name: f[0]}
	if hook, prio, typ, ok := XtablesBuiltin(table, c.Name); ok && f[1] != "-" {
		c.Hook, c.Priority, c.Type = hook, prio, typ
		c.Policy = strings.ToLower(f[1])
		if len(f) > 2 {
			ctr, _, err := cutCounters(f[2])
			if err != nil {
				return FwChain{}, err
			}
			c.PolicyCounters = ctr
		}
	}
	return c, nil
}

// cutCounters splits "[PACKETS:BYTES] rest"; a line without them has nil
// counters (iptables-save without -c).
func cutCounters(line string) (*FwCounters, string, error) {
	if !strings.HasPrefix(line, "[") {
		return nil, line, nil
	}
	end := strings.IndexByte(line, ']')
	if end < 0 {
		return nil, "", fmt.Errorf("counters without ']': %q", Visible(line))
	}
	p, b, ok := strings.Cut(line[1:end], ":")
	packets, err1 := strconv.ParseUint(p, 10, 64)
	bytes, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, "", fmt.Errorf("counters %q", Visible(line[:end+1]))
	}
	return &FwCounters{Packets: packets, Bytes: bytes}, strings.TrimLeft(line[end+1:], " "), nil
}

// splitIptablesArgs splits a rule line as iptables-restore does: at
// spaces, except inside double quotes, where a backslash takes the next
// character as it is (iptables-save writes `"` and `\` in a comment as
// `\"` and `\\`).
func splitIptablesArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case c == '"':
			quoted = !quoted
			inArg = true
		case !quoted && (c == ' ' || c == '\t'):
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote in %q", Visible(line))
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// ruleParser reads one rule's arguments.
type ruleParser struct {
	args   []string
	i      int
	family string
	chains map[string]int
	r      FwRule
	module string
}

// parseIptablesRule reads the arguments after "-A CHAIN".
func parseIptablesRule(args []string, family string, chains map[string]int) FwRule {
	p := &ruleParser{args: args, family: family, chains: chains}
	for p.i < len(p.args) {
		not := false
		if p.args[p.i] == "!" {
			not = true
			p.i++
			if p.i == len(p.args) {
				p.unsure("!")
				break
			}
		}
		opt := p.args[p.i]
		p.i++
		p.option(opt, not)
	}
	return p.r
}

// next takes the option's value; "" when there is none.
func (p *ruleParser) next() string {
	if p.i < len(p.args) {
		p.i++
		return p.args[p.i-1]
	}
	return ""
}

// skipValues passes over the values of an option the parser does not know:
// the words up to the next option.
func (p *ruleParser) skipValues() {
	for p.i < len(p.args) && p.args[p.i] != "!" && !strings.HasPrefix(p.args[p.i], "-") {
		p.i++
	}
}

func (p *ruleParser) unsure(what string) {
	for _, u := range p.r.Unsure {
		if u == what {
			return
		}
	}
	p.r.Unsure = append(p.r.Unsure, what)
}

func (p *ruleParser) add(m FwMatch, not bool) {
	m.Not = not
	p.r.Matches = append(p.r.Matches, m)
}

func (p *ruleParser) option(opt string, not bool) {
	switch opt {
	case "-s", "--source", "-d", "--destination":
		kind := FwSaddr
		if opt == "-d" || opt == "--destination" {
			kind = FwDaddr
		}
		v := p.next()
		prefixes, ok := parseIptablesAddrs(v)
		if !ok {
			p.unsure(opt + " " + v)
			return
		}
		p.add(FwMatch{Kind: kind, Prefixes: prefixes}, not)
	case "-i", "--in-interface":
		p.add(FwMatch{Kind: FwIifname, Names: []string{p.next()}}, not)
	case "-o", "--out-interface":
		p.add(FwMatch{Kind: FwOifname, Names: []string{p.next()}}, not)
	case "-p", "--protocol":
		v := p.next()
		if v == "all" || v == "0" {
			if not {
				p.unsure("! -p all")
			}
			return
		}
		proto, ok := ProtoNumber(v)
		if !ok {
			p.unsure("-p " + v)
			return
		}
		p.add(FwMatch{Kind: FwL4proto, Protos: []uint8{proto}}, not)
	case "-m", "--match":
		p.module = p.next()
		switch p.module {
		case "tcp", "udp", "sctp", "dccp", "udplite", "multiport", "conntrack", "state",
			"comment", "icmp", "icmp6", "mark":
		default:
			p.unsure("-m " + p.module)
		}
	case "-j", "--jump":
		p.target(p.next())
	case "-g", "--goto":
		p.r.Verdict = FwVerdict{Kind: FwGoto, Chain: p.next()}
	default:
		p.moduleOption(opt, not)
	}
}

func (p *ruleParser) moduleOption(opt string, not bool) {
	switch {
	case (opt == "--dport" || opt == "--destination-port" || opt == "--sport" || opt == "--source-port") &&
		isPortModule(p.module):
		kind := FwDport
		if opt == "--sport" || opt == "--source-port" {
			kind = FwSport
		}
		v := p.next()
		r, ok := parsePortRange(v)
		if !ok {
			p.unsure(opt + " " + v)
			return
		}
		p.add(FwMatch{Kind: kind, Ports: []FwPortRange{r}}, not)
	case (opt == "--dports" || opt == "--destination-ports" || opt == "--sports" || opt == "--source-ports") &&
		p.module == "multiport":
		kind := FwDport
		if strings.HasPrefix(opt, "--s") {
			kind = FwSport
		}
		v := p.next()
		var ports []FwPortRange
		for _, s := range strings.Split(v, ",") {
			r, ok := parsePortRange(s)
			if !ok {
				p.unsure(opt + " " + v)
				return
			}
			ports = append(ports, r)
		}
		p.add(FwMatch{Kind: kind, Ports: ports}, not)
	case (opt == "--ctstate" && p.module == "conntrack") || (opt == "--state" && p.module == "state"):
		v := p.next()
		states, ok := parseCtStates(v)
		if !ok {
			p.unsure(opt + " " + v)
			return
		}
		p.add(FwMatch{Kind: FwCtState, CtStates: states}, not)
	case opt == "--comment" && p.module == "comment":
		p.r.Comment = p.next()
	case (opt == "--icmp-type" && p.module == "icmp") || (opt == "--icmpv6-type" && p.module == "icmp6"):
		v := p.next()
		v6 := p.module == "icmp6"
		typ, code, hasCode := strings.Cut(v, "/")
		t, ok := ICMPTypeNumber(typ, v6)
		if !ok || (hasCode && code != "") {
			p.unsure(opt + " " + v)
			if !ok {
				return
			}
		}
		p.add(FwMatch{Kind: FwICMPType, ICMPTypes: []uint8{t}, ICMPv6: v6}, not)
	case opt == "--mark" && p.module == "mark":
		v := p.next()
		mark, mask, ok := parseMark(v)
		if !ok {
			p.unsure(opt + " " + v)
			return
		}
		p.add(FwMatch{Kind: FwMark, Mark: mark, MarkMask: mask}, not)
	default:
		if not {
			p.unsure("! " + opt)
		} else {
			p.unsure(opt)
		}
		p.skipValues()
	}
}

func isPortModule(m string) bool {
	switch m {
	case "tcp", "udp", "sctp", "dccp", "udplite":
		return true
	}
	return false
}

// target reads -j NAME and the target's options, which iptables-save
// writes last.
func (p *ruleParser) target(name string) {
	opts := map[string]string{}
	var flags []string
	for p.i < len(p.args) {
		o := p.args[p.i]
		p.i++
		if p.i < len(p.args) && !strings.HasPrefix(p.args[p.i], "--") {
			opts[o] = p.args[p.i]
			p.i++
		} else {
			opts[o] = ""
			flags = append(flags, strings.TrimPrefix(o, "--"))
		}
	}
	known := func(allowed ...string) {
		for o := range opts {
			if !listHas(allowed, o) {
				p.unsure("-j " + name + " " + o)
			}
		}
	}
	switch name {
	case "ACCEPT":
		p.r.Verdict.Kind = FwAccept
	case "DROP":
		p.r.Verdict.Kind = FwDrop
	case "RETURN":
		p.r.Verdict.Kind = FwReturn
	case "REJECT":
		with := opts["--reject-with"]
		if with == "" {
			with = "icmp-port-unreachable"
			if p.family == "ip6" {
				with = "icmp6-port-unreachable"
			}
		}
		p.r.Verdict = FwVerdict{Kind: FwReject, With: with}
		known("--reject-with")
	case "NFQUEUE", "QUEUE":
		p.r.Verdict.Kind = FwQueue
		p.unsure("-j " + name)
	case "LOG":
		// Logs and lets the packet go on: nothing a trace must weigh.
	case "DNAT", "SNAT":
		opt := "--to-destination"
		kind := NATDnat
		if name == "SNAT" {
			opt, kind = "--to-source", NATSnat
		}
		n, ok := parseNATTo(opts[opt], p.family)
		if !ok {
			p.unsure("-j " + name + " " + opts[opt])
		}
		n.Kind = kind
		n.Flags = natFlags(flags)
		p.r.NAT = &n
		p.r.Verdict.Kind = FwAccept
		known(opt, "--random", "--random-fully", "--persistent")
	case "MASQUERADE", "REDIRECT":
		n := FwNAT{Kind: NATMasquerade}
		if name == "REDIRECT" {
			n.Kind = NATRedirect
		}
		if v, ok := opts["--to-ports"]; ok {
			r, ok := parsePortRange(strings.ReplaceAll(v, "-", ":"))
			if !ok {
				p.unsure("-j " + name + " --to-ports " + v)
			}
			n.Port, n.PortLast = r.First, r.Last
		}
		n.Flags = natFlags(flags)
		p.r.NAT = &n
		p.r.Verdict.Kind = FwAccept
		known("--to-ports", "--random", "--random-fully")
	default:
		if _, ok := p.chains[name]; ok {
			p.r.Verdict = FwVerdict{Kind: FwJump, Chain: name}
			return
		}
		p.unsure("-j " + name)
	}
}

func natFlags(flags []string) []string {
	var out []string
	for _, f := range flags {
		switch f {
		case "random", "random-fully", "persistent":
			out = append(out, strings.Replace(f, "random-fully", "fully-random", 1))
		}
	}
	return out
}

// parseIptablesAddrs reads -s/-d values: "10.0.0.0/8", "10.0.0.1",
// "10.0.0.0/255.0.0.0", comma-separated.
func parseIptablesAddrs(v string) ([]netip.Prefix, bool) {
	var out []netip.Prefix
	for _, s := range strings.Split(v, ",") {
		addr, mask, hasMask := strings.Cut(s, "/")
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return nil, false
		}
		bits := a.BitLen()
		if hasMask {
			if n, err := strconv.Atoi(mask); err == nil {
				bits = n
			} else if m, err := netip.ParseAddr(mask); err == nil {
				if bits, err = maskBits(m); err != nil {
					return nil, false
				}
			} else {
				return nil, false
			}
		}
		p, err := a.Prefix(bits)
		if err != nil {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

// maskBits is the length of a contiguous netmask such as 255.255.0.0.
func maskBits(m netip.Addr) (int, error) {
	b := m.AsSlice()
	n := 0
	for n < len(b)*8 && b[n/8]&(0x80>>(n%8)) != 0 {
		n++
	}
	for i := n; i < len(b)*8; i++ {
		if b[i/8]&(0x80>>(i%8)) != 0 {
			return 0, fmt.Errorf("mask %s is not contiguous", m)
		}
	}
	return n, nil
}

// parsePortRange reads "22" or "1000:2000" (and ":2000", "1000:").
func parsePortRange(s string) (FwPortRange, bool) {
	first, last, isRange := strings.Cut(s, ":")
	if !isRange {
		n, err := strconv.ParseUint(s, 10, 16)
		return FwPortRange{uint16(n), uint16(n)}, err == nil
	}
	r := FwPortRange{0, 65535}
	if first != "" {
		n, err := strconv.ParseUint(first, 10, 16)
		if err != nil {
			return r, false
		}
		r.First = uint16(n)
	}
	if last != "" {
		n, err := strconv.ParseUint(last, 10, 16)
		if err != nil {
			return r, false
		}
		r.Last = uint16(n)
	}
	return r, r.First <= r.Last
}

// parseCtStates reads "RELATED,ESTABLISHED"; SNAT and DNAT, which are
// about the connection's NAT rather than its state, make it unsure.
func parseCtStates(v string) (FwCtStates, bool) {
	var s FwCtStates
	for _, name := range strings.Split(v, ",") {
		switch strings.ToUpper(name) {
		case "INVALID":
			s |= FwCtInvalid
		case "ESTABLISHED":
			s |= FwCtEstablished
		case "RELATED":
			s |= FwCtRelated
		case "NEW":
			s |= FwCtNew
		case "UNTRACKED":
			s |= FwCtUntracked
		default:
			return 0, false
		}
	}
	return s, true
}

// parseMark reads "0x1" or "0x1/0xff".
func parseMark(v string) (mark, mask uint32, ok bool) {
	m, k, hasMask := strings.Cut(v, "/")
	a, err := strconv.ParseUint(m, 0, 32)
	if err != nil {
		return 0, 0, false
	}
	mask = ^uint32(0)
	if hasMask {
		b, err := strconv.ParseUint(k, 0, 32)
		if err != nil {
			return 0, 0, false
		}
		mask = uint32(b)
	}
	return uint32(a), mask, true
}

// parseNATTo reads --to-destination and --to-source values:
// "10.0.0.5", "10.0.0.1-10.0.0.9:80-90", "[fd00::1]:80", ":8080".
func parseNATTo(v, family string) (FwNAT, bool) {
	var n FwNAT
	addrs, ports := v, ""
	if strings.HasPrefix(v, "[") {
		end := strings.Index(v, "]")
		if end < 0 {
			return n, false
		}
		addrs, ports = v[1:end], strings.TrimPrefix(v[end+1:], ":")
	} else if family != "ip6" || strings.Count(v, ":") == 1 {
		addrs, ports, _ = strings.Cut(v, ":")
	}
	if addrs != "" {
		first, last, isRange := strings.Cut(addrs, "-")
		a, err := netip.ParseAddr(first)
		if err != nil {
			return n, false
		}
		n.Addr, n.AddrLast = a, a
		if isRange {
			b, err := netip.ParseAddr(last)
			if err != nil {
				return n, false
			}
			n.AddrLast = b
		}
	}
	if ports != "" {
		r, ok := parsePortRange(strings.Replace(ports, "-", ":", 1))
		if !ok {
			return n, false
		}
		n.Port, n.PortLast = r.First, r.Last
	}
	return n, addrs != "" || ports != ""
}
