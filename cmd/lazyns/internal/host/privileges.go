package host

import (
	"errors"
	"fmt"

	"github.com/lazyns/lazyns/model"
	"github.com/lazyns/lazyns/nsops"
)

// PrivilegeNote says in one line why parts of the picture are missing
// ("3 namespaces could not be read: needs root …"), or "" when nothing in
// nss was refused for want of privileges. The commands print it on
// stderr, the UI on its status line.
func PrivilegeNote(nss []*model.Namespace) string {
	missing := nsops.Privileges()
	if missing == "" {
		return ""
	}
	denied := 0
	for _, ns := range nss {
		// Only refusals: a read that failed for another reason (a dump the
		// kernel kept interrupting) shows its own error, and is not
		// blamed on privileges.
		if errors.Is(ns.Err, model.ErrPermission) {
			denied++
		}
	}
	if denied == 0 {
		return ""
	}
	noun := "namespaces"
	if denied == 1 {
		noun = "namespace"
	}
	return fmt.Sprintf("%d %s could not be read: %s", denied, noun, missing)
}
