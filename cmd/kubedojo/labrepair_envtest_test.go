package main

import (
	"strings"
	"testing"
)

// TestLabResetWithoutExerciseRepairsTheLab: `lab reset` without an
// exercise is the repair of the lab, and says what it did, here that
// nothing needed it (an existing cluster has no node backups kubedojo can
// reach).
func TestLabResetWithoutExerciseRepairsTheLab(t *testing.T) {
	opts := envtestOptions(t)
	out, _ := cli(t, opts.flags(), exitOK, "lab", "reset")
	if !strings.Contains(out, "nothing to repair") {
		t.Errorf("lab reset without an exercise printed %q, want what it repaired", out)
	}
}
