// Package nsops is everything in lazyns that touches the kernel: finding
// namespaces, reading them, following their changes, and changing them.
//
// Every thread that enters another network namespace does so in
// doorway.go, and nowhere else (TestOneDoorway checks the whole module).
package nsops
