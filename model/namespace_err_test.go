package model

import (
	"errors"
	"io/fs"
	"testing"
)

// A namespace's error is told by its kind, is shown by its words, and
// still leads to its cause.
func TestNsErrorKinds(t *testing.T) {
	cause := &fs.PathError{Op: "open", Path: "/run/netns/blue", Err: fs.ErrPermission}
	var err error = &NsError{Kind: ErrPermission, Msg: "permission denied: needs root", Err: cause}
	if err.Error() != "permission denied: needs root" {
		t.Errorf("message %q", err)
	}
	if !errors.Is(err, ErrPermission) || !errors.Is(err, fs.ErrPermission) {
		t.Error("neither its kind nor its cause is seen")
	}
	for _, other := range []error{ErrGone, ErrPartial, ErrUnreadable} {
		if errors.Is(err, other) {
			t.Errorf("a refusal matches %v", other)
		}
	}
	var ne *NsError
	if !errors.As(err, &ne) || ne.Kind != ErrPermission {
		t.Error("errors.As does not find the NsError")
	}
}
