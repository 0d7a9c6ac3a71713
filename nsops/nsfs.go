package nsops

import (
	"github.com/lazyns/lazyns/nsops/discover"
	"golang.org/x/sys/unix"
)

const nsfsMagic = unix.NSFS_MAGIC

// The namespace-file helpers live with discovery; these names keep the
// rest of nsops reading as it did.
var (
	nsfsInode   = discover.NsfsInode
	parseNsLink = discover.ParseNsLink
)
