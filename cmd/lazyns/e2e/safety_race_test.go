//go:build race

package e2e

import "time"

// slowestUpdate is the longest one Update may take in the churn test: the
// race detector slows the UI's work several times over.
const slowestUpdate = 3 * time.Second
