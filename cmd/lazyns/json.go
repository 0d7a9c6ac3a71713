package main

import (
	"context"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/discover"
)

// showJSON is the document list --json and show --json print, the
// namespaces encoded in parallel on as many workers as read them.
func showJSON(sys *nsops.System, nss []*model.Namespace) []byte {
	objects := make([][]byte, len(nss))
	discover.ForEach(context.Background(), sys.Workers, len(nss), func(_, i int) {
		objects[i] = model.NamespaceJSON(nss[i], sys.Names)
	})
	return model.JoinJSON(objects)
}
