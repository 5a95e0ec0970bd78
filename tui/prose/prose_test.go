package prose

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
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

func TestInlineCodeSpans(t *testing.T) {
	tests := []struct{ src, want string }{
		{"run `kubectl get pods` now", "run [kubectl get pods] now"},
		{"a `` code with ` tick `` here", "a [code with ` tick] here"},
		{"an unclosed ` tick", "an unclosed ` tick"},
		{"`a` and `b`", "[a] and [b]"},
		{"globs like app=* and \\d+ stay", "globs like app=* and \\d+ stay"},
	}
	base, code := lipgloss.NewStyle(), lipgloss.NewStyle().Transform(func(s string) string { return "[" + s + "]" })
	for _, tt := range tests {
		if got := Inline(base, code, tt.src); got != tt.want {
			t.Errorf("Inline(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
	got := Block(base, code, "see `kubectl get pod web -o yaml` for all", 30)
	if want := "see\n[kubectl get pod web -o yaml]\nfor all"; got != want {
		t.Errorf("Block kept a span together as %q, want %q", got, want)
	}
}

// TestBlockBreaksACodeSpanWiderThanTheLine: a span that cannot fit on a
// line breaks between its words, never inside one.
func TestBlockBreaksACodeSpanWiderThanTheLine(t *testing.T) {
	base, code := lipgloss.NewStyle(), lipgloss.NewStyle()
	got := Block(base, code, "try `kubectl -n np-3 exec locked -- nslookup api` now", 30)
	want := "try kubectl -n np-3 exec\nlocked -- nslookup api now"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
