package model

import "errors"

// The kinds of reason a namespace could not be read, for errors.Is on
// Namespace.Err and on the errors nsops's reads return. The words a user
// sees are the error's own message; the kind is what a caller decides on.
var (
	// ErrPermission: lazyns lacks the privileges to enter or read it.
	ErrPermission = errors.New("permission denied")
	// ErrGone: it went away before or while it was read.
	ErrGone = errors.New("the namespace is gone")
	// ErrPartial: it was read, but a dump the kernel kept interrupting may
	// be incomplete; what was read is kept.
	ErrPartial = errors.New("may be incomplete")
	// ErrUnreadable: it could not be read for another reason, said in the
	// message; nothing of it is kept.
	ErrUnreadable = errors.New("could not be read")
)

// NsError is why one namespace could not be read, in whole or in part: a
// kind above, the words said about it, and the cause beneath.
type NsError struct {
	Kind error
	Msg  string
	Err  error
}

func (e *NsError) Error() string        { return e.Msg }
func (e *NsError) Is(target error) bool { return target == e.Kind }
func (e *NsError) Unwrap() error        { return e.Err }
