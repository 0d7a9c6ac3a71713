package nsops

import (
	"os"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops/discover"
)

// Discover finds every network namespace on the host, each once (by its
// inode), without reading what is inside: named ones under the netns
// directory, the host's, and unnamed ones held by a process, an open file
// descriptor or a bind mount elsewhere — as lsns finds them — with the
// container that holds each (see package discover).
func (s *System) Discover() (*model.Snapshot, error) {
	return discover.Run(discover.Config{
		Root:     "/",
		NetnsDir: s.NetnsDir,
		Host:     s.host,
		Self:     os.Getpid(),
		Names:    s.names,
	})
}
