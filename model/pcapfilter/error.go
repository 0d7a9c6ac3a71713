package pcapfilter

import (
	"fmt"

	"github.com/lazyns/lazyns/model"
)

// Error is an expression that does not compile. Pos is the byte offset in
// the expression where the word at fault starts (the length of the
// expression when it ends too early), so a caller can point at it.
type Error struct {
	Pos  int
	Word string // the word at fault, as written; empty at the end
	Msg  string // what is wrong, naming Word
}

func (e *Error) Error() string {
	return fmt.Sprintf("filter: %s (at %d)", e.Msg, e.Pos)
}

// quote shows a word of the expression inertly: the expression is typed by
// a user but may come from a script or a config file.
func quote(s string) string {
	return `"` + model.Visible(s) + `"`
}

func errAt(t token, format string, args ...any) *Error {
	return &Error{Pos: t.pos, Word: t.text, Msg: fmt.Sprintf(format, args...)}
}
