package model

// Netfilter is what decides a packet's fate in a namespace beyond its
// routes: its settings, its connection tracking table and its firewall.
// It is read on demand (show, the tab on screen), never as part of every
// snapshot: at a thousand namespaces that would cost seconds per reload.
type Netfilter struct {
	// Sysctls, Conntrack and Firewall are nil when they were not asked
	// for, or could not be read (Errs says why).
	Sysctls   Sysctls
	Conntrack *Conntrack
	Firewall  *Firewall
	// Errs say what could not be read, each naming the part.
	Errs []string
}
