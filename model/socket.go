package model

import "net"

// Socket is a listening (or, for UDP, bound) socket inside a namespace, as
// `ss -lntup` shows it.
type Socket struct {
	// Proto is "tcp", "tcp6", "udp" or "udp6".
	Proto string
	Local net.IP
	Port  uint16
	// State is the TCP state name ("LISTEN"); "UNCONN" for UDP.
	State string
	// Inode links the socket to the processes holding it.
	Inode uint64
	// Procs hold the socket open; empty when none could be seen.
	Procs []Proc
}

// Process is a process inside a namespace, for the Processes tab.
type Process struct {
	Pid  int
	Comm string
	// Cmdline is the argument vector; empty for kernel threads and zombies.
	Cmdline []string
}

// Change says what moved in the kernel, so a viewer knows what to read again.
type Change struct {
	// Namespaces is set when namespaces may have appeared or vanished.
	Namespaces bool
	// Ns is the namespace whose links, addresses, routes or neighbours
	// changed; zero when only the set of namespaces changed.
	Ns NsKey
	// Rows are other namespaces, followed less closely (the rows of a list
	// on screen), in which interfaces came or went.
	Rows []NsKey
}
