// Package labtest gives tests the clusters of kubedojo's test tiers: an
// envtest API server (tier 2) and a kind cluster (tier 3). A tier whose
// prerequisites are missing skips the test with a one-line reason, except
// under CI=true, where it fails: CI must never pass by skipping silently.
package labtest

import (
	"os"
	"strconv"
	"testing"
)

// InCI reports whether the tests run in CI (CI=true), where missing tiers
// are failures.
func InCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// Unavailable skips the test outside CI and fails it in CI, with the reason
// and the way to get the tier.
func Unavailable(tb testing.TB, tier, reason string) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("%s tier required in CI but unavailable: %s", tier, reason)
	}
	tb.Skipf("%s tier skipped: %s", tier, reason)
}
