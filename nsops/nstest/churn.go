package nstest

import (
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Churn makes and deletes namespaces, veths and addresses in a tight loop,
// each round in a separate shell process, as another tool on the host
// would. Its namespaces are Prefix-0 … Prefix-3; its host link Prefix+"h"
// (a veth whose peer is born inside the namespace).
type Churn struct {
	Prefix string
	rounds atomic.Int64
	once   sync.Once
	stop   chan struct{}
	done   chan struct{}
}

const churnSlots = 4

// StartChurn starts the loop; it stops, and everything it made is removed,
// when the test ends (or at Stop).
func StartChurn(t testing.TB) *Churn {
	t.Helper()
	c := &Churn{Prefix: Name("ch"), stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	t.Cleanup(func() { c.Stop() })
	return c
}

func (c *Churn) loop() {
	defer close(c.done)
	host := c.Prefix + "h"
	for i := 0; ; i++ {
		select {
		case <-c.stop:
			return
		default:
		}
		ns := c.Namespace(i % churnSlots)
		script := fmt.Sprintf(`ip netns add %[1]s
ip link add %[3]s type veth peer name c0 netns %[1]s
ip -n %[1]s link add c1 type veth peer name c2
ip -n %[1]s addr add 10.99.%[2]d.1/24 dev c0
ip -n %[1]s link set c0 up
ip -n %[1]s link set lo up
ip addr add 10.98.%[2]d.1/24 dev %[3]s
ip -n %[1]s addr del 10.99.%[2]d.1/24 dev c0
ip link del %[3]s
ip netns del %[1]s`, ns, i%200, host)
		_ = exec.Command("sh", "-c", strings.ReplaceAll(script, "\n", " 2>/dev/null\n")+" 2>/dev/null").Run()
		c.rounds.Add(1)
	}
}

// Namespace is the name of slot i's namespace.
func (c *Churn) Namespace(i int) string { return fmt.Sprintf("%s-%d", c.Prefix, i) }

// Owns says whether a namespace or link name is one the churn makes.
func (c *Churn) Owns(name string) bool { return strings.HasPrefix(name, c.Prefix) }

// Stop ends the loop, removes what it left, and returns how many rounds
// ran. Calling it again does nothing more.
func (c *Churn) Stop() int64 {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	_ = exec.Command("ip", "link", "del", c.Prefix+"h").Run()
	for i := 0; i < churnSlots; i++ {
		_ = exec.Command("ip", "netns", "del", c.Namespace(i)).Run()
	}
	return c.rounds.Load()
}
