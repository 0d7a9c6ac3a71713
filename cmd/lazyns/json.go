package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
	"github.com/lazyns/lazyns/nsops/discover"
)

// writeJSON writes the document list --json and show --json print for
// namespaces already read, encoded in parallel on as many workers as read
// them.
func (a *app) writeJSON(sys *nsops.System, nss []*model.Namespace) error {
	objects := make([][]byte, len(nss))
	discover.ForEach(context.Background(), sys.Workers, len(nss), func(_, i int) {
		objects[i] = model.NamespaceJSON(nss[i], sys.Names)
	})
	out := bufio.NewWriterSize(a.stdout, 64<<10)
	arr := model.NewJSONArray(out)
	for _, o := range objects {
		if err := arr.Add(o); err != nil {
			return err
		}
	}
	if err := arr.Close(); err != nil {
		return err
	}
	return out.Flush()
}

// streamMemoryLimit is the heap size above which streamAll's collector
// works harder (debug.SetMemoryLimit): under issue 18's 150 MB of peak
// RSS at 10,000 namespaces, over what is held at once there.
const streamMemoryLimit = 100 << 20

// jsonBufs are buffers namespaces are encoded into, used again once
// written; one that grew past a megabyte (a big host's) is let go.
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// streamAll reads every namespace of a discovered snapshot and writes each
// as soon as it and those before it are read (nsops.ReadStream): as show
// --json's objects, each encoded by the worker that read it, or as show's
// text. With netfilter, that worker reads the namespace's firewall,
// connections and settings too. The output starts at once, and what is
// held at a time does not grow with the host beyond every namespace's
// links. With stats, links carry their counters (show prints them).
func (a *app) streamAll(ctx context.Context, sys *nsops.System, snap *model.Snapshot, asJSON, netfilter, stats bool) error {
	// What is held at once grows slowly with the host (every namespace's
	// links, a window of namespaces read ahead: 27 MB at 3000), but the
	// collector lets the heap grow to twice what it held at its last
	// pass. A limit makes it collect sooner once the heap is that large
	// (at 3000 namespaces, a limit of 40 MB took the peak RSS from 80 to
	// 58 MB for a third more user CPU); GOMEMLIMIT, when set, says
	// otherwise.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(streamMemoryLimit)
	}
	out := bufio.NewWriterSize(a.stdout, 64<<10)
	arr := model.NewJSONArray(out)
	paint := a.paint(a.stdout)
	objects := make([]*[]byte, len(snap.Namespaces))
	err := sys.ReadStream(ctx, snap, stats,
		func(i int) {
			ns := &snap.Namespaces[i]
			if netfilter {
				sys.ReadNetfilterInto(ctx, ns, nsops.AllNetfilter)
			}
			if asJSON {
				b := jsonBufs.Get().(*[]byte)
				*b = model.AppendNamespaceJSON((*b)[:0], ns, sys.Names)
				objects[i] = b
			}
		},
		func(i int) error {
			if !asJSON {
				if i > 0 {
					fmt.Fprintln(out)
				}
				model.WriteShow(out, &snap.Namespaces[i], sys.Names, paint)
				return nil
			}
			b := objects[i]
			objects[i] = nil
			err := arr.Add(*b)
			if cap(*b) <= 1<<20 {
				jsonBufs.Put(b)
			}
			return err
		})
	if err != nil {
		return err
	}
	if asJSON {
		if err := arr.Close(); err != nil {
			return err
		}
	}
	return out.Flush()
}
