//go:build !race

package e2e

import "time"

// slowestUpdate is the longest one Update may take in the churn test.
const slowestUpdate = 500 * time.Millisecond
