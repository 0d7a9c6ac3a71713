package main

import (
	"strings"
	"testing"
)

// Without a terminal, lazyns says how to get text instead and touches
// nothing.
func TestUIWithoutTerminal(t *testing.T) {
	var out, errs strings.Builder
	code := run(nil, strings.NewReader(""), &out, &errs)
	if code != 2 || !strings.Contains(errs.String(), "lazyns list") || strings.Count(errs.String(), "\n") != 1 || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errs.String())
	}
}
