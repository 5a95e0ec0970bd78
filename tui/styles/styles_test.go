package styles

import "testing"

// TestStatesLookApart: every state has a glyph of its own, so that a mark
// is told apart without colour (NO_COLOR, a pipe).
func TestStatesLookApart(t *testing.T) {
	seen := map[string]State{}
	for st := State(0); st < stateCount; st++ {
		g := st.Glyph()
		if other, dup := seen[g]; dup {
			t.Errorf("states %d and %d share the glyph %q", other, st, g)
		}
		seen[g] = st
	}
}
