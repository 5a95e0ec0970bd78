package lab

import (
	"errors"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/kubedojo/kubedojo/lessons"
)

// TestClaimIsExclusiveUntilReleased: two environments on one state
// directory (two processes) cannot hold one exercise at once; another
// exercise, or the same one after the release, can be claimed.
func TestClaimIsExclusiveUntilReleased(t *testing.T) {
	state := t.TempDir()
	newEnv := func() *Environment {
		e, err := NewEnvironment(&rest.Config{Host: "https://127.0.0.1:1"}, EnvOptions{StateDir: state, Context: "lab"})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	a, b := newEnv(), newEnv()
	ex, other := &lessons.Exercise{ID: "pods/first"}, &lessons.Exercise{ID: "pods/second"}
	release, err := a.Claim(ex)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Claim(ex); !errors.Is(err, ErrExerciseBusy) {
		t.Fatalf("a second claim: %v, want ErrExerciseBusy", err)
	}
	if _, err := a.Claim(ex); !errors.Is(err, ErrExerciseBusy) {
		t.Fatalf("a second claim in the same environment: %v, want ErrExerciseBusy", err)
	}
	releaseOther, err := b.Claim(other)
	if err != nil {
		t.Fatalf("another exercise: %v", err)
	}
	releaseOther()
	release()
	again, err := b.Claim(ex)
	if err != nil {
		t.Fatalf("after the release: %v", err)
	}
	again()
}
