package prose

import (
	"strings"
	"testing"
)

func TestWrapKeepsHyphenatedWordsWhole(t *testing.T) {
	got := Wrap("try kubectl auth can-i list pods --as=system:serviceaccount:pod-1:web -n pod-1 now", 40)
	want := "try kubectl auth can-i list pods\n--as=system:serviceaccount:pod-1:web -n\npod-1 now"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, l := range strings.Split(Wrap(strings.Repeat("x", 25), 10), "\n") {
		if len(l) > 10 {
			t.Errorf("a word longer than the width is not cut: %q", l)
		}
	}
}
